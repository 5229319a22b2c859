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
import { squaredEdt } from '../metrics/edt';

/**
 * The signed distance map (mm) of one slice's foreground (`inside[p]` non-zero), written to `out`:
 * the metrics' exact EDT run on the slice as a one-slice volume, once to the foreground and once to
 * the background. An empty slice is +Infinity everywhere, a full one −Infinity.
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
  const dims = [nx, ny, 1] as const;
  const spacing = [sx, sy, 1] as const;
  const toForeground = squaredEdt(inside, dims, spacing, out);
  const outside = new Uint8Array(nx * ny);
  for (let p = 0; p < nx * ny; p++) outside[p] = inside[p] ? 0 : 1;
  const toBackground = squaredEdt(outside, dims, spacing);
  for (let p = 0; p < nx * ny; p++) out[p] = inside[p] ? -Math.sqrt(toBackground[p]) : Math.sqrt(toForeground[p]);
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
