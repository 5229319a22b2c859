import { describe, expect, it } from 'vitest';
import type { Geometry } from '../volume/types';
import { geometryMismatches } from './geometryMatch';

const g: Geometry = { dims: [10, 12, 5], spacingMm: [0.5, 0.5, 3], originLps: [100, -50, 20], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] };

describe('geometryMismatches', () => {
  it('accepts an identical grid and float32-sized noise', () => {
    expect(geometryMismatches(g, g)).toEqual([]);
    const noisy: Geometry = { ...g, spacingMm: [Math.fround(0.5), 0.5 * (1 + 1e-7), 3], originLps: [Math.fround(100.0001), -50, 20] };
    expect(geometryMismatches(g, noisy)).toEqual([]);
  });

  it('reports a shape difference alone', () => {
    expect(geometryMismatches(g, { ...g, dims: [10, 12, 6], originLps: [0, 0, 0] })).toEqual([
      "shape [10, 12, 6] differs from the image's [10, 12, 5]",
    ]);
  });

  it('reports spacing, origin and direction differences together', () => {
    const rotated: Geometry = { ...g, spacingMm: [0.5, 0.5, 3.3], originLps: [100, -49, 20], direction: [0, 1, 0, -1, 0, 0, 0, 0, 1] };
    const out = geometryMismatches(g, rotated);
    expect(out).toHaveLength(3);
    expect(out[0]).toMatch(/^spacing \[0\.5, 0\.5, 3\.3\] mm/);
    expect(out[1]).toMatch(/^origin \[100, -49, 20\] mm \(LPS\)/);
    expect(out[2]).toMatch(/^direction \[0, 1, 0, -1, 0, 0, 0, 0, 1\]/);
  });

  it('treats NaN as a mismatch, not a pass', () => {
    expect(geometryMismatches(g, { ...g, originLps: [NaN, -50, 20] })).toHaveLength(1);
  });
});
