import { describe, expect, it } from 'vitest';
import { squaredEdt } from '../metrics/edt';
import { annotatedSlices, interpolateSlices, signedDistance2d } from './interpolate';

const N = 41;
const C = 20;

/** A disc of pixels with (i − C)² + (j − C)² ≤ r² on slice k. */
function paintDisc(lm: Uint8Array, k: number, r: number, value = 1): void {
  for (let j = 0; j < N; j++) for (let i = 0; i < N; i++) if ((i - C) ** 2 + (j - C) ** 2 <= r * r) lm[k * N * N + j * N + i] = value;
}

function sliceCount(lm: Uint8Array, k: number): number {
  let n = 0;
  for (let p = 0; p < N * N; p++) if (lm[k * N * N + p]) n++;
  return n;
}

/** Radii (from the centre) of the innermost unset and outermost set pixel on slice k. */
function radii(lm: Uint8Array, k: number): { maxIn: number; minOut: number } {
  let maxIn = 0;
  let minOut = Infinity;
  for (let j = 0; j < N; j++)
    for (let i = 0; i < N; i++) {
      const r = Math.hypot(i - C, j - C);
      if (lm[k * N * N + j * N + i]) maxIn = Math.max(maxIn, r);
      else minOut = Math.min(minOut, r);
    }
  return { maxIn, minOut };
}

describe('signedDistance2d', () => {
  it('is −(distance to background) inside and +(distance to foreground) outside, in mm', () => {
    // A 1×7 row with pixels 2..4 set, spacing 2 mm: inside 3 is 2 pixels (4 mm) from background.
    const inside = Uint8Array.from([0, 0, 1, 1, 1, 0, 0]);
    expect(Array.from(signedDistance2d(inside, 7, 1, 2, 1))).toEqual([4, 2, -2, -4, -2, 2, 4]);
  });
  it('measures diagonals with both spacings', () => {
    const inside = new Uint8Array(9);
    inside[0] = 1; // pixel (0,0) of a 3×3 slice, spacing 1 × 2 mm
    const d = signedDistance2d(inside, 3, 3, 1, 2);
    expect(d[8]).toBeCloseTo(Math.hypot(2, 4), 12); // pixel (2,2)
    expect(d[0]).toBeCloseTo(-1, 12); // nearest background: (1,0), 1 mm
  });
  it('refuses mismatched sizes', () => {
    expect(() => signedDistance2d(new Uint8Array(5), 2, 2, 1, 1)).toThrow(/2×2 = 4 pixels/);
  });
});

/** Exhaustive nearest distance (mm) from pixel p of an nx-wide slice to the pixels where `target(q)` holds. */
function bruteDistance(n: number, nx: number, sx: number, sy: number, p: number, target: (q: number) => boolean): number {
  let best = Infinity;
  for (let q = 0; q < n; q++)
    if (target(q)) best = Math.min(best, Math.hypot(((p % nx) - (q % nx)) * sx, (Math.floor(p / nx) - Math.floor(q / nx)) * sy));
  return best;
}

describe('one EDT for the metrics and the interpolation', () => {
  it('gives both uses the brute-force distance on a small anisotropic slice', () => {
    // 9×6 pixels of 0.7 × 2.3 mm: an L-shaped region and a lone pixel, so the nearest pixel is
    // sometimes along i, sometimes along j and sometimes diagonal.
    const nx = 9;
    const ny = 6;
    const [sx, sy] = [0.7, 2.3];
    const inside = new Uint8Array(nx * ny);
    for (const [i, j] of [
      [1, 1],
      [2, 1],
      [3, 1],
      [1, 2],
      [1, 3],
      [2, 3],
      [7, 4],
    ])
      inside[i + j * nx] = 1;
    const n = nx * ny;
    const metric = squaredEdt(inside, [nx, ny, 1], [sx, sy, 1]);
    const signed = signedDistance2d(inside, nx, ny, sx, sy);
    for (let p = 0; p < n; p++) {
      const toInside = bruteDistance(n, nx, sx, sy, p, (q) => inside[q] !== 0);
      const toOutside = bruteDistance(n, nx, sx, sy, p, (q) => inside[q] === 0);
      expect(Math.sqrt(metric[p])).toBeCloseTo(toInside, 12);
      expect(signed[p]).toBeCloseTo(inside[p] ? -toOutside : toInside, 12);
    }
  });
});

