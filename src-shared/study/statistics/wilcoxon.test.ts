import { describe, expect, it } from 'vitest';
import { midRanks, signedRankCounts, wilcoxonSignedRank } from './wilcoxon';

describe('midRanks', () => {
  it('gives tied values the mean of their ranks', () => {
    // sorted: 1, 1, 2, 2, 2, 3 → ranks (1+2)/2 = 1.5 and (3+4+5)/3 = 4
    const { ranks, tieGroups } = midRanks([2, 1, 3, 2, 1, 2]);
    expect([...ranks]).toEqual([4, 1.5, 6, 4, 1.5, 4]);
    expect(tieGroups).toEqual([2, 3, 1]);
  });
});

describe('signedRankCounts', () => {
  it('counts subsets of {1..n} by sum', () => {
    // n = 3: {}, {1}, {2}, {3}|{1,2}, {1,3}, {2,3}, {1,2,3} → sums 0..6 with counts 1 1 1 2 1 1 1
    expect([...signedRankCounts(3)]).toEqual([1, 1, 1, 2, 1, 1, 1]);
    const total = signedRankCounts(20).reduce((a, b) => a + b, 0);
    expect(total).toBe(2 ** 20);
  });
});

describe('wilcoxonSignedRank', () => {
  it("reproduces R's wilcox.test example (Hollander & Wolfe depression scale): V = 40, p = 0.03906", () => {
    const x = [1.83, 0.5, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.3];
    const y = [0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29];
    // x − y: 0.952, −0.147, 1.022, 0.43, 0.62, 0.59, 0.49, −0.08, 0.01; |d| ranks:
    // 0.01→1, 0.08→2, 0.147→3, 0.43→4, 0.49→5, 0.59→6, 0.62→7, 0.952→8, 1.022→9.
    // Negative ranks 2 + 3 = 5, so V = 45 − 5 = 40. No ties, no zeros, n = 9 → exact:
    // P(V ≥ 40) = P(negative rank sum ≤ 5) = #{∅,1,2,3,4,5,12,13,14,23}/2⁹ = 10/512; two-sided 20/512.
    const r = wilcoxonSignedRank(x, y);
    expect(r.statistic).toBe(40);
    expect(r.method).toBe('exact');
    expect(r.pValue).toBeCloseTo(20 / 512, 12);
  });

  it('gives 2/2ⁿ when every difference has the same sign', () => {
    // V = 15 is the maximum for n = 5; only the all-positive sign pattern reaches it: 2 · 1/32.
    const r = wilcoxonSignedRank([2, 3, 4, 5, 6], [1, 1, 1, 1, 1]);
    expect(r.statistic).toBe(15);
    expect(r.pValue).toBeCloseTo(2 / 32, 12);
    // And the mirror image, V = 0, gives the same.
    expect(wilcoxonSignedRank([1, 1, 1, 1, 1], [2, 3, 4, 5, 6]).pValue).toBeCloseTo(2 / 32, 12);
  });

  it('exact lower tail: negatives on ranks 1 and 2 of 6 give p = 10/64', () => {
    // V = 21 − 3 = 18; P(V ≥ 18) = P(negative sum ≤ 3) = #{∅,{1},{2},{3},{1,2}}/64 = 5/64 → 10/64.
    const r = wilcoxonSignedRank([-1, -2, 3, 4, 5, 6], [0, 0, 0, 0, 0, 0]);
    expect(r.statistic).toBe(18);
    expect(r.pValue).toBeCloseTo(10 / 64, 12);
  });

  it('handles ties and a zero with the tie-corrected, continuity-corrected normal approximation', () => {
    // d = x − y = +1, −1, +2, +2, −2, +3, +4, 0. The 0 is dropped (n = 7).
    // |d| sorted 1,1,2,2,2,3,4 → mid-ranks 1.5,1.5,4,4,4,6,7. V = 1.5 + 4 + 4 + 6 + 7 = 22.5.
    // E[V] = 7·8/4 = 14. Var = 7·8·15/24 − ((2³−2) + (3³−3))/48 = 35 − 30/48 = 34.375.
    // z = (22.5 − 14 − 0.5)/√34.375 = 8/5.863020 = 1.364485 → p = 2·(1 − Φ(1.364485)) = 0.172415
    // (scipy.stats.wilcoxon(d, correction=True, method='approx') agrees: 0.17241510).
    const x = [2, 1, 4, 5, 1, 5, 5, 3];
    const y = [1, 2, 2, 3, 3, 2, 1, 3];
    const r = wilcoxonSignedRank(x, y);
    expect(r.zeros).toBe(1);
    expect(r.n).toBe(7);
    expect(r.ties).toBe(true);
    expect(r.statistic).toBe(22.5);
    expect(r.method).toBe('normal-approximation');
    expect(r.z).toBeCloseTo(8 / Math.sqrt(34.375), 12);
    expect(r.pValue).toBeCloseTo(0.172415, 6);
  });

  it('reproduces the Wikipedia worked example (10 pairs, one zero, one tie)', () => {
    const after = [125, 115, 130, 140, 140, 115, 140, 125, 140, 135];
    const before = [110, 122, 125, 120, 140, 124, 123, 137, 135, 145];
    // d = 15, −7, 5, 20, 0, −9, 17, −12, 5, −10; drop the 0 → n = 9.
    // |d| sorted 5,5,7,9,10,12,15,17,20 → ranks 1.5,1.5,3..9. Positives: 5,5,15,17,20 → 1.5+1.5+7+8+9 = 27.
    // Var = 9·10·19/24 − (2³−2)/48 = 71.25 − 0.125 = 71.125; z = (27 − 22.5 − 0.5)/√71.125 = 0.474295
    // p = 2·(1 − Φ(0.474295)) = 0.635289.
    const r = wilcoxonSignedRank(after, before);
    expect(r.statistic).toBe(27);
    expect(r.z).toBeCloseTo(0.474295, 5);
    expect(r.pValue).toBeCloseTo(0.635289, 5);
  });

  it('uses the normal approximation from n = 50 even without ties', () => {
    // d = 1..50, all positive: V = 1275, E = 637.5, Var = 50·51·101/24 = 10731.25,
    // z = (637.5 − 0.5)/103.5917 = 6.1492.
    const x = Array.from({ length: 50 }, (_, i) => i + 1);
    const r = wilcoxonSignedRank(x, new Array<number>(50).fill(0));
    expect(r.method).toBe('normal-approximation');
    expect(r.z).toBeCloseTo(637 / Math.sqrt(10731.25), 10);
    expect(r.pValue).toBeLessThan(1e-8);
  });

  it('has no p-value when every pair is equal', () => {
    const r = wilcoxonSignedRank([3, 4, 5], [3, 4, 5]);
    expect(r.n).toBe(0);
    expect(r.zeros).toBe(3);
    expect(r.pValue).toBeNull();
  });

  it('refuses mismatched or empty samples', () => {
    expect(() => wilcoxonSignedRank([1, 2], [1])).toThrow(/same length/);
    expect(() => wilcoxonSignedRank([], [])).toThrow(/at least one pair/);
    expect(() => wilcoxonSignedRank([Number.NaN], [1])).toThrow(/finite/);
  });
});
