import { describe, expect, it } from 'vitest';
import { countLabelled, countLabels, findInvalidLabels, isLabelValue, labelValueSet, LabelValue, toLabelmap } from './labels';

describe('label values', () => {
  it('are 0 background, 1 lesion, 2 uncertain', () => {
    expect(LabelValue).toEqual({ background: 0, lesion: 1, uncertain: 2 });
    expect([0, 1, 2, 3, -1, 0.5].map(isLabelValue)).toEqual([true, true, true, false, false, false]);
  });

  it('finds every kind of invalid value, with the first position', () => {
    expect(findInvalidLabels(Uint8Array.of(0, 1, 2, 2, 0))).toBeNull();
    const allowed = '{0, 1, 2}';
    expect(findInvalidLabels(Float32Array.of(0, 1, 0.5, NaN, 7, 7, 2))).toEqual({
      count: 4,
      firstIndex: 2,
      examples: [0.5, NaN, 7],
      allowed,
    });
    expect(findInvalidLabels(Int16Array.of(0, -2))).toEqual({ count: 1, firstIndex: 1, examples: [-2], allowed });
  });

  it("checks against a project's own label values", () => {
    const coreAndPenumbra = labelValueSet([1, 2, 3]);
    expect(findInvalidLabels(Uint8Array.of(0, 3, 2, 1), coreAndPenumbra)).toBeNull();
    expect(findInvalidLabels(Uint8Array.of(0, 3, 4, 9, 4, 255), coreAndPenumbra)).toEqual({
      count: 4,
      firstIndex: 2,
      examples: [4, 9, 255],
      allowed: '{0, 1, 2, 3}',
    });
    expect(countLabelled(Uint8Array.of(0, 3, 0, 7))).toBe(2);
  });

  it('counts labels', () => {
    expect(countLabels(Uint8Array.of(0, 1, 1, 2, 0, 0))).toEqual({ background: 3, lesion: 2, uncertain: 1 });
  });

  it('converts valid arrays to Uint8 and refuses the rest with the reason', () => {
    expect(Array.from(toLabelmap(Float64Array.of(0, 2, 1)))).toEqual([0, 2, 1]);
    expect(() => toLabelmap(Float32Array.of(0, 3))).toThrow(/1 voxel\(s\) outside \{0, 1, 2\} \(e\.g\. 3 first at flat index 1\)/);
  });
});
