import { describe, expect, it } from 'vitest';
import type { Vec3 } from '../../src-shared/volume/types';
import { drawOutline, findCandidates, type PixelToIndex } from './outlinePixels';

const CYAN: [number, number, number] = [0, 255, 255];
const DIMS: Vec3 = [10, 8, 3];

/** A score volume: 0.9 inside the voxel box [i0, i1) × [j0, j1) on slice k, `elsewhere` outside. */
function boxScore(i0: number, i1: number, j0: number, j1: number, k: number, elsewhere = 0.1): Float32Array {
  const [nx, ny, nz] = DIMS;
  const score = new Float32Array(nx * ny * nz).fill(elsewhere);
  for (let j = j0; j < j1; j++) for (let i = i0; i < i1; i++) score[i + nx * (j + ny * k)] = 0.9;
  return score;
}

/** Which pixels of a w×h canvas were painted (alpha 255), as "x,y" strings. */
function painted(rgba: Uint8ClampedArray, w: number): Set<string> {
  const out = new Set<string>();
  for (let p = 0; p < rgba.length / 4; p++) if (rgba[4 * p + 3] === 255) out.add(`${p % w},${Math.floor(p / w)}`);
  return out;
}

const FLOOR = 0.05;

/** Axial-like: `zoom` pixels per voxel, the grid's corner `pad` pixels in from the canvas's. */
function axial(zoom: number, k: number, pad = 0): PixelToIndex {
  const start = -0.5 + (0.5 - pad) / zoom;
  return { origin: [start, start, k], perColumn: [1 / zoom, 0, 0], perRow: [0, 1 / zoom, 0] };
}

function run(score: Float32Array, w: number, h: number, zoom: number, k: number, threshold: number, pad = 0) {
  const candidates = findCandidates(w, h, DIMS, axial(zoom, k, pad), score, FLOOR);
  const rgba = new Uint8ClampedArray(4 * w * h);
  const inside = new Uint8Array(w * h);
  const count = drawOutline(candidates, w, h, score, threshold, CYAN, rgba, inside);
  return { rgba, count, candidates, inside };
}

describe('drawOutline', () => {
  it('paints the one-pixel inner border of the region and leaves its inside clear', () => {
    const zoom = 4;
    const [w, h] = [DIMS[0] * zoom, DIMS[1] * zoom];
    // Voxels i 2..5, j 3..5 on slice 1: pixels x in [8, 24), y in [12, 24).
    const { rgba, count } = run(boxScore(2, 6, 3, 6, 1), w, h, zoom, 1, 0.5);
    const expected = new Set<string>();
    for (let y = 12; y < 24; y++) for (let x = 8; x < 24; x++) if (x === 8 || x === 23 || y === 12 || y === 23) expected.add(`${x},${y}`);
    expect(painted(rgba, w)).toEqual(expected);
    expect(count).toBe(expected.size);
    // Every painted pixel is the outline colour, fully opaque.
    const q = 4 * (12 * w + 8);
    expect([...rgba.subarray(q, q + 4)]).toEqual([...CYAN, 255]);
  });

  it('keeps voxels strictly above the threshold, as labelMask does', () => {
    const score = boxScore(2, 6, 3, 6, 1);
    expect(run(score, 40, 32, 4, 1, 0.9).count).toBe(0);
    expect(run(score, 40, 32, 4, 1, 0.8999).count).toBeGreaterThan(0);
    // Lowering the threshold under the background takes in the whole slice: its outline is the grid's edge.
    const all = run(score, 44, 36, 4, 1, 0.05, 2);
    expect(all.count).toBe(2 * 40 + 2 * 32 - 4);
  });

  it('redraws in place at another threshold, as a fresh draw at that threshold gives', () => {
    // 0.9 on a box, 0.3 on a smaller box inside it (a hole at thresholds from 0.3), 0.02 (under the floor) elsewhere.
    const score = boxScore(1, 9, 1, 7, 1, 0.02);
    for (let j = 3; j < 5; j++) for (let i = 3; i < 7; i++) score[i + DIMS[0] * (j + DIMS[1] * 1)] = 0.3;
    const first = run(score, 40, 32, 4, 1, 0.5);
    expect(first.inside.every((b) => b === 0)).toBe(true);
    for (const t of [0.2, 0.95, 0.05, 0.5]) {
      const again = drawOutline(first.candidates, 40, 32, score, t, CYAN, first.rgba, first.inside);
      const fresh = run(score, 40, 32, 4, 1, t);
      expect(again).toBe(fresh.count);
      expect(first.rgba).toEqual(fresh.rgba);
    }
  });

  it('draws nothing on a slice without the region, and nothing off the grid', () => {
    expect(run(boxScore(2, 6, 3, 6, 1), 40, 32, 4, 0, 0.5).count).toBe(0);
    expect(run(boxScore(2, 6, 3, 6, 1), 40, 32, 4, 7, 0.05).count).toBe(0);
  });

  it('does not outline the canvas edge where the region runs past it', () => {
    // The region covers the left half of the slice; the canvas shows only its inside (x < 16).
    const { rgba } = run(boxScore(0, 5, 0, 8, 1), 16, 32, 4, 1, 0.5);
    expect(painted(rgba, 16).size).toBe(0);
  });
});

describe('findCandidates', () => {
  it('keeps the pixels whose nearest voxel, along any in-plane direction, scores above the floor, and their box', () => {
    // A sagittal-like view: columns step j, rows step k (2 pixels per voxel), at i = 3; the canvas
    // runs past the grid (j < 8, k < 3). Scores: j·k / 10, so above 0.05 from j·k ≥ 1.
    const [nx, ny, nz] = DIMS;
    const score = new Float32Array(nx * ny * nz);
    for (let k = 0; k < nz; k++) for (let j = 0; j < ny; j++) score[3 + nx * (j + ny * k)] = (j * k) / 10;
    const c = findCandidates(20, 8, DIMS, { origin: [3, -0.25, -0.25], perColumn: [0, 0.5, 0], perRow: [0, 0, 0.5] }, score, FLOOR);
    const expected: Array<[number, number]> = [];
    for (let y = 0; y < 8; y++)
      for (let x = 0; x < 20; x++) {
        const [j, k] = [Math.floor(x / 2), Math.floor(y / 2)];
        if (j < ny && k < nz && j * k >= 1) expected.push([y * 20 + x, 3 + nx * (j + ny * k)]);
      }
    expect([...c.pixels.subarray(0, c.count)]).toEqual(expected.map(([p]) => p));
    expect([...c.voxels.subarray(0, c.count)]).toEqual(expected.map(([, v]) => v));
    // j from 1 (x 2) to 7 (x 15), k from 1 (y 2) to 2 (y 5).
    expect(c.box).toEqual({ x0: 2, y0: 2, x1: 16, y1: 6 });
  });
});
