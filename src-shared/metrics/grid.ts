/**
 * Grid helpers shared by the metric families: dimensions, spacing and bounding boxes.
 *
 * Masks are Uint8Array holding 0 or 1, i fastest (the NIfTI / Volume layout). The expensive metrics
 * visit only the rows that hold lesion voxels (rows.ts), so their cost and memory follow the lesions'
 * surfaces and runs, not the volume or the lesions' bounding box.
 */

export type Dims3 = readonly [number, number, number];
export type Spacing3 = readonly [number, number, number];

/** Inclusive voxel bounds; `empty` when no voxel is set. */
export interface Box3 {
  readonly empty: boolean;
  readonly lo: readonly [number, number, number];
  readonly hi: readonly [number, number, number];
}

export const EMPTY_BOX: Box3 = { empty: true, lo: [0, 0, 0], hi: [-1, -1, -1] };

export function voxelCount(dims: Dims3): number {
  return dims[0] * dims[1] * dims[2];
}

/** Voxel volume in ml (spacing in mm). */
export function voxelMl(spacing: Spacing3): number {
  return (spacing[0] * spacing[1] * spacing[2]) / 1000;
}

export function unionBox(a: Box3, b: Box3): Box3 {
  if (a.empty) return b;
  if (b.empty) return a;
  return {
    empty: false,
    lo: [Math.min(a.lo[0], b.lo[0]), Math.min(a.lo[1], b.lo[1]), Math.min(a.lo[2], b.lo[2])],
    hi: [Math.max(a.hi[0], b.hi[0]), Math.max(a.hi[1], b.hi[1]), Math.max(a.hi[2], b.hi[2])],
  };
}

/**
 * Grows a bounding box from row scans: a scan calls `addRow` once per row (fixed j, k) that holds set
 * voxels, with the first and last set i, so bounds cost nothing per voxel. Shared by maskBox and the
 * one-pass confusion-and-box count (overlap.ts).
 */
export class BoxBuilder {
  private lx: number;
  private ly: number;
  private lz: number;
  private hx = -1;
  private hy = -1;
  private hz = -1;

  constructor(dims: Dims3) {
    [this.lx, this.ly, this.lz] = dims;
  }

  addRow(first: number, last: number, j: number, k: number): void {
    if (first < this.lx) this.lx = first;
    if (last > this.hx) this.hx = last;
    if (j < this.ly) this.ly = j;
    if (j > this.hy) this.hy = j;
    if (k < this.lz) this.lz = k;
    if (k > this.hz) this.hz = k;
  }

  box(): Box3 {
    if (this.hx < 0) return EMPTY_BOX;
    return { empty: false, lo: [this.lx, this.ly, this.lz], hi: [this.hx, this.hy, this.hz] };
  }
}

/** Bounding box of the nonzero voxels of one mask. One pass; rows are skipped by a fast scan. */
export function maskBox(mask: Uint8Array, dims: Dims3): Box3 {
  const [nx, ny, nz] = dims;
  const bounds = new BoxBuilder(dims);
  let p = 0;
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++, p += nx) {
      let first = -1;
      for (let i = 0; i < nx; i++) {
        if (mask[p + i] !== 0) {
          first = i;
          break;
        }
      }
      if (first < 0) continue;
      let last = first;
      for (let i = nx - 1; i > first; i--) {
        if (mask[p + i] !== 0) {
          last = i;
          break;
        }
      }
      bounds.addRow(first, last, j, k);
    }
  }
  return bounds.box();
}

/** Converts any voxel array to a 0/1 mask (nonzero = 1). */
export function binarize(values: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(values.length);
  for (let p = 0; p < values.length; p++) out[p] = values[p] !== 0 ? 1 : 0;
  return out;
}
