/**
 * Shape-based interpolation between annotated axial slices (Raya & Udupa 1990; Herman et al. 1992):
 * each annotated slice becomes a signed distance map in mm (negative inside, positive outside),
 * the slices in a gap get the linear blend of the two maps around them, and the voxels where the
 * blend is below 0 are lesion. Two concentric discs of radius r0 and r1 give, at fraction t of the
 * way, a disc of radius ≈ (1 − t)·r0 + t·r1; a shape and itself give the same shape.
 *
 * Signed distance of a pixel p (Euclidean, in mm, in-plane spacing honoured):
 *   outside: +distance to the nearest foreground pixel centre;
 *   inside:  −distance to the nearest background pixel centre.
 * So the zero level lies halfway between the outermost inside and innermost outside pixels.
 *
 * Only empty slices strictly between two annotated ones are filled ("gaps"); annotated slices and
 * the slices before the first / after the last annotated one are never changed, and only voxels
 * that are 0 are written. Foreground = any non-zero label. The labelmap is i fastest, then j, then k
 * (axial slices along k), as everywhere in Quorum. Environment-free.
 */

/** A very large squared distance standing for "no such pixel in this slice". */
const FAR = 1e20;

/**
 * 1-D squared Euclidean distance transform (Felzenszwalb & Huttenlocher 2012) of `f` (n samples at
 * `step` apart, read with stride `stride` from `offset`), written back in place. Scratch arrays
 * come from the caller, sized ≥ n (v, z need n + 1).
 */
function edt1d(
  data: Float64Array,
  offset: number,
  stride: number,
  n: number,
  step: number,
  f: Float64Array,
  d: Float64Array,
  v: Int32Array,
  z: Float64Array,
): void {
  const w2 = step * step;
  for (let q = 0; q < n; q++) f[q] = data[offset + q * stride];
  let k = 0;
  v[0] = 0;
  z[0] = -Infinity;
  z[1] = Infinity;
  for (let q = 1; q < n; q++) {
    // z[0] is −∞, so the loop stops at k = 0 at the latest.
    let s = (f[q] + w2 * q * q - (f[v[k]] + w2 * v[k] * v[k])) / (2 * w2 * (q - v[k]));
    while (s <= z[k]) {
      k--;
      s = (f[q] + w2 * q * q - (f[v[k]] + w2 * v[k] * v[k])) / (2 * w2 * (q - v[k]));
    }
    k++;
    v[k] = q;
    z[k] = s;
    z[k + 1] = Infinity;
  }
  k = 0;
  for (let q = 0; q < n; q++) {
    while (z[k + 1] < q) k++;
    const dq = (q - v[k]) * step;
    d[q] = dq * dq + f[v[k]];
  }
  for (let q = 0; q < n; q++) data[offset + q * stride] = d[q];
}

interface Scratch {
  f: Float64Array;
  d: Float64Array;
  v: Int32Array;
  z: Float64Array;
}

function scratchFor(n: number): Scratch {
  return { f: new Float64Array(n), d: new Float64Array(n), v: new Int32Array(n + 1), z: new Float64Array(n + 2) };
}

/** Squared distance (mm²) from each pixel to the nearest pixel where `target` holds, in place in `out`. */
function squaredDistanceTo(
  inside: Uint8Array,
  target: 0 | 1,
  nx: number,
  ny: number,
  sx: number,
  sy: number,
  out: Float64Array,
  s: Scratch,
): void {
  for (let p = 0; p < nx * ny; p++) out[p] = (inside[p] ? 1 : 0) === target ? 0 : FAR;
  for (let j = 0; j < ny; j++) edt1d(out, j * nx, 1, nx, sx, s.f, s.d, s.v, s.z);
  for (let i = 0; i < nx; i++) edt1d(out, i, nx, ny, sy, s.f, s.d, s.v, s.z);
}

/**
 * The signed distance map (mm) of one slice's foreground (`inside[p]` non-zero), written to `out`.
 * An empty slice is +FAR everywhere.
 */
