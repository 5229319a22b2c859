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

export type AxisKernel = 'nearest' | 'linear' | 'cubic';

/**
 * Resample along one axis only, with the same voxel-centre convention as resampleTrilinear.
 * `cubic` is the cubic B-spline of scipy.ndimage (order 3 with its prefilter, mirror boundary), the
 * interpolation nnU-Net's skimage/scipy resampling uses; `nearest` rounds to the closest input voxel
 * (order 0). Lines are copied into one reused buffer, so the cost is O(voxels) with no per-voxel
 * allocation.
 */
export function resampleAxis(src: ArrayLike<number>, dims: Vec3, axis: 0 | 1 | 2, nOut: number, kernel: AxisKernel): Float32Array {
  const n = dims[axis];
  const inner = axis === 0 ? 1 : axis === 1 ? dims[0] : dims[0] * dims[1];
  const outer = axis === 2 ? 1 : axis === 1 ? dims[2] : dims[1] * dims[2];
  const out = new Float32Array(inner * nOut * outer);
  const line = new Float64Array(n);
  const pos = new Float64Array(nOut);
  for (let x = 0; x < nOut; x++) pos[x] = (x + 0.5) * (n / nOut) - 0.5;
  for (let o = 0; o < outer; o++)
    for (let i = 0; i < inner; i++) {
      const sBase = o * n * inner + i;
      const dBase = o * nOut * inner + i;
      for (let x = 0; x < n; x++) line[x] = src[sBase + x * inner];
      if (kernel === 'cubic') bsplineCoefficients(line);
      for (let x = 0; x < nOut; x++) out[dBase + x * inner] = sampleLine(line, pos[x], kernel);
    }
  return out;
}

/** In place: samples → cubic B-spline coefficients (Unser's recursive filter, mirror boundary). */
function bsplineCoefficients(c: Float64Array): void {
  const n = c.length;
  if (n < 2) return;
  const z = Math.sqrt(3) - 2;
  // Causal initialisation: the mirrored sum, truncated where z^k drops below float64 precision.
  const horizon = Math.min(n, Math.ceil(Math.log(1e-16) / Math.log(Math.abs(z))));
  let sum = 0;
  for (let k = 0, zk = 1; k < horizon; k++, zk *= z) sum += zk * c[k];
  c[0] = sum;
  for (let k = 1; k < n; k++) c[k] += z * c[k - 1];
  c[n - 1] = (z / (z * z - 1)) * (c[n - 1] + z * c[n - 2]);
  for (let k = n - 2; k >= 0; k--) c[k] = z * (c[k + 1] - c[k]);
  for (let k = 0; k < n; k++) c[k] *= 6;
}

function sampleLine(c: Float64Array, pos: number, kernel: AxisKernel): number {
  const n = c.length;
  if (n === 1) return c[0];
  if (kernel === 'nearest') return c[Math.min(Math.max(Math.round(pos), 0), n - 1)];
  if (kernel === 'linear') {
    const p = Math.min(Math.max(pos, 0), n - 1);
    const lo = Math.min(Math.floor(p), n - 2);
    return c[lo] + (c[lo + 1] - c[lo]) * (p - lo);
  }
  const base = Math.floor(pos);
  let v = 0;
  for (let k = base - 1; k <= base + 2; k++) {
    const t = Math.abs(pos - k);
    const w = t < 1 ? 2 / 3 - t * t + (t * t * t) / 2 : t < 2 ? ((2 - t) * (2 - t) * (2 - t)) / 6 : 0;
    v += w * c[mirrorIndex(k, n)];
  }
  return v;
}

/** scipy's 'mirror' extension: … 2 1 | 0 1 2 … n−1 | n−2 … */
function mirrorIndex(k: number, n: number): number {
  const period = 2 * (n - 1);
  let m = ((k % period) + period) % period;
  if (m >= n) m = period - m;
  return m;
}

/**
 * nnU-Net's resampling for anisotropic grids: when the coarsest spacing is more than `ratio` × the
 * finest, cubic within the slices and `coarse` across them (the slices are too far apart for a
 * cubic to mean anything); otherwise cubic along all three axes.
 */
export function resampleAnisotropic(
  src: ArrayLike<number>,
  inDims: Vec3,
  outDims: Vec3,
  spacingMm: Vec3,
  coarse: 'linear' | 'nearest',
  ratio: number,
): Float32Array {
  const coarseAxis = spacingMm.indexOf(Math.max(...spacingMm));
  const separate = Math.max(...spacingMm) > ratio * Math.min(...spacingMm);
  let cur: ArrayLike<number> = src;
  const dims: [number, number, number] = [inDims[0], inDims[1], inDims[2]];
  for (const axis of [0, 1, 2] as const) {
    if (dims[axis] === outDims[axis]) continue;
    cur = resampleAxis(cur, dims, axis, outDims[axis], separate && axis === coarseAxis ? coarse : 'cubic');
    dims[axis] = outDims[axis];
  }
  return cur === src ? Float32Array.from(src) : (cur as Float32Array);
}
