/**
 * Synthetic masks for tests and benchmarks: boxes, balls (in mm, so anisotropic spacing is honoured)
 * and single voxels. Pure functions on typed arrays.
 */
import type { Dims3, Spacing3 } from './grid';

export function emptyMask(dims: Dims3): Uint8Array {
  return new Uint8Array(dims[0] * dims[1] * dims[2]);
}

function index3(dims: Dims3, i: number, j: number, k: number): number {
  return i + dims[0] * (j + dims[1] * k);
}

/** Sets the inclusive voxel box [lo, hi] (clipped to the array) to 1. */
export function fillBox(mask: Uint8Array, dims: Dims3, lo: readonly number[], hi: readonly number[]): Uint8Array {
  for (let k = Math.max(0, lo[2]); k <= Math.min(dims[2] - 1, hi[2]); k++)
    for (let j = Math.max(0, lo[1]); j <= Math.min(dims[1] - 1, hi[1]); j++)
      for (let i = Math.max(0, lo[0]); i <= Math.min(dims[0] - 1, hi[0]); i++) mask[index3(dims, i, j, k)] = 1;
  return mask;
}

/** Sets voxels whose centre lies within `radiusMm` of `centre` (voxel coordinates) to 1. */
export function fillBall(mask: Uint8Array, dims: Dims3, spacing: Spacing3, centre: readonly number[], radiusMm: number): Uint8Array {
  const r2 = radiusMm * radiusMm;
  const lo = [0, 1, 2].map((a) => Math.max(0, Math.floor(centre[a] - radiusMm / spacing[a])));
  const hi = [0, 1, 2].map((a) => Math.min(dims[a] - 1, Math.ceil(centre[a] + radiusMm / spacing[a])));
  for (let k = lo[2]; k <= hi[2]; k++) {
    const dz = (k - centre[2]) * spacing[2];
    for (let j = lo[1]; j <= hi[1]; j++) {
      const dy = (j - centre[1]) * spacing[1];
      for (let i = lo[0]; i <= hi[0]; i++) {
        const dx = (i - centre[0]) * spacing[0];
        if (dx * dx + dy * dy + dz * dz <= r2) mask[index3(dims, i, j, k)] = 1;
      }
    }
  }
  return mask;
}

export function setVoxel(mask: Uint8Array, dims: Dims3, i: number, j: number, k: number): Uint8Array {
  mask[index3(dims, i, j, k)] = 1;
  return mask;
}
