/**
 * Index ↔ world geometry for volumes, in DICOM patient LPS millimetres.
 *
 * A volume's geometry is (dims, spacing, origin, direction); the 4×4 index→world matrix is derived
 * from it once per volume (like vtk.js ImageData's computeTransforms), never per voxel. Matrices are
 * row-major Float64Array(16) acting on column vectors [i, j, k, 1].
 *
 * NIfTI stores an index→RAS affine; LPS = diag(-1, -1, 1) · RAS, so converting flips the first two
 * rows. Pure functions only: shared by main, renderer, workers and CLI.
 */
import type { Direction, Vec3, Geometry } from './types';

export type Mat4 = Float64Array;

export function dot(a: Vec3, b: Vec3): number {
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

export function cross(a: Vec3, b: Vec3): Vec3 {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}

export function norm(a: Vec3): number {
  return Math.hypot(a[0], a[1], a[2]);
}

/** The grid bare voxels imply (synthetic cases, tests): origin at 0 and the voxel axes along L, P, S. */
export function axisAlignedGeometry(dims: Vec3, spacingMm: Vec3): Geometry {
  return { dims, spacingMm, originLps: [0, 0, 0], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] };
}

/** Row r of the direction matrix: the LPS unit vector along voxel axis r. */
function axisDirection(direction: Direction, axis: 0 | 1 | 2): Vec3 {
  return [direction[axis * 3], direction[axis * 3 + 1], direction[axis * 3 + 2]];
}

/** index→LPS: world = origin + Σ_r index_r · spacing_r · direction_row_r. */
export function indexToWorldMatrix(g: Geometry): Mat4 {
  const m = new Float64Array(16);
  for (let c = 0; c < 3; c++) {
    for (let r = 0; r < 3; r++) m[c * 4 + r] = g.direction[r * 3 + c] * g.spacingMm[r];
    m[c * 4 + 3] = g.originLps[c];
  }
  m[15] = 1;
  return m;
}

export function worldToIndexMatrix(g: Geometry): Mat4 {
  const inv = invert4x4(indexToWorldMatrix(g));
  if (!inv) throw new Error('Volume geometry is singular (zero spacing or degenerate direction)');
  return inv;
}

/** Applies a row-major 4×4 affine to a point; `out` lets hot paths reuse one array. */
export function transformPoint(m: ArrayLike<number>, p: ArrayLike<number>, out: number[] = [0, 0, 0]): number[] {
  const x = p[0];
  const y = p[1];
  const z = p[2];
  out[0] = m[0] * x + m[1] * y + m[2] * z + m[3];
  out[1] = m[4] * x + m[5] * y + m[6] * z + m[7];
  out[2] = m[8] * x + m[9] * y + m[10] * z + m[11];
  return out;
}

/** General 4×4 inverse by cofactors; null when singular or not finite. */
export function invert4x4(m: ArrayLike<number>): Mat4 | null {
  const a = m;
  const inv = new Float64Array(16);
  inv[0] =
    a[5] * a[10] * a[15] - a[5] * a[11] * a[14] - a[9] * a[6] * a[15] + a[9] * a[7] * a[14] + a[13] * a[6] * a[11] - a[13] * a[7] * a[10];
  inv[4] =
    -a[4] * a[10] * a[15] + a[4] * a[11] * a[14] + a[8] * a[6] * a[15] - a[8] * a[7] * a[14] - a[12] * a[6] * a[11] + a[12] * a[7] * a[10];
  inv[8] =
    a[4] * a[9] * a[15] - a[4] * a[11] * a[13] - a[8] * a[5] * a[15] + a[8] * a[7] * a[13] + a[12] * a[5] * a[11] - a[12] * a[7] * a[9];
  inv[12] =
    -a[4] * a[9] * a[14] + a[4] * a[10] * a[13] + a[8] * a[5] * a[14] - a[8] * a[6] * a[13] - a[12] * a[5] * a[10] + a[12] * a[6] * a[9];
  inv[1] =
    -a[1] * a[10] * a[15] + a[1] * a[11] * a[14] + a[9] * a[2] * a[15] - a[9] * a[3] * a[14] - a[13] * a[2] * a[11] + a[13] * a[3] * a[10];
  inv[5] =
    a[0] * a[10] * a[15] - a[0] * a[11] * a[14] - a[8] * a[2] * a[15] + a[8] * a[3] * a[14] + a[12] * a[2] * a[11] - a[12] * a[3] * a[10];
  inv[9] =
    -a[0] * a[9] * a[15] + a[0] * a[11] * a[13] + a[8] * a[1] * a[15] - a[8] * a[3] * a[13] - a[12] * a[1] * a[11] + a[12] * a[3] * a[9];
  inv[13] =
    a[0] * a[9] * a[14] - a[0] * a[10] * a[13] - a[8] * a[1] * a[14] + a[8] * a[2] * a[13] + a[12] * a[1] * a[10] - a[12] * a[2] * a[9];
  inv[2] =
    a[1] * a[6] * a[15] - a[1] * a[7] * a[14] - a[5] * a[2] * a[15] + a[5] * a[3] * a[14] + a[13] * a[2] * a[7] - a[13] * a[3] * a[6];
  inv[6] =
    -a[0] * a[6] * a[15] + a[0] * a[7] * a[14] + a[4] * a[2] * a[15] - a[4] * a[3] * a[14] - a[12] * a[2] * a[7] + a[12] * a[3] * a[6];
  inv[10] =
    a[0] * a[5] * a[15] - a[0] * a[7] * a[13] - a[4] * a[1] * a[15] + a[4] * a[3] * a[13] + a[12] * a[1] * a[7] - a[12] * a[3] * a[5];
  inv[14] =
    -a[0] * a[5] * a[14] + a[0] * a[6] * a[13] + a[4] * a[1] * a[14] - a[4] * a[2] * a[13] - a[12] * a[1] * a[6] + a[12] * a[2] * a[5];
  inv[3] = -a[1] * a[6] * a[11] + a[1] * a[7] * a[10] + a[5] * a[2] * a[11] - a[5] * a[3] * a[10] - a[9] * a[2] * a[7] + a[9] * a[3] * a[6];
  inv[7] = a[0] * a[6] * a[11] - a[0] * a[7] * a[10] - a[4] * a[2] * a[11] + a[4] * a[3] * a[10] + a[8] * a[2] * a[7] - a[8] * a[3] * a[6];
  inv[11] = -a[0] * a[5] * a[11] + a[0] * a[7] * a[9] + a[4] * a[1] * a[11] - a[4] * a[3] * a[9] - a[8] * a[1] * a[7] + a[8] * a[3] * a[5];
  inv[15] = a[0] * a[5] * a[10] - a[0] * a[6] * a[9] - a[4] * a[1] * a[10] + a[4] * a[2] * a[9] + a[8] * a[1] * a[6] - a[8] * a[2] * a[5];
  const det = a[0] * inv[0] + a[1] * inv[4] + a[2] * inv[8] + a[3] * inv[12];
  if (!Number.isFinite(det) || Math.abs(det) < 1e-12) return null;
  for (let i = 0; i < 16; i++) inv[i] /= det;
  return inv;
}

