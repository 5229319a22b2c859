/**
 * Sliding-window tiling with Gaussian importance weighting, as nnU-Net does it:
 * - window starts per axis: n = ceil((size − patch) / (patch · (1 − overlap))) + 1 windows spread
 *   evenly from 0 to size − patch (rounded), so the last window ends at the border;
 * - each window's output is multiplied by a Gaussian centred on the patch (σ = patch / 8 per axis)
 *   and accumulated, together with the Gaussian itself; the result is accumulated / weights, so a
 *   voxel's value is a weighted mean of the windows covering it (a constant model stays constant).
 * Layout: volumes are i-fastest; a patch tensor is [C, pk, pj, pi] (the ONNX [1, C, D, H, W]).
 */
import type { Vec3 } from '../volume/types';

export function windowStarts(size: number, patch: number, overlap: number): number[] {
  if (size <= patch) return [0];
  const step = patch * (1 - overlap);
  const n = Math.ceil((size - patch) / step) + 1;
  const actual = (size - patch) / (n - 1);
  return Array.from({ length: n }, (_, i) => Math.round(actual * i));
}

/** All window origins (i, j, k), i fastest. */
export function windowOrigins(dims: Vec3, patch: Vec3, overlap: number): Vec3[] {
  const [si, sj, sk] = [0, 1, 2].map((a) => windowStarts(dims[a], patch[a], overlap));
  const out: Vec3[] = [];
  for (const k of sk) for (const j of sj) for (const i of si) out.push([i, j, k]);
  return out;
}

/**
 * Gaussian importance map of a patch, max 1, centred at (p − 1)/2 so it is symmetric under flips
 * (nnU-Net centres at p // 2; the symmetric centre keeps TTA mirroring exactly equivariant).
 */
export function gaussianImportance(patch: Vec3, sigmaFraction = 1 / 8): Float32Array {
  const [pi, pj, pk] = patch;
  const axis = (p: number) => {
    const s = p * sigmaFraction;
    const c = (p - 1) / 2;
    return Float64Array.from({ length: p }, (_, x) => Math.exp(-((x - c) * (x - c)) / (2 * s * s)));
  };
  const gi = axis(pi);
  const gj = axis(pj);
  const gk = axis(pk);
  const out = new Float32Array(pi * pj * pk);
  let max = 0;
  for (let k = 0, o = 0; k < pk; k++)
    for (let j = 0; j < pj; j++) for (let i = 0; i < pi; i++, o++) max = Math.max(max, (out[o] = gk[k] * gj[j] * gi[i]));
  // Keep every weight strictly positive (nnU-Net replaces zeros with the smallest non-zero value) so
  // a voxel seen only by a window's corner is still defined.
  let minPos = Infinity;
  for (let o = 0; o < out.length; o++) {
    out[o] /= max;
    if (out[o] > 0 && out[o] < minPos) minPos = out[o];
  }
  for (let o = 0; o < out.length; o++) if (!(out[o] > 0)) out[o] = minPos;
  return out;
}

/** Copy the window at `origin` of each channel (dims `dims`) into `dst` laid out [C, pk, pj, pi]. */
export function extractPatch(channels: readonly Float32Array[], dims: Vec3, origin: Vec3, patch: Vec3, dst: Float32Array): void {
  const [ni, nj] = dims;
  const [pi, pj, pk] = patch;
  const [oi, oj, ok] = origin;
  const per = pi * pj * pk;
  for (let c = 0; c < channels.length; c++) {
    const src = channels[c];
    for (let k = 0; k < pk; k++) {
      for (let j = 0; j < pj; j++) {
        const s = oi + ni * (oj + j + nj * (ok + k));
        dst.set(src.subarray(s, s + pi), c * per + (k * pj + j) * pi);
      }
    }
  }
}

/** acc[c] += weight · patchOut[c] over the window at `origin`. */
export function accumulatePatch(
  acc: readonly Float32Array[],
  dims: Vec3,
  origin: Vec3,
  patch: Vec3,
  patchOut: Float32Array,
  weight: Float32Array,
): void {
  const [ni, nj] = dims;
  const [pi, pj, pk] = patch;
  const [oi, oj, ok] = origin;
  const per = pi * pj * pk;
  for (let c = 0; c < acc.length; c++) {
    const dst = acc[c];
    const base = c * per;
    for (let k = 0; k < pk; k++) {
      for (let j = 0; j < pj; j++) {
        const d = oi + ni * (oj + j + nj * (ok + k));
        const p = (k * pj + j) * pi;
        for (let i = 0; i < pi; i++) dst[d + i] += patchOut[base + p + i] * weight[p + i];
      }
    }
  }
}

/** Sum of the Gaussian weights over all windows: the denominator of the weighted mean. */
export function weightSum(dims: Vec3, origins: readonly Vec3[], patch: Vec3, weight: Float32Array): Float32Array {
  const [ni, nj] = dims;
  const [pi, pj, pk] = patch;
  const w = new Float32Array(dims[0] * dims[1] * dims[2]);
  for (const [oi, oj, ok] of origins) {
    for (let k = 0; k < pk; k++) {
      for (let j = 0; j < pj; j++) {
        const d = oi + ni * (oj + j + nj * (ok + k));
        const p = (k * pj + j) * pi;
        for (let i = 0; i < pi; i++) w[d + i] += weight[p + i];
      }
    }
  }
  return w;
}

/**
 * Zero-pad channels (i fastest) to at least `minDims`, centred as nnU-Net pads. Returns the new
 * arrays, dims and the offset of the original grid inside the padded one.
 */
export function padToAtLeast(
  channels: readonly Float32Array[],
  dims: Vec3,
  minDims: Vec3,
): { channels: Float32Array[]; dims: Vec3; offset: Vec3 } {
  const nd = [0, 1, 2].map((a) => Math.max(dims[a], minDims[a])) as unknown as Vec3;
  const offset = [0, 1, 2].map((a) => Math.floor((nd[a] - dims[a]) / 2)) as unknown as Vec3;
  if (nd[0] === dims[0] && nd[1] === dims[1] && nd[2] === dims[2]) return { channels: [...channels], dims, offset };
  const out = channels.map((src) => {
    const dst = new Float32Array(nd[0] * nd[1] * nd[2]);
    for (let k = 0; k < dims[2]; k++) {
      for (let j = 0; j < dims[1]; j++) {
        const s = dims[0] * (j + dims[1] * k);
        dst.set(src.subarray(s, s + dims[0]), offset[0] + nd[0] * (offset[1] + j + nd[1] * (offset[2] + k)));
      }
    }
    return dst;
  });
  return { channels: out, dims: nd, offset };
}

/** The inverse of padToAtLeast for one array: the `dims` block at `offset` inside `paddedDims`. */
export function cropFrom(src: Float32Array, paddedDims: Vec3, offset: Vec3, dims: Vec3): Float32Array {
  if (paddedDims[0] === dims[0] && paddedDims[1] === dims[1] && paddedDims[2] === dims[2]) return src;
  const dst = new Float32Array(dims[0] * dims[1] * dims[2]);
  for (let k = 0; k < dims[2]; k++) {
    for (let j = 0; j < dims[1]; j++) {
      const s = offset[0] + paddedDims[0] * (offset[1] + j + paddedDims[1] * (offset[2] + k));
      dst.set(src.subarray(s, s + dims[0]), dims[0] * (j + dims[1] * k));
    }
  }
  return dst;
}
