/**
 * Synthetic raters' masks from the lesions' soft blobs (spec.ts says who draws how): an iso-level of
 * the blob other than the truth's 0.5, optionally a one-voxel boundary jitter (each voxel on either
 * side of the outline flips with probability `jitter`, decided on the unjittered outline), an
 * "uncertain" band (label 2) and a missed smallest lesion. Labels: 0 background, 1 lesion, 2 uncertain.
 */
import type { Vec3 } from '../../src-shared/volume/types';
import type { Blob } from './lesions';
import type { Rng } from './random';
import type { RaterSpec } from './spec';

/** max over the blobs, dense on the case grid. */
function softField(n: number, blobs: readonly Blob[]): Float32Array {
  const w = new Float32Array(n);
  for (const b of blobs) for (let t = 0; t < b.index.length; t++) if (b.w[t] > w[b.index[t]]) w[b.index[t]] = b.w[t];
  return w;
}

/** The index of the blob with the fewest truth voxels, or -1 when fewer than two blobs. */
export function smallestOfSeveral(blobs: readonly Blob[], truthVoxels: readonly number[]): number {
  if (blobs.length < 2) return -1;
  let best = 0;
  for (let b = 1; b < blobs.length; b++) if (truthVoxels[b] < truthVoxels[best]) best = b;
  return best;
}

function jitterOutline(dims: Vec3, base: Uint8Array, p: number, rng: Rng): Uint8Array {
  const [X, Y, Z] = dims;
  const sx = 1;
  const sy = X;
  const sz = X * Y;
  const out = base.slice();
  for (let k = 0; k < Z; k++)
    for (let j = 0; j < Y; j++)
      for (let i = 0; i < X; i++) {
        const v = i + X * (j + Y * k);
        const inside = base[v];
        // A voxel is on the outline when a face neighbour is on the other side.
        let other = false;
        if (i > 0 && base[v - sx] !== inside) other = true;
        else if (i < X - 1 && base[v + sx] !== inside) other = true;
        else if (j > 0 && base[v - sy] !== inside) other = true;
        else if (j < Y - 1 && base[v + sy] !== inside) other = true;
        else if (k > 0 && base[v - sz] !== inside) other = true;
        else if (k < Z - 1 && base[v + sz] !== inside) other = true;
        if (other && rng.uniform() < p) out[v] = inside ? 0 : 1;
      }
  return out;
}

/** One rater's labelmap on the case grid (all zero when the rater sees no lesion). */
export function raterMask(dims: Vec3, blobs: readonly Blob[], missed: number, spec: RaterSpec, rng: Rng): Uint8Array {
  const n = dims[0] * dims[1] * dims[2];
  const w = softField(
    n,
    blobs.filter((_, b) => !(spec.missesSmallestOfSeveral && b === missed)),
  );
  let mask: Uint8Array = new Uint8Array(n);
  for (let v = 0; v < n; v++) mask[v] = w[v] > spec.isoLevel ? 1 : 0;
  if (spec.jitter > 0) mask = jitterOutline(dims, mask, spec.jitter, rng);
  if (spec.uncertainFrom !== null) for (let v = 0; v < n; v++) if (mask[v] === 0 && w[v] > spec.uncertainFrom) mask[v] = 2;
  return mask;
}