/**
 * Splits an index→RAS affine into spacing (column norms), direction (unit columns, LPS) and origin
 * (the caller supplies dims), with `maxAxisCosine`, the largest |cos| between two voxel axes: above
 * ~1e-3 the affine shears and the grid is not orthogonal. Returns null when a column is zero, not
 * finite, or the columns are linearly dependent.
 */
export function geometryFromAffineRas(
  affineRas: ArrayLike<number>,
): (Pick<Geometry, 'spacingMm' | 'originLps' | 'direction'> & { readonly maxAxisCosine: number }) | null {
  const a = affineRas;
  for (let i = 0; i < 12; i++) if (!Number.isFinite(a[i])) return null;
  const cols: Vec3[] = [0, 1, 2].map((c) => [-a[c], -a[4 + c], a[8 + c]] as Vec3);
  const spacing = cols.map(norm) as unknown as Vec3;
  if (spacing.some((s) => !(s > 1e-9))) return null;
  // `+ 0` turns -0 into 0, so flipped zero entries compare equal to plain zeros.
  const units = cols.map((v, c) => [v[0] / spacing[c] + 0, v[1] / spacing[c] + 0, v[2] / spacing[c] + 0] as Vec3);
  // Linearly dependent columns make the grid collapse onto a plane: not a usable volume.
  if (Math.abs(dot(cross(units[0], units[1]), units[2])) < 1e-6) return null;
  const maxAxisCosine = Math.max(Math.abs(dot(units[0], units[1])), Math.abs(dot(units[0], units[2])), Math.abs(dot(units[1], units[2])));
  return {
    spacingMm: spacing,
    originLps: [-a[3] + 0, -a[7] + 0, a[11] + 0],
    direction: [...units[0], ...units[1], ...units[2]] as unknown as Direction,
    maxAxisCosine,
  };
}

/** The index→RAS affine (row-major 4×4) NIfTI expects for this geometry. */
export function affineRasFromGeometry(g: Pick<Geometry, 'spacingMm' | 'originLps' | 'direction'>): Mat4 {
  const m = new Float64Array(16);
  const flip = [-1, -1, 1];
  for (let row = 0; row < 3; row++) {
    for (let c = 0; c < 3; c++) m[row * 4 + c] = flip[row] * g.direction[c * 3 + row] * g.spacingMm[c] + 0;
    m[row * 4 + 3] = flip[row] * g.originLps[row] + 0;
  }
  m[15] = 1;
  return m;
}

/**
 * The anatomical letter (LPS convention: the direction a positive step points *toward*) for each
 * voxel axis, e.g. ['L', 'P', 'S'] for an LPS-aligned grid; oblique axes take their dominant
 * component. Useful for orientation markers and for describing a file in messages.
 */
export function axisLetters(direction: Direction): [string, string, string] {
  const pos = ['L', 'P', 'S'];
  const neg = ['R', 'A', 'I'];
  const out: string[] = [];
  for (let r = 0; r < 3; r++) {
    const v = axisDirection(direction, r as 0 | 1 | 2);
    let best = 0;
    for (let c = 1; c < 3; c++) if (Math.abs(v[c]) > Math.abs(v[best])) best = c;
    out.push(v[best] >= 0 ? pos[best] : neg[best]);
  }
  return out as [string, string, string];
}

/** Largest angle (degrees) between any voxel axis and its nearest LPS axis; 0 for a straight grid. */
export function obliquityDegrees(direction: Direction): number {
  let worst = 0;
  for (let r = 0; r < 3; r++) {
    const v = axisDirection(direction, r as 0 | 1 | 2);
    const m = Math.max(Math.abs(v[0]), Math.abs(v[1]), Math.abs(v[2])) / (norm(v) || 1);
    worst = Math.max(worst, (Math.acos(Math.min(1, m)) * 180) / Math.PI);
  }
  return worst;
}
