/**
 * World (LPS mm) ↔ voxel index for one volume, from the geometry the server sent.
 *
 * world = origin + Σ_r index_r · spacing_r · direction_row_r  (direction row r = LPS axis of voxel
 * axis r, Cornerstone's layout). The 3×3 inverse is computed once per volume, not per mouse move,
 * and is a general inverse so a non-orthogonal (sheared) direction still maps correctly.
 */
import type { Geometry, Vec3, VoxelArray } from '../../src-shared/volume/types';

export type WorldToIndex = (world: Vec3) => Vec3;

/** Returns a function mapping an LPS point to continuous voxel coordinates (voxel centres are integers). */
export function createWorldToIndex(geometry: Geometry): WorldToIndex {
  const { spacingMm: s, originLps: o, direction: d } = geometry;
  // Columns of M are the world step per voxel along i, j, k: M[:, r] = spacing_r · d_row_r.
  // prettier-ignore
  const m = [
    d[0] * s[0], d[3] * s[1], d[6] * s[2],
    d[1] * s[0], d[4] * s[1], d[7] * s[2],
    d[2] * s[0], d[5] * s[1], d[8] * s[2],
  ];
  const inv = invert3x3(m);
  return (world) => {
    const x = world[0] - o[0];
    const y = world[1] - o[1];
    const z = world[2] - o[2];
    return [inv[0] * x + inv[1] * y + inv[2] * z, inv[3] * x + inv[4] * y + inv[5] * z, inv[6] * x + inv[7] * y + inv[8] * z];
  };
}

/** LPS position of a voxel centre. */
export function indexToWorld(geometry: Geometry, index: Vec3): Vec3 {
  const { spacingMm: s, originLps: o, direction: d } = geometry;
  const a = index[0] * s[0];
  const b = index[1] * s[1];
  const c = index[2] * s[2];
  return [o[0] + a * d[0] + b * d[3] + c * d[6], o[1] + a * d[1] + b * d[4] + c * d[7], o[2] + a * d[2] + b * d[5] + c * d[8]];
}

/** The nearest voxel to continuous coordinates, or null outside the grid. */
export function nearestVoxel(dims: Vec3, continuous: Vec3): Vec3 | null {
  const i = Math.round(continuous[0]);
  const j = Math.round(continuous[1]);
  const k = Math.round(continuous[2]);
  if (i < 0 || j < 0 || k < 0 || i >= dims[0] || j >= dims[1] || k >= dims[2]) return null;
  return [i, j, k];
}

/** The value stored at an integer voxel index (i fastest). */
export function voxelValue(data: VoxelArray, dims: Vec3, index: Vec3): number {
  return data[index[0] + dims[0] * (index[1] + dims[1] * index[2])];
}

function invert3x3(m: readonly number[]): number[] {
  const [a, b, c, d, e, f, g, h, i] = m;
  const A = e * i - f * h;
  const B = -(d * i - f * g);
  const C = d * h - e * g;
  const det = a * A + b * B + c * C;
  if (!Number.isFinite(det) || Math.abs(det) < 1e-12) {
    throw new Error('The volume geometry is degenerate (its direction/spacing matrix cannot be inverted).');
  }
  const r = 1 / det;
  // prettier-ignore
  return [
    A * r, -(b * i - c * h) * r, (b * f - c * e) * r,
    B * r, (a * i - c * g) * r, -(a * f - c * d) * r,
    C * r, -(a * h - b * g) * r, (a * e - b * d) * r,
  ];
}
