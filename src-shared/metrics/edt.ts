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
 *
 * With `query` (a 0/1 mask on the same grid), only the values at query voxels are guaranteed: the
 * last pass runs only on the axis-2 columns that hold a query voxel and the middle pass only for the
 * i that such columns use. Metrics read distances at the other mask's surface only, which is a small
 * part of the box, so this saves most of the work without changing any value that is read.
 */
export function squaredEdt(features: Uint8Array, dims: Dims3, spacing: Spacing3, out?: Float64Array, query?: Uint8Array): Float64Array {
  const [nx, ny, nz] = dims;
  const plane = nx * ny;
  const n = plane * nz;
  const g = out && out.length >= n ? out : new Float64Array(n);
  const s0 = spacing[0];

  // Which axis-2 columns (i, j) and which i the later passes must compute.
  let needCol: Uint8Array | undefined;
  let needI: Uint8Array | undefined;
  if (query) {
    needCol = new Uint8Array(plane);
    needI = new Uint8Array(nx);
    for (let k = 0, p = 0; k < nz; k++) {
      for (let c = 0; c < plane; c++, p++) {
        if (query[p] !== 0) needCol[c] = 1;
      }
    }
    for (let c = 0; c < plane; c++) if (needCol[c] !== 0) needI[c % nx] = 1;
  }

  // Axis 0 is contiguous: two linear scans per row give the nearest feature index directly.
  const sliceHas = new Uint8Array(nz);
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
    sliceHas[Math.floor(row / ny)] = 1;
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
  // Axis 1, stride nx, slice by slice (a slice of the box fits in cache). A slice without features
  // stays Infinity.
  const s1 = spacing[1];
  for (let k = 0; k < nz; k++) {
    if (sliceHas[k] === 0) continue;
    for (let i = 0; i < nx; i++) {
      if (needI && needI[i] === 0) continue;
      const base = i + k * plane;
      for (let j = 0, p = base; j < ny; j++, p += nx) sc.f[j] = g[p];
      if (!envelope(ny, s1, sc)) continue;
      for (let j = 0, p = base; j < ny; j++, p += nx) g[p] = sc.d[j];
    }
  }
  // Axis 2, stride nx·ny. The (i, k) slab of one j is copied to a contiguous buffer first, so the
  // strided walk happens in cache, not across the whole box.
  const s2 = spacing[2];
  const slab = new Float64Array(nx * nz);
  for (let j = 0; j < ny; j++) {
    let anyCol = needCol === undefined;
    if (needCol) {
      for (let i = 0; i < nx; i++) {
        if (needCol[i + j * nx] !== 0) {
          anyCol = true;
          break;
        }
      }
    }
    if (!anyCol) continue;
    for (let k = 0; k < nz; k++) {
      const src = j * nx + k * plane;
      slab.set(g.subarray(src, src + nx), k * nx);
    }
    for (let i = 0; i < nx; i++) {
      if (needCol && needCol[i + j * nx] === 0) continue;
      let any = false;
      for (let k = 0, p = i; k < nz; k++, p += nx) {
        const val = slab[p];
        sc.f[k] = val;
        if (val !== Infinity) any = true;
      }
      if (!any) continue;
      envelope(nz, s2, sc);
      for (let k = 0, p = i; k < nz; k++, p += nx) slab[p] = sc.d[k];
    }
    for (let k = 0; k < nz; k++) {
      const dst = j * nx + k * plane;
      g.set(slab.subarray(k * nx, k * nx + nx), dst);
    }
  }
  return g;
}
