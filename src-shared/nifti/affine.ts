/**
 * NIfTI index→RAS affines: which of sform / qform / pixdim to trust, the quaternion maths both ways,
 * and the spacing checks. The rules follow the NIfTI-1 standard (nifti1.h, "methods 1-3"):
 * sform when sform_code > 0, else qform when qform_code > 0, else the Analyze-style pixdim scaling.
 * Quorum prefers sform (as ITK and NiiVue do) because converters store the exact scanner matrix there.
 */
import { VolumeReadError } from '../volume/errors';
import type { NiftiHeader } from './header';

export type AffineSource = 'sform' | 'qform' | 'pixdim';

/** Millimetres per stored spatial unit (xyzt_units & 7): 1 metre, 2 mm, 3 micron; 0 (unknown) is read as mm. */
function unitScale(xyztUnits: number, notes: string[]): number {
  switch (xyztUnits & 7) {
    case 1:
      notes.push('Spatial units are metres; converted to mm.');
      return 1000;
    case 3:
      notes.push('Spatial units are microns; converted to mm.');
      return 0.001;
    default:
      return 1;
  }
}

/**
 * Rotation matrix (row-major 3×3) of the unit quaternion (a, b, c, d) with a derived from b, c, d as
 * in nifti1.h. A (b, c, d) of length > 1 (float rounding) is renormalised with a = 0.
 */
export function quaternionToRotation(b: number, c: number, d: number): number[] {
  let a2 = 1 - (b * b + c * c + d * d);
  if (a2 < 1e-7) {
    const s = Math.sqrt(b * b + c * c + d * d);
    b /= s;
    c /= s;
    d /= s;
    a2 = 0;
  }
  const a = Math.sqrt(a2);
  return [
    a * a + b * b - c * c - d * d,
    2 * (b * c - a * d),
    2 * (b * d + a * c),
    2 * (b * c + a * d),
    a * a + c * c - b * b - d * d,
    2 * (c * d - a * b),
    2 * (b * d - a * c),
    2 * (c * d + a * b),
    a * a + d * d - c * c - b * b,
  ];
}

/**
 * Quaternion (b, c, d) and qfac for a rotation-with-possible-reflection R (row-major 3×3, columns
 * unit length). A reflection (det < 0) is moved into qfac = -1 by negating the third column, which
 * is how NIfTI encodes left-handed grids. Shepperd's method picks the numerically largest component.
 */
export function rotationToQuaternion(rIn: ArrayLike<number>): { b: number; c: number; d: number; qfac: 1 | -1 } {
  const r = Array.from({ length: 9 }, (_, i) => rIn[i]);
  const det = r[0] * (r[4] * r[8] - r[5] * r[7]) - r[1] * (r[3] * r[8] - r[5] * r[6]) + r[2] * (r[3] * r[7] - r[4] * r[6]);
  const qfac: 1 | -1 = det < 0 ? -1 : 1;
  if (qfac < 0) for (const i of [2, 5, 8]) r[i] = -r[i];
  const trace = r[0] + r[4] + r[8];
  let a: number;
  let b: number;
  let c: number;
  let d: number;
  if (trace > -0.5) {
    a = 0.5 * Math.sqrt(1 + trace);
    b = (r[7] - r[5]) / (4 * a);
    c = (r[2] - r[6]) / (4 * a);
    d = (r[3] - r[1]) / (4 * a);
  } else if (r[0] >= r[4] && r[0] >= r[8]) {
    b = 0.5 * Math.sqrt(Math.max(0, 1 + r[0] - r[4] - r[8]));
    a = (r[7] - r[5]) / (4 * b);
    c = (r[1] + r[3]) / (4 * b);
    d = (r[2] + r[6]) / (4 * b);
  } else if (r[4] >= r[8]) {
    c = 0.5 * Math.sqrt(Math.max(0, 1 + r[4] - r[0] - r[8]));
    a = (r[2] - r[6]) / (4 * c);
    b = (r[1] + r[3]) / (4 * c);
    d = (r[5] + r[7]) / (4 * c);
  } else {
    d = 0.5 * Math.sqrt(Math.max(0, 1 + r[8] - r[0] - r[4]));
    a = (r[3] - r[1]) / (4 * d);
    b = (r[2] + r[6]) / (4 * d);
    c = (r[5] + r[7]) / (4 * d);
  }
  // NIfTI stores only b, c, d and rebuilds a ≥ 0, so the sign must make a non-negative.
  if (a < 0) {
    b = -b;
    c = -c;
    d = -d;
  }
  return { b, c, d, qfac };
}

