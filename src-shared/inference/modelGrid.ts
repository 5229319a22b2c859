/**
 * From the case grid to the grid the model was trained on, and back: nnU-Net's crop to the
 * non-zero box, and the axis order of the manifest (`nnunet`: the file's own axes; `monai`:
 * reoriented to RAS with the tensor [C, x, y, z], so z is the fastest axis in memory).
 *
 * A model grid is a permutation with flips of the case's axes: model axis a (i-fastest order, like a
 * Quorum Volume) is case axis `perm[a]`, reversed when `flip[a]`. Both directions are exact copies,
 * so nothing is interpolated here.
 */
import type { Direction, Vec3 } from '../volume/types';
import type { AxisOrder } from './manifest';

export interface Box {
  readonly start: Vec3;
  readonly dims: Vec3;
}

/** Bounding box of the voxels non-zero in any channel; the whole grid when none is (nothing to crop to). */
export function nonzeroBox(channels: readonly ArrayLike<number>[], dims: Vec3): Box {
  const lo = [dims[0], dims[1], dims[2]];
  const hi = [-1, -1, -1];
  for (let k = 0, v = 0; k < dims[2]; k++)
    for (let j = 0; j < dims[1]; j++)
      for (let i = 0; i < dims[0]; i++, v++) {
        let any = false;
        for (const c of channels) any ||= c[v] !== 0;
        if (!any) continue;
        if (i < lo[0]) lo[0] = i;
        if (i > hi[0]) hi[0] = i;
        if (j < lo[1]) lo[1] = j;
        if (j > hi[1]) hi[1] = j;
        if (k < lo[2]) lo[2] = k;
        if (k > hi[2]) hi[2] = k;
      }
  if (hi[0] < 0) return { start: [0, 0, 0], dims };
  return { start: [lo[0], lo[1], lo[2]], dims: [hi[0] - lo[0] + 1, hi[1] - lo[1] + 1, hi[2] - lo[2] + 1] };
}

export function cropToBox(src: ArrayLike<number>, dims: Vec3, box: Box): Float32Array {
  const [bi, bj, bk] = box.dims;
  const out = new Float32Array(bi * bj * bk);
  for (let k = 0, o = 0; k < bk; k++)
    for (let j = 0; j < bj; j++) {
      const row = ((box.start[2] + k) * dims[1] + box.start[1] + j) * dims[0] + box.start[0];
      for (let i = 0; i < bi; i++, o++) out[o] = src[row + i];
    }
  return out;
}

/** The inverse of cropToBox: `fill` outside the box. */
export function uncropFromBox(src: Float32Array, dims: Vec3, box: Box, fill: number): Float32Array {
  const out = new Float32Array(dims[0] * dims[1] * dims[2]).fill(fill);
  const [bi, bj, bk] = box.dims;
  for (let k = 0, o = 0; k < bk; k++)
    for (let j = 0; j < bj; j++, o += bi) {
      const row = ((box.start[2] + k) * dims[1] + box.start[1] + j) * dims[0] + box.start[0];
      out.set(src.subarray(o, o + bi), row);
    }
  return out;
}

export interface ModelGrid {
  /** Model axis a is case axis perm[a]. */
  readonly perm: Vec3;
  readonly flip: readonly [boolean, boolean, boolean];
  readonly dims: Vec3;
  readonly spacingMm: Vec3;
  /** Manifest vectors (targetSpacingMm, patchSize) to model-axis order. */
  readonly fromManifest: (v: Vec3) => Vec3;
  /** A manifest axis index (ttaFlipAxes) to a model axis. */
  readonly manifestAxis: (a: number) => number;
}

/**
 * The model grid for a case grid. `monai` needs the case's direction (LPS rows, see volume/types)
 * to find its R, A and S axes; an oblique axis counts for the patient axis it is closest to.
 */
export function modelGrid(order: AxisOrder, dims: Vec3, spacingMm: Vec3, direction?: Direction): ModelGrid {
  if (order === 'nnunet') {
    return { perm: [0, 1, 2], flip: [false, false, false], dims, spacingMm, fromManifest: (v) => v, manifestAxis: (a) => a };
  }
  if (!direction) throw new Error('this model expects MONAI axis order (RAS), but the case has no orientation to reorient it by');
  // For each patient axis (0 = L→R, 1 = P→A, 2 = S) the case axis along it and whether it runs backwards.
  const along: number[] = [-1, -1, -1];
  const backwards: boolean[] = [false, false, false];
  for (let r = 0; r < 3; r++) {
    const row = [direction[3 * r], direction[3 * r + 1], direction[3 * r + 2]];
    const c = row.reduce((best, x, i) => (Math.abs(x) > Math.abs(row[best]) ? i : best), 0);
    if (along[c] !== -1) throw new Error('the case orientation has two axes along one patient axis; cannot reorient it to RAS');
    along[c] = r;
    // LPS: +x is Left, +y is Posterior, +z is Superior; RAS wants Right, Anterior, Superior.
    backwards[c] = c === 2 ? row[c] < 0 : row[c] > 0;
  }
  // Tensor [C, x, y, z]: z is fastest, so model axis 0 is S, 1 is A, 2 is R.
  const perm: Vec3 = [along[2], along[1], along[0]];
  const flip: readonly [boolean, boolean, boolean] = [backwards[2], backwards[1], backwards[0]];
  return {
    perm,
    flip,
    dims: [dims[perm[0]], dims[perm[1]], dims[perm[2]]],
    spacingMm: [spacingMm[perm[0]], spacingMm[perm[1]], spacingMm[perm[2]]],
    fromManifest: (v) => [v[2], v[1], v[0]],
    manifestAxis: (a) => 2 - a,
  };
}

/** Case grid (dims `caseDims`, i fastest) → model grid. A copy either way. */
export function toModelGrid(src: ArrayLike<number>, caseDims: Vec3, g: ModelGrid): Float32Array {
  const out = new Float32Array(src.length);
  walk(caseDims, g, (m, c) => (out[m] = src[c]));
  return out;
}

/** Model grid → case grid (the inverse of toModelGrid). */
export function fromModelGrid(src: ArrayLike<number>, caseDims: Vec3, g: ModelGrid): Float32Array {
  const out = new Float32Array(src.length);
  walk(caseDims, g, (m, c) => (out[c] = src[m]));
  return out;
}

/** Visit every voxel with its model-grid and case-grid offsets. */
function walk(caseDims: Vec3, g: ModelGrid, visit: (model: number, kase: number) => void): void {
  const strides = [1, caseDims[0], caseDims[0] * caseDims[1]];
  // Case-offset step and start for each model axis.
  const step = [0, 1, 2].map((a) => (g.flip[a] ? -strides[g.perm[a]] : strides[g.perm[a]]));
  const first = [0, 1, 2].reduce((s, a) => s + (g.flip[a] ? (g.dims[a] - 1) * strides[g.perm[a]] : 0), 0);
  let m = 0;
  for (let z = 0; z < g.dims[2]; z++)
    for (let y = 0; y < g.dims[1]; y++) {
      let c = first + z * step[2] + y * step[1];
      for (let x = 0; x < g.dims[0]; x++, m++, c += step[0]) visit(m, c);
    }
}