export function signedDistance2d(
  inside: Uint8Array,
  nx: number,
  ny: number,
  sx: number,
  sy: number,
  out: Float64Array = new Float64Array(nx * ny),
): Float64Array {
  if (inside.length !== nx * ny || out.length !== nx * ny)
    throw new Error(`signedDistance2d: expected ${nx}×${ny} = ${nx * ny} pixels, got ${inside.length} in and ${out.length} out`);
  const s = scratchFor(Math.max(nx, ny));
  const toBackground = new Float64Array(nx * ny);
  squaredDistanceTo(inside, 1, nx, ny, sx, sy, out, s);
  squaredDistanceTo(inside, 0, nx, ny, sx, sy, toBackground, s);
  for (let p = 0; p < nx * ny; p++) out[p] = inside[p] ? -Math.sqrt(toBackground[p]) : Math.sqrt(out[p]);
  return out;
}

export interface InterpolationGrid {
  /** [nx, ny, nz]; axial slices along k. */
  readonly dims: readonly [number, number, number];
  /** In-plane spacing [sx, sy] in mm (the blend is along k, so the slice spacing is not needed). */
  readonly spacingMm: readonly [number, number];
}

export interface InterpolationResult {
  /** The slices (k) that were written, ascending. */
  readonly filledSlices: number[];
  /** Voxels set to `label`. */
  readonly voxels: number;
}

/** Which axial slices hold any non-zero voxel, ascending. */
export function annotatedSlices(labelmap: Uint8Array, dims: readonly [number, number, number]): number[] {
  const [nx, ny, nz] = dims;
  const plane = nx * ny;
  const out: number[] = [];
  for (let k = 0; k < nz; k++) {
    const base = k * plane;
    for (let p = 0; p < plane; p++) {
      if (labelmap[base + p] !== 0) {
        out.push(k);
        break;
      }
    }
  }
  return out;
}

/**
 * Fills every gap of empty axial slices between two annotated ones with the shape-based blend of
 * the two, writing `label` (1 or 2) into `labelmap` in place. Returns what was written.
 */
export function interpolateSlices(labelmap: Uint8Array, grid: InterpolationGrid, label: number): InterpolationResult {
  const [nx, ny, nz] = grid.dims;
  const [sx, sy] = grid.spacingMm;
  if (!Number.isInteger(nx) || !Number.isInteger(ny) || !Number.isInteger(nz) || nx < 1 || ny < 1 || nz < 1)
    throw new Error(`interpolateSlices: bad dims ${grid.dims.join('×')}`);
  if (labelmap.length !== nx * ny * nz)
    throw new Error(`interpolateSlices: labelmap has ${labelmap.length} voxels, the grid ${nx}×${ny}×${nz} = ${nx * ny * nz}`);
  if (!(sx > 0) || !(sy > 0)) throw new Error(`interpolateSlices: spacing must be positive, got ${sx}×${sy}`);
  if (!Number.isInteger(label) || label < 1 || label > 255)
    throw new Error(`interpolateSlices: label must be an integer 1..255, got ${label}`);
  const plane = nx * ny;
  const slices = annotatedSlices(labelmap, grid.dims);
  const filledSlices: number[] = [];
  let voxels = 0;
  let lower: Float64Array | null = null;
  let lowerK = -1;
  for (const k of slices) {
    const sdf = signedDistance2d(labelmap.subarray(k * plane, (k + 1) * plane), nx, ny, sx, sy);
    if (lower && k - lowerK > 1) {
      const gap = k - lowerK;
      for (let m = lowerK + 1; m < k; m++) {
        const t = (m - lowerK) / gap;
        const base = m * plane;
        for (let p = 0; p < plane; p++) {
          if ((1 - t) * lower[p] + t * sdf[p] < 0 && labelmap[base + p] === 0) {
            labelmap[base + p] = label;
            voxels++;
          }
        }
        filledSlices.push(m);
      }
    }
    lower = sdf;
    lowerK = k;
  }
  return { filledSlices, voxels };
}
