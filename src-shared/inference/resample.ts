/**
 * Trilinear resampling between voxel grids of the same field of view, done as three separable
 * linear passes (trilinear interpolation is separable, and three 1D passes touch each voxel 2× per
 * axis instead of 8× per output voxel).
 *
 * Convention (align_corners = false, as nnU-Net/scikit-image resize and torch interpolate): output
 * voxel x maps to input coordinate (x + 0.5) · nIn/nOut − 0.5, clamped to [0, nIn − 1]. The outer
 * voxel faces of both grids coincide, so resampling to the target spacing and back keeps the extent.
 */
import type { Vec3 } from '../volume/types';

/** Grid size at the target spacing: round(n · spacing / target), at least 1. */
export function dimsAtSpacing(dims: Vec3, spacingMm: Vec3, targetMm: Vec3): Vec3 {
  return [0, 1, 2].map((a) => Math.max(1, Math.round((dims[a] * spacingMm[a]) / targetMm[a]))) as unknown as Vec3;
}

/** Per-axis lookup: for each output index, the lower input index and the weight of the upper one. */
function axisTable(nIn: number, nOut: number): { i0: Int32Array; t: Float32Array } {
  const i0 = new Int32Array(nOut);
  const t = new Float32Array(nOut);
  const scale = nIn / nOut;
  for (let x = 0; x < nOut; x++) {
    const pos = Math.min(Math.max((x + 0.5) * scale - 0.5, 0), nIn - 1);
    const lo = Math.min(Math.floor(pos), Math.max(nIn - 2, 0));
    i0[x] = lo;
    t[x] = nIn > 1 ? pos - lo : 0;
  }
  return { i0, t };
}

/**
 * Resample `src` (dims `inDims`, i fastest) to `outDims`. Returns a new Float32Array; when the dims
 * are equal it returns a copy (resampling is then the identity).
 */
export function resampleTrilinear(src: ArrayLike<number>, inDims: Vec3, outDims: Vec3): Float32Array {
  const [ni, nj, nk] = inDims;
  const [oi, oj, ok] = outDims;
  if (src.length !== ni * nj * nk) throw new Error(`resample: ${src.length} values for dims ${inDims.join('×')}`);
  if (ni === oi && nj === oj && nk === ok) return Float32Array.from(src);
  // Pass 1 along i: [ni, nj, nk] → [oi, nj, nk]
  let cur: ArrayLike<number> = src;
  if (oi !== ni) {
    const { i0, t } = axisTable(ni, oi);
    const out = new Float32Array(oi * nj * nk);
    const rows = nj * nk;
    for (let r = 0; r < rows; r++) {
      const sBase = r * ni;
      const dBase = r * oi;
      for (let x = 0; x < oi; x++) {
        const a = cur[sBase + i0[x]];
        const b = ni > 1 ? cur[sBase + i0[x] + 1] : a;
        out[dBase + x] = a + (b - a) * t[x];
      }
    }
    cur = out;
  }
  // Pass 2 along j: [oi, nj, nk] → [oi, oj, nk]; rows of length oi are blended whole.
  if (oj !== nj) {
    const { i0, t } = axisTable(nj, oj);
    const out = new Float32Array(oi * oj * nk);
    for (let k = 0; k < nk; k++) {
      for (let y = 0; y < oj; y++) {
        const a0 = (k * nj + i0[y]) * oi;
        const b0 = nj > 1 ? a0 + oi : a0;
        const d0 = (k * oj + y) * oi;
        const w = t[y];
        for (let x = 0; x < oi; x++) out[d0 + x] = cur[a0 + x] + (cur[b0 + x] - cur[a0 + x]) * w;
      }
    }
    cur = out;
  }
  // Pass 3 along k: slabs of oi·oj are blended whole.
  if (ok !== nk) {
    const { i0, t } = axisTable(nk, ok);
    const slab = oi * oj;
    const out = new Float32Array(slab * ok);
    for (let z = 0; z < ok; z++) {
      const a0 = i0[z] * slab;
      const b0 = nk > 1 ? a0 + slab : a0;
      const d0 = z * slab;
      const w = t[z];
      for (let x = 0; x < slab; x++) out[d0 + x] = cur[a0 + x] + (cur[b0 + x] - cur[a0 + x]) * w;
    }
    cur = out;
  }
  return cur instanceof Float32Array && cur !== src ? cur : Float32Array.from(cur);
}
