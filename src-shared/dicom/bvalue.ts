/**
 * Diffusion b-value and gradient direction of a DICOM frame. The standard tag (0018,9087) comes first; older files keep it
 * in vendor private tags, read only when the Manufacturer matches because private tag numbers mean
 * different things per vendor:
 *   Siemens (0019,100C) IS; GE (0043,1039) IS, first value, which some software versions store as
 *   b + 10^9 (the offset is stripped); Philips (2001,1003) FL.
 */
import type { DataSet } from 'dicom-parser';
import type { Vec3 } from '../volume/types';

function firstNumber(s: string | undefined): number | null {
  if (!s) return null;
  const v = Number(s.split('\\')[0]);
  return Number.isFinite(v) ? v : null;
}

export function readBValue(ds: DataSet): number | null {
  const std = ds.elements.x00189087;
  if (std && std.length >= 8) {
    const v = ds.double('x00189087');
    if (v !== undefined && Number.isFinite(v) && v >= 0) return v;
  }
  const maker = (ds.string('x00080070') ?? '').toUpperCase();
  if (maker.includes('SIEMENS') && ds.elements.x0019100c) {
    return firstNumber(ds.string('x0019100c'));
  }
  if ((maker.startsWith('GE') || maker.includes('GENERAL ELECTRIC')) && ds.elements.x00431039) {
    const v = firstNumber(ds.string('x00431039'));
    return v === null ? null : v % 1e9;
  }
  if (maker.includes('PHILIPS') && ds.elements.x20011003 && ds.elements.x20011003.length >= 4) {
    const v = ds.float('x20011003');
    return v !== undefined && Number.isFinite(v) ? v : null;
  }
  return null;
}

function threeDoubles(ds: DataSet, tag: string): Vec3 | null {
  const e = ds.elements[tag];
  if (!e || e.length < 24) return null;
  const v = [0, 1, 2].map((i) => ds.double(tag, i) ?? NaN);
  return v.every((x) => Number.isFinite(x)) ? (v as unknown as Vec3) : null;
}

/**
 * Diffusion gradient direction in patient LPS: the standard (0018,9089) FD×3, else Siemens' private
 * (0019,100E) FD×3 (the same tag Siemens mosaics carry; read only for Siemens, as above). Null when
 * neither is present, e.g. for b = 0 images or vendors keeping it elsewhere.
 */
export function readGradientDirection(ds: DataSet): Vec3 | null {
  const std = threeDoubles(ds, 'x00189089');
  if (std) return std;
  const maker = (ds.string('x00080070') ?? '').toUpperCase();
  return maker.includes('SIEMENS') ? threeDoubles(ds, 'x0019100e') : null;
}
