/** Small reductions over voxel arrays, written as plain loops (no per-voxel allocation). */
import type { VoxelArray } from './types';

export interface ValueRange {
  min: number;
  max: number;
}

/** Minimum and maximum over finite values; NaN/Infinity (possible in float data) are skipped. */
export function finiteRange(data: VoxelArray, offset = 0, length = data.length - offset): ValueRange {
  let min = Infinity;
  let max = -Infinity;
  const end = offset + length;
  if (data instanceof Float32Array || data instanceof Float64Array) {
    for (let i = offset; i < end; i++) {
      const v = data[i];
      // v - v is NaN for NaN and ±Infinity, 0 otherwise: one test keeps both out.
      if (v - v !== 0) continue;
      if (v < min) min = v;
      if (v > max) max = v;
    }
  } else {
    for (let i = offset; i < end; i++) {
      const v = data[i];
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  if (min > max) return { min: 0, max: 0 };
  return { min, max };
}
