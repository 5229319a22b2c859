/**
 * The surface points that the distance metrics measure between, listed as integer coordinates
 * straight from the full masks, so nothing of the size of the masks' bounding box is allocated:
 *  - border voxels (borderVoxels): a set voxel with a face neighbour (6-neighbourhood) that is unset
 *    or outside the array, i.e. the mask minus its erosion by the 3D cross with border_value=0, as
 *    medpy (USE) and MetricsReloaded's MorphologyOps.border_map define it;
 *  - surface corners (surfaceCorners): corners of the voxel-corner lattice whose 2×2×2
 *    neighbourhood code is neither 0 nor 255, DeepMind's surface points (surfaceDice.ts).
 *
 * Points are listed in scan order (i fastest, then j, then k), the order in which the box-EDT path
 * gathered them, so every per-point array keeps its old order. Coordinates are interleaved
 * (i0, j0, k0, i1, …) in an Int32Array of exactly 3 × count entries.
 */
import type { Box3, Dims3 } from './grid';

export interface SurfacePoints {
  readonly xyz: Int32Array;
  readonly count: number;
}

export interface SurfaceCorners extends SurfacePoints {
  /** The 2×2×2 neighbourhood code of each corner (DeepMind's bit order, see surfelTable.ts). */
  readonly codes: Uint8Array;
}

/** An Int32Array that doubles when full, so the scan needs no counting pass of its own. */
class PointList {
  xyz = new Int32Array(3 * 1024);
  count = 0;
  push(i: number, j: number, k: number): void {
    if (3 * this.count === this.xyz.length) {
      const grown = new Int32Array(2 * this.xyz.length);
      grown.set(this.xyz);
      this.xyz = grown;
    }
    const o = 3 * this.count++;
    this.xyz[o] = i;
    this.xyz[o + 1] = j;
    this.xyz[o + 2] = k;
  }
  done(): SurfacePoints {
    return { xyz: this.xyz.slice(0, 3 * this.count), count: this.count };
  }
}

/** Border voxels of `mask` inside `box` (which must hold all its set voxels). */
export function borderVoxels(mask: Uint8Array, dims: Dims3, box: Box3): SurfacePoints {
  const out = new PointList();
  if (box.empty) return out.done();
  const [nx, ny, nz] = dims;
  const sz = nx * ny;
  const [i0, j0, k0] = box.lo;
  const [i1, j1, k1] = box.hi;
  for (let k = k0; k <= k1; k++) {
    for (let j = j0; j <= j1; j++) {
      const row = nx * (j + ny * k);
      // Neighbour rows outside the array are background: their voxels count as unset.
      const hasS = j > 0,
        hasN = j < ny - 1,
        hasD = k > 0,
        hasU = k < nz - 1;
      for (let i = i0; i <= i1; i++) {
        const p = row + i;
        if (mask[p] === 0) continue;
        if (
          i === 0 ||
          mask[p - 1] === 0 ||
          i === nx - 1 ||
          mask[p + 1] === 0 ||
          !hasS ||
          mask[p - nx] === 0 ||
          !hasN ||
          mask[p + nx] === 0 ||
          !hasD ||
          mask[p - sz] === 0 ||
          !hasU ||
          mask[p + sz] === 0
        )
          out.push(i, j, k);
      }
    }
  }
  return out.done();
}

/**
 * Surface corners of `mask` around `box` (which must hold all its set voxels). Corner (i, j, k) is
 * the shared corner of voxels (i−1..i, j−1..j, k−1..k), so the corners that can touch the box run
 * from lo to hi + 1 on each axis; voxels outside the array are background.
 */
export function surfaceCorners(mask: Uint8Array, dims: Dims3, box: Box3): SurfaceCorners {
  const out = new PointList();
  let codes = new Uint8Array(1024);
  if (box.empty) return { ...out.done(), codes: codes.subarray(0, 0) };
  const [nx, ny, nz] = dims;
  const [i0, j0, k0] = box.lo;
  const [i1, j1, k1] = box.hi;
  // nib[x − (i0 − 1)]: the 4 voxels (x, j−1+b, k−1+c) of the corner row at bits 3 − (2b + c).
  const nib = new Uint8Array(i1 - i0 + 3);
  const rowOf = (j: number, k: number) => (j >= 0 && j < ny && k >= 0 && k < nz ? nx * (j + ny * k) : -1);
  for (let k = k0; k <= k1 + 1; k++) {
    for (let j = j0; j <= j1 + 1; j++) {
      const r3 = rowOf(j - 1, k - 1),
        r2 = rowOf(j - 1, k),
        r1 = rowOf(j, k - 1),
        r0 = rowOf(j, k);
      let any = 0;
      for (let x = i0; x <= i1; x++) {
        const v =
          ((r3 >= 0 ? mask[r3 + x] : 0) << 3) |
          ((r2 >= 0 ? mask[r2 + x] : 0) << 2) |
          ((r1 >= 0 ? mask[r1 + x] : 0) << 1) |
          (r0 >= 0 ? mask[r0 + x] : 0);
        nib[x - i0 + 1] = v;
        any |= v;
      }
      if (any === 0) continue;
      // nib[0] and nib[last] stand for voxels i0 − 1 and i1 + 1, outside every set voxel: 0.
      for (let i = i0; i <= i1 + 1; i++) {
        const code = (nib[i - i0] << 4) | nib[i - i0 + 1];
        if (code === 0 || code === 255) continue;
        if (out.count === codes.length) {
          const grown = new Uint8Array(2 * codes.length);
          grown.set(codes);
          codes = grown;
        }
        codes[out.count] = code;
        out.push(i, j, k);
      }
    }
  }
  return { ...out.done(), codes: codes.slice(0, out.count) };
}
