/**
 * Which rows of a mask hold set voxels, and where: for every row (j, k) of a box, the first and
 * last set i. One scan, 32-bit words at a time where the layout allows, finds them; after it the
 * surface and lesion passes visit only the rows that hold lesion voxels (and their neighbours), so
 * their cost follows the lesions, not the box. Lesions spread through a scan make the box most of
 * the grid while their rows are a small part of it.
 */
import { type Box3, type Dims3, maskBox, unionBox } from './grid';

export interface MaskRows {
  /** The box scanned; it holds every set voxel of the mask. */
  readonly box: Box3;
  /** Per row of the box, index (j − lo1) + (k − lo2)·boxRowsJ: first and last set i, −1 when none. */
  readonly first: Int32Array;
  readonly last: Int32Array;
}

/** Rows of R and P on their union box (both empty: an empty box and no rows). */
export interface RowPair {
  readonly box: Box3;
  readonly ref: MaskRows;
  readonly pred: MaskRows;
}

export function maskRows(mask: Uint8Array, dims: Dims3, box: Box3): MaskRows {
  if (box.empty) return { box, first: new Int32Array(0), last: new Int32Array(0) };
  const [nx, ny] = dims;
  const [i0, j0, k0] = box.lo;
  const [i1, j1, k1] = box.hi;
  const rowsJ = j1 - j0 + 1;
  const first = new Int32Array(rowsJ * (k1 - k0 + 1)).fill(-1);
  const last = new Int32Array(first.length).fill(-1);
  // With rows of whole 32-bit words, one OR per word rules a background row out. The words may
  // reach past [i0, i1] within the row; those voxels are outside the box and therefore 0.
  const words = mask.byteOffset % 4 === 0 && nx % 4 === 0 ? new Uint32Array(mask.buffer, mask.byteOffset, mask.length >> 2) : null;
  for (let k = k0, r = 0; k <= k1; k++) {
    for (let j = j0; j <= j1; j++, r++) {
      const p = nx * (j + ny * k);
      if (words) {
        let any = 0;
        for (let w = (p + i0) >> 2, end = (p + i1) >> 2; w <= end; w++) any |= words[w];
        if (any === 0) continue;
      }
      let f = i0;
      while (f <= i1 && mask[p + f] === 0) f++;
      if (f > i1) continue;
      let l = i1;
      while (mask[p + l] === 0) l--;
      first[r] = f;
      last[r] = l;
    }
  }
  return { box, first, last };
}

/** `box` is the caller's when it has it (CaseContext gets it from its counting pass). */
export function unionRows(ref: Uint8Array, pred: Uint8Array, dims: Dims3, box?: Box3): RowPair {
  const b = box ?? unionBox(maskBox(ref, dims), maskBox(pred, dims));
  return { box: b, ref: maskRows(ref, dims, b), pred: maskRows(pred, dims, b) };
}
