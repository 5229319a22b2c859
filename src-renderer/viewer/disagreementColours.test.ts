import { describe, expect, it } from 'vitest';
import { voteCodes } from '../../src-shared/project/voteCodes';
import { DISAGREEMENT_LEVELS, disagreementLutAt } from './disagreementColours';
import { disagreementLut } from './raterColors';
import { raters } from '../../src-shared/project/raterRows.testSupport';

describe('disagreement map colours over the vote codes', () => {
  // Three raters; per voxel the hand-worked entropy (bits) of their labels {0, 1, 2}, on the
  // log2 3 scale, and its level of 16: ceil(H / log2 3 × 16).
  const labelmaps = raters([
    [0, 0, 0], // H 0: not drawn
    [1, 1, 1], // 0: agreement on lesion is no disagreement
    [1, 0, 0], // ⅓, ⅔: 0.9183 bits → ceil(9.27) = 10
    [0, 1, 2], // log2 3 → 16
    [1, 1, 2], // same as [1, 0, 0] in shape: 0.9183 → 10
  ]);
  const votes = voteCodes(labelmaps);
  const at = (lut: number[][]) => Array.from(votes.codes, (c) => lut[c]);

  it('colours each voxel by its measure on the fixed ramp and counts what it draws', () => {
    const { lut, drawn } = disagreementLutAt(votes, 'entropy', true);
    const ramp = disagreementLut(DISAGREEMENT_LEVELS);
    expect(at(lut)).toEqual([[...ramp[0]], [...ramp[0].slice(0, 3), 0], ramp[10], ramp[16], ramp[10]]);
    expect(drawn).toBe(3);
  });

  it('variance (uncertain = ½) on its ¼ scale: {1,0,0} 2/9 → 15, {0,1,2} 1/6 → 11, {1,1,2} 1/18 → 4', () => {
    // {1,0,0}: mean ⅓, E[w²] ⅓ → 2/9; {0,1,½}: mean ½, E[w²] 5/12 → 1/6; {1,1,½}: mean 5/6, E[w²] 3/4 → 1/18.
    // Levels: ceil(2/9·64) = 15, ceil(1/6·64) = 11, ceil(1/18·64) = 4.
    const { lut, drawn } = disagreementLutAt(votes, 'variance', true);
    const ramp = disagreementLut(DISAGREEMENT_LEVELS);
    expect(at(lut).slice(2)).toEqual([ramp[15], ramp[11], ramp[4]]);
    expect(drawn).toBe(3);
  });

  it('hidden: every code transparent, nothing counted, the grid untouched', () => {
    const before = votes.codes.slice();
    const { lut, drawn } = disagreementLutAt(votes, 'entropy', false);
    expect(lut.every((c) => c[3] === 0)).toBe(true);
    expect(drawn).toBe(0);
    expect(votes.codes).toEqual(before);
  });

  it('one rater: nothing to disagree about under either measure (a 0-bit entropy scale draws nothing)', () => {
    const alone = voteCodes([Uint8Array.of(0, 1, 2)]);
    for (const measure of ['entropy', 'variance'] as const) {
      const { lut, drawn } = disagreementLutAt(alone, measure, true);
      expect(lut.every((c) => c[3] === 0)).toBe(true);
      expect(drawn).toBe(0);
    }
  });

  it('one label of a table: painted or not, at most 1 bit', () => {
    // Label 2 painted by 1 of 2 raters: 1 bit, the top of the 1-bit scale.
    const one = voteCodes(
      raters([
        [2, 0],
        [2, 2],
        [1, 0],
      ]),
      2,
    );
    const { lut, drawn } = disagreementLutAt(one, 'entropy', true);
    expect(lut[one.codes[0]]).toEqual(disagreementLut(DISAGREEMENT_LEVELS)[16]);
    expect(drawn).toBe(1);
  });
});
