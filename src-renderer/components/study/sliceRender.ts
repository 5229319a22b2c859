/**
 * The reader-study viewer's pixel work, kept free of React and of the canvas so it can be tested:
 * voxel bytes → numbers, a robust window, one axial slice → grey RGBA, and a mask's outline on a
 * slice as voxel-edge segments.
 *
 * Why an outline from voxel edges: both overlays must look the same except for their shape. An
 * edge between an inside and an outside voxel is drawn in one colour and one width for every
 * overlay (StudyPane.tsx draws every label with the same function and constants), so nothing but
 * the segmentation itself differs between A and B.
 */
import type { VoxelDataType } from '../../../src-shared/volume/types';

export type Voxels = Uint8Array | Int8Array | Int16Array | Uint16Array | Int32Array | Uint32Array | Float32Array | Float64Array;

/** Little-endian voxel bytes (the API's volume format) as a typed array (a copy, so alignment is right). */
export function voxelsFromBytes(bytes: Uint8Array, dataType: VoxelDataType): Voxels {
  const buffer = bytes.slice().buffer;
  switch (dataType) {
    case 'uint8':
      return new Uint8Array(buffer);
    case 'int8':
      return new Int8Array(buffer);
    case 'int16':
      return new Int16Array(buffer);
    case 'uint16':
      return new Uint16Array(buffer);
    case 'int32':
      return new Int32Array(buffer);
    case 'uint32':
      return new Uint32Array(buffer);
    case 'float32':
      return new Float32Array(buffer);
    case 'float64':
      return new Float64Array(buffer);
  }
}

/**
 * Window [lo, hi] from the 1st and 99th percentiles of the non-zero voxels (zero is mostly air or
 * padding outside the head). Sampled with a fixed stride, so it costs little on a 512² × 300 CT.
 */
export function robustWindow(voxels: Voxels, maxSamples = 200_000): [number, number] {
  const stride = Math.max(1, Math.floor(voxels.length / maxSamples));
  const sample: number[] = [];
  for (let i = 0; i < voxels.length; i += stride) {
    const v = Number(voxels[i]);
    if (v !== 0 && Number.isFinite(v)) sample.push(v);
  }
  if (sample.length === 0) return [0, 1];
  sample.sort((a, b) => a - b);
  const lo = sample[Math.floor(0.01 * (sample.length - 1))];
  const hi = sample[Math.floor(0.99 * (sample.length - 1))];
  return hi > lo ? [lo, hi] : [lo, lo + 1];
}

/**
 * Window/level by dragging, as in the viewer: right widens the window, down raises the level (a
 * darker image). `perPixel` fixes the sensitivity to the automatic window, so a drag across the pane
 * spans about twice the image's 1st–99th percentile range whatever the modality's units.
 */
export function dragWindow(win: readonly [number, number], dx: number, dy: number, perPixel: number): [number, number] {
  const width = Math.max(perPixel, win[1] - win[0] + dx * perPixel);
  const level = (win[0] + win[1]) / 2 + dy * perPixel;
  return [level - width / 2, level + width / 2];
}

/**
 * Slice k (i fastest, then j) as grey RGBA, i to the right and j downwards; `inverted` (MONOCHROME1,
 * viewer/greyDisplay.ts) shows the window's low end white, as the viewer does.
 */
export function sliceRgba(
  voxels: Voxels,
  dims: readonly [number, number, number],
  k: number,
  window: readonly [number, number],
  inverted: boolean,
  out?: Uint8ClampedArray,
): Uint8ClampedArray {
  const [nx, ny] = dims;
  const plane = nx * ny;
  const rgba = out ?? new Uint8ClampedArray(plane * 4);
  const [lo, hi] = window;
  const scale = 255 / (hi - lo);
  const base = k * plane;
  for (let p = 0; p < plane; p++) {
    const windowed = (Number(voxels[base + p]) - lo) * scale;
    // The clamped array clamps either way: below the window is black, or white when inverted.
    const g = inverted ? 255 - windowed : windowed;
    const o = p * 4;
    rgba[o] = g;
    rgba[o + 1] = g;
    rgba[o + 2] = g;
    rgba[o + 3] = 255;
  }
  return rgba;
}

/**
 * The outline of mask ≠ 0 on slice k: every edge between an inside voxel and an outside one (or
 * the slice border), as segments [x0, y0, x1, y1, …] in voxel-corner coordinates (voxel (i, j)
 * spans [i, i+1] × [j, j+1]).
 */
export function outlineSegments(mask: Uint8Array, dims: readonly [number, number, number], k: number): Float32Array {
  const [nx, ny] = dims;
  const base = k * nx * ny;
  const out: number[] = [];
  const inside = (i: number, j: number): boolean => i >= 0 && j >= 0 && i < nx && j < ny && mask[base + j * nx + i] !== 0;
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      if (mask[base + j * nx + i] === 0) continue;
      if (!inside(i - 1, j)) out.push(i, j, i, j + 1);
      if (!inside(i + 1, j)) out.push(i + 1, j, i + 1, j + 1);
      if (!inside(i, j - 1)) out.push(i, j, i + 1, j);
      if (!inside(i, j + 1)) out.push(i, j + 1, i + 1, j + 1);
    }
  }
  return Float32Array.from(out);
}

/** Voxels ≠ 0 on each slice of a mask. */
export function voxelsPerSlice(mask: Uint8Array, dims: readonly [number, number, number]): number[] {
  const plane = dims[0] * dims[1];
  const counts = new Array<number>(dims[2]).fill(0);
  for (let k = 0; k < dims[2]; k++) {
    for (let p = k * plane, end = p + plane; p < end; p++) if (mask[p] !== 0) counts[k]++;
  }
  return counts;
}

/**
 * The slice a trial opens on: the one with the most voxels in all overlays together (the same for
 * every label, so the starting slice says nothing about which overlay is which); the middle slice
 * when all are empty.
 */
export function startSlice(masks: readonly Uint8Array[], dims: readonly [number, number, number]): number {
  const total = new Array<number>(dims[2]).fill(0);
  for (const m of masks) voxelsPerSlice(m, dims).forEach((c, k) => (total[k] += c));
  let best = Math.floor(dims[2] / 2);
  let most = 0;
  total.forEach((c, k) => {
    if (c > most) {
      most = c;
      best = k;
    }
  });
  return best;
}

/**
 * Mirror flags that show a slice in radiological convention (patient left on screen right,
 * anterior up): screen x runs along voxel axis i, screen y along j, so i is mirrored when it points
 * to patient right (−L) and j when it points anterior (−P). `direction` is row-major with row r the
 * LPS direction of voxel axis r (VolumeInfo). Oblique grids use the sign of the in-plane component.
 */
export function radiologicalFlips(direction: readonly number[]): { flipX: boolean; flipY: boolean } {
  return { flipX: direction[0] < 0, flipY: direction[4] < 0 };
}
