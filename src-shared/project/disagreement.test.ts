import { describe, expect, it } from 'vitest';
import { disagreementMax, disagreementOf, type DisagreementMeasure } from './disagreement';
import type { UncertainAs } from './labels';
import { voteCodes } from './voteCodes';
import { raters } from './raterRows.testSupport';

/** The measure per voxel, as the review's colour tables read it: each voxel's vote code, then its counts' value. */
function perVoxel(
  measure: DisagreementMeasure,
  labelmaps: Uint8Array[],
  uncertainAs: UncertainAs = 'half',
  label: number | null = null,
): number[] {
  const v = voteCodes(labelmaps, label);
  return Array.from(v.codes, (c) => disagreementOf(measure, labelmaps.length, v.counts[c], uncertainAs, label !== null));
}
const labelEntropy = (labelmaps: Uint8Array[]) => perVoxel('entropy', labelmaps);
const voteVariance = (labelmaps: Uint8Array[], uncertainAs: UncertainAs = 'half') => perVoxel('variance', labelmaps, uncertainAs);
const labelDisagreement = (measure: DisagreementMeasure, labelmaps: Uint8Array[], label: number) =>
  perVoxel(measure, labelmaps, 'half', label);

describe('labelEntropy', () => {
  it('is 0 where raters agree and matches −Σ p log2 p by hand elsewhere', () => {
    const h = labelEntropy(
      raters([
        [0, 0, 0, 0],
        [1, 1, 1, 1],
        [1, 0, 1, 0], // two categories, half each: 1 bit
        [1, 1, 1, 0], // ¾, ¼: 0.75·log2(4/3) + 0.25·2 = 0.8112781
        [0, 1, 2, 2], // ¼, ¼, ½: 0.5 + 0.5 + 0.5 = 1.5 bits
      ]),
    );
    expect(h[0]).toBe(0);
    expect(h[1]).toBe(0);
    expect(h[2]).toBeCloseTo(1, 6);
    expect(h[3]).toBeCloseTo(0.75 * Math.log2(4 / 3) + 0.5, 6);
    expect(h[4]).toBeCloseTo(1.5, 6);
  });
  it('reaches log2 3 for three raters giving three different labels', () => {
    const h = labelEntropy(raters([[0, 1, 2]]));
    expect(h[0]).toBeCloseTo(Math.log2(3), 6);
    expect(disagreementMax('entropy', 3)).toBeCloseTo(Math.log2(3), 12);
    expect(disagreementMax('entropy', 2)).toBe(1);
  });
});

describe('voteVariance', () => {
  it('is the population variance of the votes (uncertain = ½ by default)', () => {
    // Hand-derived: {1, 0} mean ½ → ¼; votes {0, 1, ½} mean ½ → (¼ + ¼ + 0)/3 = 1/6; {1,1,1,0} mean ¾ → (3·(¼)² + (¾)²)/4 = 3/16.
    expect(voteVariance(raters([[1, 0]]))[0]).toBe(0.25);
    expect(voteVariance(raters([[0, 1, 2]]))[0]).toBeCloseTo(1 / 6, 6);
    expect(voteVariance(raters([[1, 1, 1, 0]]))[0]).toBeCloseTo(3 / 16, 6);
    // Uncertain as lesion: {1, 2} agree.
    expect(voteVariance(raters([[1, 2]]), 'lesion')[0]).toBe(0);
    expect(voteVariance(raters([[2, 2]]))[0]).toBe(0);
  });
});

describe('input checks', () => {
  it('refuses no raters, mismatched grids and counts that do not add up', () => {
    expect(() => labelEntropy([])).toThrow(/at least one/);
    expect(() => voteVariance([new Uint8Array(3), new Uint8Array(4)])).toThrow(/labelmap 1 has 4 voxels/);
    expect(() => disagreementOf('entropy', 2, { ones: 2, twos: 1 })).toThrow(/2 \+ 1 votes of 2 raters/);
    expect(() => disagreementMax('variance', 0)).toThrow(/positive/);
  });
});

describe('labelDisagreement (3 raters; 1 core, 2 penumbra, 3 uncertain)', () => {
  // voxel:    0  1  2  3
  const a = Uint8Array.of(2, 2, 1, 3);
  const b = Uint8Array.of(2, 1, 1, 0);
  const c = Uint8Array.of(2, 3, 0, 2);
  // Penumbra painted by k = 3, 1, 0, 1 raters: p = 1, 1/3, 0, 1/3.
  it('variance of the one-hot votes is p(1 − p)', () => {
    // As the map's Float32 values: (1/3)(2/3) and 2/9 differ in the last bit of a double.
    expect(labelDisagreement('variance', [a, b, c], 2).map(Math.fround)).toEqual([0, 2 / 9, 0, 2 / 9].map(Math.fround));
  });
  it('entropy of painted / not painted, at most 1 bit', () => {
    const h = -(1 / 3) * Math.log2(1 / 3) - (2 / 3) * Math.log2(2 / 3); // 0.918 bits
    expect(labelDisagreement('entropy', [a, b, c], 2)).toEqual([0, h, 0, h]);
    // Core: k = 0, 1, 2, 0 → the same h at voxels 1 and 2 (1 of 3 and 2 of 3 are equally split).
    expect(labelDisagreement('entropy', [a, b, c], 1)).toEqual([0, h, h, 0]);
    expect(disagreementMax('entropy', 3, true)).toBe(1);
    expect(disagreementMax('entropy', 3)).toBe(Math.log2(3));
  });
});
