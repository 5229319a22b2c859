/**
 * The thresholded region's outline on one viewport, computed for the pixels on screen only (issue
 * 15): the region score stays a Float32 volume, and a threshold change reads one voxel per pixel
 * instead of re-thresholding the volume and uploading a labelmap.
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
 * For each pixel of a `width`×`height` canvas (row-major), the flat index (i fastest) of the voxel
 * it shows, or −1 where it lies outside the grid. Computed once per camera; thresholds reuse it.
 */
export function pixelVoxels(width: number, height: number, dims: Vec3, map: PixelToIndex, out?: Int32Array): Int32Array {
  const voxels = out && out.length === width * height ? out : new Int32Array(width * height);
  const [nx, ny, nz] = dims;
  const { origin: o, perColumn: c, perRow: r } = map;
  for (let y = 0; y < height; y++) {
    const row = y * width;
    const i0 = o[0] + y * r[0];
    const j0 = o[1] + y * r[1];
    const k0 = o[2] + y * r[2];
    for (let x = 0; x < width; x++) {
      // Voxel centres are integers, so the nearest voxel is the rounded index.
      const i = Math.round(i0 + x * c[0]);
      const j = Math.round(j0 + x * c[1]);
      const k = Math.round(k0 + x * c[2]);
      voxels[row + x] = i >= 0 && i < nx && j >= 0 && j < ny && k >= 0 && k < nz ? i + nx * (j + ny * k) : -1;
    }
  }
  return voxels;
}

/**
 * Writes the outline of `score > threshold` into `rgba` (the canvas's ImageData bytes, cleared
 * first) in `colour`. `inside` is scratch space of one byte per pixel. A neighbour beyond the canvas
 * edge counts as the pixel itself (the outline is the region's, not the canvas's). Returns the
 * number of pixels painted.
 */
export function drawOutline(
  voxels: Int32Array,
  width: number,
  height: number,
  score: Float32Array,
  threshold: number,
  colour: readonly [number, number, number],
  rgba: Uint8ClampedArray,
  inside: Uint8Array,
): number {
  const n = width * height;
  for (let p = 0; p < n; p++) {
    const v = voxels[p];
    inside[p] = v >= 0 && score[v] > threshold ? 1 : 0;
  }
  rgba.fill(0);
  let painted = 0;
  for (let y = 0; y < height; y++) {
    const y0 = y > 0 ? y - 1 : y;
    const y1 = y < height - 1 ? y + 1 : y;
    for (let x = 0; x < width; x++) {
      if (inside[y * width + x] === 0) continue;
      const x0 = x > 0 ? x - 1 : x;
      const x1 = x < width - 1 ? x + 1 : x;
      let edge = false;
      for (let yy = y0; yy <= y1 && !edge; yy++) for (let xx = x0; xx <= x1; xx++) if (inside[yy * width + xx] === 0) edge = true;
      if (!edge) continue;
      const q = 4 * (y * width + x);
      rgba[q] = colour[0];
      rgba[q + 1] = colour[1];
      rgba[q + 2] = colour[2];
      rgba[q + 3] = 255;
      painted++;
    }
  }
  return painted;
}