function spacingFromPixdim(h: NiftiHeader, fileName: string, notes: string[], strict: boolean): [number, number, number] {
  const p = [h.pixdim[1], h.pixdim[2], h.pixdim[3]];
  const nd = h.dim[0];
  const out: [number, number, number] = [1, 1, 1];
  for (let i = 0; i < 3; i++) {
    const v = p[i];
    if (Number.isNaN(v) || !Number.isFinite(v)) {
      throw new VolumeReadError(
        'bad-geometry',
        `${fileName} has invalid voxel spacing (pixdim = ${p.join(' × ')}); Quorum cannot place it in space. Fix the header, e.g. with fslhd/nibabel.`,
      );
    }
    if (v > 0) out[i] = v;
    else if (i + 1 > nd)
      out[i] = 1; // an unused axis of a 2D image carries no spacing
    else if (strict) {
      throw new VolumeReadError(
        'bad-geometry',
        `${fileName} has ${v === 0 ? 'zero' : 'negative'} voxel spacing (pixdim = ${p.join(' × ')} mm); Quorum cannot place it in space.`,
      );
    } else {
      notes.push(`pixdim[${i + 1}] = ${v} ignored: the sform gives the spacing.`);
    }
  }
  return out;
}

function finite(values: readonly number[]): boolean {
  return values.every((v) => Number.isFinite(v));
}

/** The index→RAS affine (row-major 4×4) to use for this header, in mm, and where it came from. */
export function chooseAffineRas(h: NiftiHeader, fileName: string, notes: string[]): { affine: Float64Array; source: AffineSource } {
  const scale = unitScale(h.xyztUnits, notes);
  const out = new Float64Array(16);
  out[15] = 1;
  const sformUsable = h.sformCode > 0 && finite(h.srow) && h.srow.slice(0, 11).some((v, i) => i % 4 !== 3 && v !== 0);
  if (sformUsable) {
    // NaN pixdim makes the file untrustworthy even when the sform is fine; zero/negative pixdim is only noted.
    spacingFromPixdim(h, fileName, notes, false);
    for (let i = 0; i < 12; i++) out[i] = h.srow[i] * scale;
    return { affine: out, source: 'sform' };
  }
  if (h.sformCode > 0) notes.push('The sform is empty or not finite; used the qform instead.');
  const spacing = spacingFromPixdim(h, fileName, notes, true);
  if (h.qformCode > 0 && finite([...h.quatern, ...h.qoffset])) {
    const r = quaternionToRotation(h.quatern[0], h.quatern[1], h.quatern[2]);
    const qfac = h.pixdim[0] < 0 ? -1 : 1;
    const s = [spacing[0], spacing[1], spacing[2] * qfac];
    for (let row = 0; row < 3; row++) {
      for (let c = 0; c < 3; c++) out[row * 4 + c] = r[row * 3 + c] * s[c] * scale;
      out[row * 4 + 3] = h.qoffset[row] * scale;
    }
    return { affine: out, source: 'qform' };
  }
  notes.push('Neither sform nor qform is set: orientation is unknown, the voxel grid is shown as RAS with pixdim spacing.');
  for (let i = 0; i < 3; i++) out[i * 5] = spacing[i] * scale;
  return { affine: out, source: 'pixdim' };
}
