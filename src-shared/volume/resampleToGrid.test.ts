import { describe, expect, it } from 'vitest';
import { resampleToGrid } from './resampleToGrid';
import type { Direction, Volume, Geometry } from './types';

const IDENTITY: Direction = [1, 0, 0, 0, 1, 0, 0, 0, 1];

/** A 10³ source at 1 mm with its origin at world (0, 0, 0): voxel (i, j, k) sits at world (i, j, k). */
const sourceGrid: Geometry = { dims: [10, 10, 10], spacingMm: [1, 1, 1], originLps: [0, 0, 0], direction: IDENTITY };

/** Values linear in world position, f(x, y, z) = x + 10y + 100z, which trilinear interpolation reproduces exactly. */
function linearSource(): Volume {
  const data = new Float32Array(1000);
  for (let k = 0; k < 10; k++) for (let j = 0; j < 10; j++) for (let i = 0; i < 10; i++) data[i + j * 10 + k * 100] = i + 10 * j + 100 * k;
  return { geometry: sourceGrid, data };
}

function valueAt(data: ArrayLike<number>, g: Geometry, [i, j, k]: [number, number, number]): number {
  return data[i + j * g.dims[0] + k * g.dims[0] * g.dims[1]];
}

function resampled(target: Geometry, interpolation: 'trilinear' | 'nearest' = 'trilinear', source = linearSource()) {
  const r = resampleToGrid(source, target, interpolation);
  if (!r.ok) throw new Error(r.reason);
  return r;
}

describe('resampleToGrid by the affines', () => {
  it('reads a shifted grid between source voxels', () => {
    const target: Geometry = { dims: [4, 4, 4], spacingMm: [1, 1, 1], originLps: [2.5, 3, 4], direction: IDENTITY };
    // Voxel (1, 0, 0) is at world (3.5, 3, 4): f = 3.5 + 30 + 400.
    expect(valueAt(resampled(target).data, target, [1, 0, 0])).toBeCloseTo(433.5, 4);
    // Voxel (0, 2, 3) is at world (2.5, 5, 7): f = 2.5 + 50 + 700.
    expect(valueAt(resampled(target).data, target, [0, 2, 3])).toBeCloseTo(752.5, 4);
  });

  it('reads a grid of another spacing', () => {
    const target: Geometry = { dims: [4, 8, 3], spacingMm: [2, 0.5, 3], originLps: [1, 1, 1], direction: IDENTITY };
    // Voxel (2, 3, 1) is at world (1 + 2·2, 1 + 3·0.5, 1 + 1·3) = (5, 2.5, 4): f = 5 + 25 + 400.
    expect(valueAt(resampled(target).data, target, [2, 3, 1])).toBeCloseTo(430, 4);
  });

  it('reads a rotated grid (90° and 30° about z)', () => {
    // Axis i along +y, axis j along −x: voxel (2, 3, 1) is at (8, 1, 2) + 2·(0, 1, 0) + 3·(−1, 0, 0) + (0, 0, 1) = (5, 3, 3).
    const quarter: Geometry = {
      dims: [4, 4, 4],
      spacingMm: [1, 1, 1],
      originLps: [8, 1, 2],
      direction: [0, 1, 0, -1, 0, 0, 0, 0, 1],
    };
    expect(valueAt(resampled(quarter).data, quarter, [2, 3, 1])).toBeCloseTo(5 + 30 + 300, 4);
    const c = Math.cos(Math.PI / 6);
    const s = Math.sin(Math.PI / 6);
    const tilted: Geometry = { dims: [3, 3, 3], spacingMm: [1, 1, 1], originLps: [4, 4, 4], direction: [c, s, 0, -s, c, 0, 0, 0, 1] };
    // Voxel (2, 0, 0) is at (4 + 2 cos 30°, 4 + 2 sin 30°, 4) = (4 + √3, 5, 4).
    expect(valueAt(resampled(tilted).data, tilted, [2, 0, 0])).toBeCloseTo(4 + Math.sqrt(3) + 50 + 400, 4);
  });

  it('takes the nearest voxel for labels and keeps their type', () => {
    const labels = new Uint8Array(1000);
    labels[3 + 3 * 10 + 3 * 100] = 1;
    // Half-millimetre voxels from world 2.2: centres at 2.2, 2.7, 3.2, 3.7… per axis; the nearest
    // source index is 3 for 2.7 and 3.2 only, so 2 × 2 × 2 target voxels carry the label.
    const target: Geometry = { dims: [6, 6, 6], spacingMm: [0.5, 0.5, 0.5], originLps: [2.2, 2.2, 2.2], direction: IDENTITY };
    const r = resampled(target, 'nearest', { geometry: sourceGrid, data: labels });
    expect(r.data).toBeInstanceOf(Uint8Array);
    expect(Array.from(r.data).filter((v) => v === 1)).toHaveLength(8);
    expect(valueAt(r.data, target, [1, 2, 1])).toBe(1);
    expect(valueAt(r.data, target, [3, 2, 1])).toBe(0);
  });

  it('gives 0 outside the source and reports the covered share', () => {
    // Centres at x = 8, 9, 10, 11; the source's field of view ends at x = 9.5.
    const target: Geometry = { dims: [4, 1, 1], spacingMm: [1, 1, 1], originLps: [8, 0, 0], direction: IDENTITY };
    const r = resampled(target);
    expect(Array.from(r.data)).toEqual([8, 9, 0, 0]);
    expect(r.coveredFraction).toBe(0.5);
  });

  it('refuses a source whose field of view does not overlap, saying where each is', () => {
    const far: Geometry = { dims: [4, 4, 4], spacingMm: [1, 1, 1], originLps: [100, 100, 100], direction: IDENTITY };
    const r = resampleToGrid(linearSource(), far, 'trilinear');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(/x -0\.5…9\.5.*does not overlap.*x 99\.5…103\.5/);
  });
});
