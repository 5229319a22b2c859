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
import type { Dims3 } from './grid';
import type { MaskRows } from './rows';

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

/** Border voxels of `mask`; `rows` (rows.ts) says which rows hold set voxels and where. */
export function borderVoxels(mask: Uint8Array, dims: Dims3, rows: MaskRows): SurfacePoints {
  const out = new PointList();
  const { box, first, last } = rows;
  if (box.empty) return out.done();
  const [nx, ny, nz] = dims;
  const sz = nx * ny;
  const [, j0, k0] = box.lo;
  const [, j1, k1] = box.hi;
  for (let k = k0, r = 0; k <= k1; k++) {
    for (let j = j0; j <= j1; j++, r++) {
      if (first[r] < 0) continue;
      const row = nx * (j + ny * k);
      // Neighbour rows outside the array are background: their voxels count as unset.
      const hasS = j > 0,
        hasN = j < ny - 1,
        hasD = k > 0,
        hasU = k < nz - 1;
      for (let i = first[r]; i <= last[r]; i++) {
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
 * Surface corners of `mask`; `rows` (rows.ts) says which rows hold set voxels and where. Corner
 * (i, j, k) is the shared corner of voxels (i−1..i, j−1..j, k−1..k), so the corners that can touch
 * the box run from lo to hi + 1 on each axis; voxels outside the array are background.
 */
export function surfaceCorners(mask: Uint8Array, dims: Dims3, rows: MaskRows): SurfaceCorners {
  const out = new PointList();
  let codes = new Uint8Array(1024);
  const { box, first, last } = rows;
  if (box.empty) return { ...out.done(), codes: codes.subarray(0, 0) };
  const [nx, ny] = dims;
  const [i0, j0, k0] = box.lo;
  const [i1, j1, k1] = box.hi;
  const rowsJ = j1 - j0 + 1;
  // Index of voxel row (j, k) in `rows`, or −1 outside the box (no set voxel there).
  const rowIn = (j: number, k: number) => (j >= j0 && j <= j1 && k >= k0 && k <= k1 ? j - j0 + rowsJ * (k - k0) : -1);
  // nib[x − (i0 − 1)]: the 4 voxels (x, j−1+b, k−1+c) of the corner row at bits 3 − (2b + c).
  const nib = new Uint8Array(i1 - i0 + 3);
  const four = new Int32Array(4);
  for (let k = k0; k <= k1 + 1; k++) {
    for (let j = j0; j <= j1 + 1; j++) {
      // Voxel rows at bits 3, 2, 1, 0: (j−1, k−1), (j−1, k), (j, k−1), (j, k).
      four[0] = rowIn(j - 1, k - 1);
      four[1] = rowIn(j - 1, k);
      four[2] = rowIn(j, k - 1);
      four[3] = rowIn(j, k);
      let lo = i1 + 1,
        hi = i0 - 1;
      for (let b = 0; b < 4; b++) {
        const r = four[b];
        if (r < 0 || first[r] < 0) {
          four[b] = -1;
          continue;
        }
        if (first[r] < lo) lo = first[r];
        if (last[r] > hi) hi = last[r];
      }
      if (hi < lo) continue;
      nib.fill(0, lo - i0, hi - i0 + 3);
      for (let b = 0; b < 4; b++) {
        if (four[b] < 0) continue;
        const jj = j - 1 + (b >> 1),
          kk = k - 1 + (b & 1);
        const p = nx * (jj + ny * kk);
        const bit = 1 << (3 - b);
        for (let x = lo; x <= hi; x++) if (mask[p + x] !== 0) nib[x - i0 + 1] |= bit;
      }
      // Corners lo .. hi + 1; nib at lo − 1 and hi + 1 is 0 (no set voxel of these rows there).
      for (let i = lo; i <= hi + 1; i++) {
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
