/**
 * Mirroring of patch tensors laid out [C, pk, pj, pi] along voxel axes (0 = i, 1 = j, 2 = k), for
 * test-time augmentation. A flip is its own inverse, so the same call flips an output back.
 */
import type { Vec3 } from '../volume/types';

/** Every subset of `axes` (including none), as nnU-Net mirrors: 2^n variants. */
export function flipVariants(axes: readonly number[]): number[][] {
  const out: number[][] = [];
  for (let mask = 0; mask < 1 << axes.length; mask++) out.push(axes.filter((_, b) => mask & (1 << b)));
  return out;
}

/** Write `src` flipped along `axes` into `dst` (must not alias), for `channels` × patch voxels. */
export function flipPatch(src: Float32Array, dst: Float32Array, channels: number, patch: Vec3, axes: readonly number[]): void {
  const [pi, pj, pk] = patch;
  const fi = axes.includes(0);
  const fj = axes.includes(1);
  const fk = axes.includes(2);
  const per = pi * pj * pk;
  for (let c = 0; c < channels; c++) {
    const base = c * per;
    for (let k = 0; k < pk; k++) {
      const sk = fk ? pk - 1 - k : k;
      for (let j = 0; j < pj; j++) {
        const sj = fj ? pj - 1 - j : j;
        const d = base + (k * pj + j) * pi;
        const s = base + (sk * pj + sj) * pi;
        if (fi) for (let i = 0; i < pi; i++) dst[d + i] = src[s + pi - 1 - i];
        else dst.set(src.subarray(s, s + pi), d);
      }
    }
  }
}