describe('interpolateSlices', () => {
  it('turns discs of radius 4 and 12 into discs of intermediate radius, growing linearly', () => {
    const lm = new Uint8Array(N * N * 5);
    paintDisc(lm, 0, 4);
    paintDisc(lm, 4, 12);
    const r = interpolateSlices(lm, { dims: [N, N, 5], spacingMm: [1, 1] }, 1);
    expect(r.filledSlices).toEqual([1, 2, 3]);
    // Expected radii (1 − t)·4 + t·12 = 6, 8, 10; the zero level lies within a pixel of it.
    for (const [k, expected] of [
      [1, 6],
      [2, 8],
      [3, 10],
    ] as const) {
      const { maxIn, minOut } = radii(lm, k);
      expect(maxIn).toBeGreaterThan(expected - 1);
      expect(maxIn).toBeLessThan(expected + 1);
      expect(minOut).toBeGreaterThan(expected - 1);
      // Area within 15 % of π r².
      expect(Math.abs(sliceCount(lm, k) - Math.PI * expected * expected)).toBeLessThan(0.15 * Math.PI * expected * expected);
    }
    expect(sliceCount(lm, 1)).toBeLessThan(sliceCount(lm, 2));
    expect(sliceCount(lm, 2)).toBeLessThan(sliceCount(lm, 3));
    expect(r.voxels).toBe(sliceCount(lm, 1) + sliceCount(lm, 2) + sliceCount(lm, 3));
  });

  it('copies a shape unchanged between two identical slices and leaves the ends and annotated slices alone', () => {
    const lm = new Uint8Array(N * N * 8);
    paintDisc(lm, 2, 7);
    paintDisc(lm, 5, 7, 2);
    const before = lm.slice();
    interpolateSlices(lm, { dims: [N, N, 8], spacingMm: [0.8, 0.8] }, 1);
    for (const k of [3, 4]) for (let p = 0; p < N * N; p++) expect(lm[k * N * N + p]).toBe(before[2 * N * N + p] ? 1 : 0);
    for (const k of [0, 1, 2, 5, 6, 7]) for (let p = 0; p < N * N; p++) expect(lm[k * N * N + p]).toBe(before[k * N * N + p]);
  });

  it('fills each gap between consecutive annotated slices and nothing when there is no gap', () => {
    const lm = new Uint8Array(N * N * 6);
    paintDisc(lm, 0, 3);
    paintDisc(lm, 1, 3);
    paintDisc(lm, 3, 3);
    paintDisc(lm, 5, 3);
    expect(annotatedSlices(lm, [N, N, 6])).toEqual([0, 1, 3, 5]);
    expect(interpolateSlices(lm, { dims: [N, N, 6], spacingMm: [1, 1] }, 2).filledSlices).toEqual([2, 4]);
    expect(lm[2 * N * N + C * N + C]).toBe(2);
    expect(interpolateSlices(new Uint8Array(N * N * 3), { dims: [N, N, 3], spacingMm: [1, 1] }, 1)).toEqual({
      filledSlices: [],
      voxels: 0,
    });
  });

  it('refuses a labelmap that does not fit the grid, and bad labels', () => {
    expect(() => interpolateSlices(new Uint8Array(10), { dims: [2, 2, 2], spacingMm: [1, 1] }, 1)).toThrow(/10 voxels.*8/);
    expect(() => interpolateSlices(new Uint8Array(8), { dims: [2, 2, 2], spacingMm: [1, 1] }, 0)).toThrow(/label/);
    expect(() => interpolateSlices(new Uint8Array(8), { dims: [2, 2, 2], spacingMm: [0, 1] }, 1)).toThrow(/spacing/);
  });
});
