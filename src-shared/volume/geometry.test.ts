import { describe, expect, it } from 'vitest';
import {
  affineRasFromGeometry,
  axisLetters,
  geometryFromAffineRas,
  indexToWorldMatrix,
  invert4x4,
  obliquityDegrees,
  transformPoint,
  worldToIndexMatrix,
} from './geometry';
import type { Geometry } from './types';

// +i toward patient left (L), +j toward anterior (A), +k superior (S).
const g: Geometry = { dims: [10, 20, 30], spacingMm: [2, 3, 4], originLps: [5, 6, 7], direction: [1, 0, 0, 0, -1, 0, 0, 0, 1] };

describe('index ↔ world', () => {
  it('maps voxel (1, 2, 3) to origin + Σ index·spacing·direction', () => {
    // x = 5 + 1·2 = 7, y = 6 − 2·3 = 0, z = 7 + 3·4 = 19.
    expect(transformPoint(indexToWorldMatrix(g), [1, 2, 3])).toEqual([7, 0, 19]);
    expect(transformPoint(worldToIndexMatrix(g), [7, 0, 19]).map((v) => Math.round(v * 1e9) / 1e9)).toEqual([1, 2, 3]);
  });

  it('inverts a general affine and refuses a singular one', () => {
    const m = [2, 1, 0, 3, 0, 1, 4, -2, 1, 0, 1, 5, 0, 0, 0, 1];
    const inv = invert4x4(m);
    if (!inv) throw new Error('expected an inverse');
    const p = transformPoint(inv, transformPoint(m, [0.5, -7, 2]));
    p.forEach((v, i) => expect(v).toBeCloseTo([0.5, -7, 2][i], 10));
    expect(invert4x4([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1])).toBeNull();
  });

  it('converts between a NIfTI RAS affine and LPS geometry by flipping x and y', () => {
    const ras = affineRasFromGeometry(g);
    // LPS direction (1,0,0)·2 → RAS (−2,0,0); LPS (0,−1,0)·3 → RAS (0,3,0); origin (5,6,7) → (−5,−6,7).
    expect(Array.from(ras)).toEqual([-2, 0, 0, -5, 0, 3, 0, -6, 0, 0, 4, 7, 0, 0, 0, 1]);
    const back = geometryFromAffineRas(ras);
    if (!back) throw new Error('expected a geometry');
    expect(back.spacingMm).toEqual([2, 3, 4]);
    expect(back.originLps).toEqual([5, 6, 7]);
    expect(back.direction).toEqual(g.direction);
    expect(back.maxAxisCosine).toBe(0);
  });

  it('rejects affines with a zero, NaN or collinear axis', () => {
    expect(geometryFromAffineRas([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1])).toBeNull();
    expect(geometryFromAffineRas([Number.NaN, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1])).toBeNull();
    expect(geometryFromAffineRas([1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1])).toBeNull();
  });

  it('names axes and measures obliquity', () => {
    expect(axisLetters(g.direction)).toEqual(['L', 'A', 'S']);
    expect(obliquityDegrees(g.direction)).toBe(0);
    const c = Math.cos((10 * Math.PI) / 180);
    const s = Math.sin((10 * Math.PI) / 180);
    expect(obliquityDegrees([1, 0, 0, 0, c, s, 0, -s, c])).toBeCloseTo(10, 6);
  });
});
