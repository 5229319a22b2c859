/**
 * The thresholded region's outline on one viewport, computed for the pixels on screen only (issue
 * 15): the region score stays a Float32 volume, and a threshold change reads the scores of the
 * pixels that can be in the region instead of re-thresholding the volume and uploading a labelmap.
 *
 * Drawn as Cornerstone draws a labelmap with `renderFill: false, renderOutline: true,
 * outlineWidth: 1` (vtk.js's label-outline shader): a pixel showing a voxel inside the region is
 * painted, fully opaque, when one of its eight neighbouring pixels shows a voxel outside it; the
 * inside is left clear. Pixels sample the nearest voxel, as the shader's nearest texture lookup does.
 *
 * Pure; no DOM or Cornerstone import (outlineLayer.ts draws it).
 */
import type { Vec3 } from '../../src-shared/volume/types';

/** Continuous voxel index of the centre of pixel (x, y): origin + x·perColumn + y·perRow (an orthographic view is affine). */
export interface PixelToIndex {
  readonly origin: Vec3;
  readonly perColumn: Vec3;
  readonly perRow: Vec3;
}

/**
 * The pixels of a canvas that can be inside the region at any threshold the slider offers (their
 * voxel's score above `floor`), with those voxels, in row-major order; computed once per camera, so
 * that a threshold change visits only them (a few hundred pixels where the map is local, not the
 * canvas's hundreds of thousands).
 */
export interface OutlineCandidates {
  count: number;
  /** Pixel indices (y·width + x), the first `count` entries. */
  readonly pixels: Int32Array;
  /** Flat voxel indices (i fastest) of those pixels. */
  readonly voxels: Int32Array;
  /** Their bounding box, [x0, x1) × [y0, y1): the part of the canvas a redraw changes. */
  box: { x0: number; y0: number; x1: number; y1: number };
}

/**
 * Finds the candidates of a `width`×`height` canvas whose pixel centres map to voxel indices by
 * `map`: the nearest voxel (voxel centres are integers), pixels off the grid never. Reuses `into`'s
 * arrays when they are large enough.
 */
export function findCandidates(
  width: number,
  height: number,
  dims: Vec3,
  map: PixelToIndex,
  score: Float32Array,
  floor: number,
  into?: OutlineCandidates,
): OutlineCandidates {
  const n = width * height;
  const c: OutlineCandidates =
    into && into.pixels.length >= n
      ? into
      : { count: 0, pixels: new Int32Array(n), voxels: new Int32Array(n), box: { x0: 0, y0: 0, x1: 0, y1: 0 } };
  const [nx, ny, nz] = dims;
  const { origin: o, perColumn: col, perRow: r } = map;
  let count = 0;
  let [x0, y0, x1, y1] = [width, height, 0, 0];
  for (let y = 0; y < height; y++) {
    const i0 = o[0] + y * r[0];
    const j0 = o[1] + y * r[1];
    const k0 = o[2] + y * r[2];
    for (let x = 0; x < width; x++) {
      const i = Math.round(i0 + x * col[0]);
      const j = Math.round(j0 + x * col[1]);
      const k = Math.round(k0 + x * col[2]);
      if (i < 0 || i >= nx || j < 0 || j >= ny || k < 0 || k >= nz) continue;
      const v = i + nx * (j + ny * k);
      if (!(score[v] > floor)) continue;
      c.pixels[count] = y * width + x;
      c.voxels[count] = v;
      count++;
      if (x < x0) x0 = x;
      if (x >= x1) x1 = x + 1;
      if (y < y0) y0 = y;
      if (y >= y1) y1 = y + 1;
    }
  }
  c.count = count;
  c.box = count > 0 ? { x0, y0, x1, y1 } : { x0: 0, y0: 0, x1: 0, y1: 0 };
  return c;
}

/**
 * Writes the outline of `score > threshold` (threshold ≥ the candidates' floor) into `rgba` (the
 * canvas's ImageData bytes) in `colour`, opaque. `rgba` must be clear outside the candidates' pixels
 * (clear it whenever they change); `inside` is one byte per pixel, all zero, and is left so. A
 * neighbour beyond the canvas edge counts as the pixel itself (the outline is the region's, not
 * the canvas's). Returns the number of pixels painted.
 */
export function drawOutline(
  c: OutlineCandidates,
  width: number,
  height: number,
  score: Float32Array,
  threshold: number,
  colour: readonly [number, number, number],
  rgba: Uint8ClampedArray,
  inside: Uint8Array,
): number {
  for (let m = 0; m < c.count; m++) {
    const p = c.pixels[m];
    inside[p] = score[c.voxels[m]] > threshold ? 1 : 0;
    rgba.fill(0, 4 * p, 4 * p + 4);
  }
  let painted = 0;
  for (let m = 0; m < c.count; m++) {
    const p = c.pixels[m];
    if (inside[p] === 0) continue;
    const x = p % width;
    const y = (p - x) / width;
    // A pixel off the candidates is outside at every threshold: `inside` is 0 there.
    let edge = false;
    for (let yy = Math.max(0, y - 1); yy <= Math.min(height - 1, y + 1) && !edge; yy++)
      for (let xx = Math.max(0, x - 1); xx <= Math.min(width - 1, x + 1); xx++) if (inside[yy * width + xx] === 0) edge = true;
    if (!edge) continue;
    rgba[4 * p] = colour[0];
    rgba[4 * p + 1] = colour[1];
    rgba[4 * p + 2] = colour[2];
    rgba[4 * p + 3] = 255;
    painted++;
  }
  for (let m = 0; m < c.count; m++) inside[c.pixels[m]] = 0;
  return painted;
}
