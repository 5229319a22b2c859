/**
 * The empirical AUC on cases worked out by hand: counting (positive, negative) pairs, ties as ½, and
 * the trapezoidal area of the ROC points, which must agree.
 */
import { describe, expect, it } from 'vitest';
import { empiricalAuc, empiricalRoc } from './auc';

/** Trapezoids under the points, joined in order: an independent route to the same area. */
function trapezoids(points: readonly { fpf: number; tpf: number }[]): number {
  let area = 0;
  for (let i = 1; i < points.length; i++) area += ((points[i].fpf - points[i - 1].fpf) * (points[i].tpf + points[i - 1].tpf)) / 2;
  return area;
}

describe('empiricalAuc (Wilcoxon, ties as ½)', () => {
  it('is 1 for perfect separation, 0 when reversed and ½ when every rating ties', () => {
    expect(empiricalAuc([4, 5], [1, 2, 3])).toBe(1);
    expect(empiricalAuc([1, 2], [4, 5])).toBe(0);
    expect(empiricalAuc([3, 3], [3, 3, 3])).toBe(0.5);
  });

  it('counts ties as half a pair', () => {
    // Positives 5, 3, 3; negatives 3, 1. Pairs (6): 5>3, 5>1, 3=3 (½), 3>1, 3=3 (½), 3>1 → 5/6.
    expect(empiricalAuc([5, 3, 3], [3, 1])).toBeCloseTo(5 / 6, 15);
    // Positives 2, 4; negatives 2, 4, 4. Pairs: 2=2 ½, 2<4, 2<4, 4>2, 4=4 ½, 4=4 ½ → 2.5/6.
    expect(empiricalAuc([2, 4], [2, 4, 4])).toBeCloseTo(2.5 / 6, 15);
  });

  it('is null when a class is empty', () => {
    expect(empiricalAuc([], [1])).toBeNull();
    expect(empiricalAuc([1], [])).toBeNull();
  });
});

describe('empiricalRoc', () => {
  it('gives the operating points, whose trapezoidal area is the Wilcoxon AUC', () => {
    const pos = [5, 3, 3];
    const neg = [3, 1];
    expect(empiricalRoc(pos, neg)).toEqual([
      { fpf: 0, tpf: 0 },
      { fpf: 0, tpf: 1 / 3 }, // rating ≥ 5
      { fpf: 1 / 2, tpf: 1 }, // ≥ 3
      { fpf: 1, tpf: 1 }, // ≥ 1
    ]);
    expect(trapezoids(empiricalRoc(pos, neg))).toBeCloseTo(5 / 6, 15);
    const pos2 = [2, 4, 1, 5, 5, 3];
    const neg2 = [1, 1, 2, 4, 3, 2, 5];
    expect(trapezoids(empiricalRoc(pos2, neg2))).toBeCloseTo(empiricalAuc(pos2, neg2) ?? NaN, 14);
  });
});
