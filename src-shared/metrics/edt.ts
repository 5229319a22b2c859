/**
 * Exact Euclidean distance transform with anisotropic spacing, linear time (Felzenszwalb &
 * Huttenlocher 2012, "Distance Transforms of Sampled Functions", the lower envelope of parabolas).
 *
 * Returns squared distances in mm² from every voxel to the nearest feature voxel (Infinity when there
 * is none). The per-axis terms are summed in axis order 0, 1, 2 as (δ·s)², which is how
 * scipy.ndimage.distance_transform_edt(sampling=…) forms its result, so ties with a tolerance compare
 * the same way as in the Python references.
 *
 * Callers run it on padded crops of the masks' bounding box: the nearest feature of a query voxel
 * is always inside that box, so cropping changes no distance.
 */
import type { Dims3, Spacing3 } from './grid';

/** Scratch for one line of the lower envelope; sized once for the longest axis. */
interface LineScratch {
  f: Float64Array;
  d: Float64Array;
  v: Int32Array;
  z: Float64Array;
}

function scratch(n: number): LineScratch {
  return { f: new Float64Array(n), d: new Float64Array(n), v: new Int32Array(n), z: new Float64Array(n + 1) };
}

/**
 * One line: d[p] = min_q f[q] + (s·(p−q))². Returns false when every f is Infinity (d untouched).
 */
function envelope(n: number, s: number, sc: LineScratch): boolean {
  const { f, d, v, z } = sc;
  const w = s * s;
  let k = -1;
  for (let q = 0; q < n; q++) {
    const fq = f[q];
    if (fq === Infinity) continue;
    if (k < 0) {
      k = 0;
      v[0] = q;
      z[0] = -Infinity;
      z[1] = Infinity;
      continue;
    }
    const hq = fq + w * q * q;
    let r = v[k];
    let x = (hq - (f[r] + w * r * r)) / (2 * w * (q - r));
    while (x <= z[k]) {
      k--;
      r = v[k];
      x = (hq - (f[r] + w * r * r)) / (2 * w * (q - r));
    }
    k++;
    v[k] = q;
    z[k] = x;
    z[k + 1] = Infinity;
  }
  if (k < 0) return false;
  k = 0;
  for (let p = 0; p < n; p++) {
    while (z[k + 1] < p) k++;
    const q = v[k];
    const t = (p - q) * s;
    d[p] = f[q] + t * t;
  }
  return true;
}

/**
 * Squared EDT of `features` (nonzero = feature). `out` may be passed to reuse a buffer.
 */
export function squaredEdt(features: Uint8Array, dims: Dims3, spacing: Spacing3, out?: Float64Array): Float64Array {
  const [nx, ny, nz] = dims;
  const n = nx * ny * nz;
  const g = out && out.length >= n ? out : new Float64Array(n);
  const s0 = spacing[0];

  // Axis 0 is contiguous: two linear scans per row give the nearest feature index directly.
  for (let row = 0; row < ny * nz; row++) {
    const base = row * nx;
    let last = -1;
    for (let i = 0; i < nx; i++) {
      if (features[base + i] !== 0) last = i;
      if (last < 0) {
        g[base + i] = Infinity;
      } else {
        const t = (i - last) * s0;
        g[base + i] = t * t;
      }
    }
    if (last < 0) continue;
    let next = -1;
    for (let i = nx - 1; i >= 0; i--) {
      if (features[base + i] !== 0) next = i;
      if (next >= 0) {
        const t = (next - i) * s0;
        const dd = t * t;
        if (dd < g[base + i]) g[base + i] = dd;
      }
    }
  }

  const sc = scratch(Math.max(ny, nz));
  // Axis 1, stride nx.
  const s1 = spacing[1];
  for (let k = 0; k < nz; k++) {
    for (let i = 0; i < nx; i++) {
      const base = i + k * nx * ny;
      let any = false;
      for (let j = 0, p = base; j < ny; j++, p += nx) {
        const val = g[p];
        sc.f[j] = val;
        if (val !== Infinity) any = true;
      }
      if (!any) continue;
      envelope(ny, s1, sc);
      for (let j = 0, p = base; j < ny; j++, p += nx) g[p] = sc.d[j];
    }
  }
  // Axis 2, stride nx*ny.
  const s2 = spacing[2];
  const plane = nx * ny;
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      const base = i + j * nx;
      let any = false;
      for (let k = 0, p = base; k < nz; k++, p += plane) {
        const val = g[p];
        sc.f[k] = val;
        if (val !== Infinity) any = true;
      }
      if (!any) continue;
      envelope(nz, s2, sc);
      for (let k = 0, p = base; k < nz; k++, p += plane) g[p] = sc.d[k];
    }
  }
  return g;
}
