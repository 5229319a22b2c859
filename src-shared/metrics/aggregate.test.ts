import { describe, expect, it } from 'vitest';
import { auc, bootstrapCi, nanMean, nanMedian, stratify, summedConfusion } from './aggregate';
import { percentileLinear } from './stats';

describe('aggregation over cases', () => {
  it('ignores NaN in mean and median', () => {
    expect(nanMean([1, NaN, 3])).toBe(2);
    expect(nanMedian([4, NaN, 1, 3, 2])).toBe(2.5);
    expect(nanMean([NaN])).toBeNaN();
  });
  it('sums image-level classes and derives sensitivity, precision, specificity from the sums', () => {
    const s = summedConfusion(['TP', 'TP', 'FN', 'TN', 'FP', null]);
    expect(s).toEqual({ tp: 2, tn: 1, fp: 1, fn: 1, sensitivity: 2 / 3, precision: 2 / 3, specificity: 1 / 2 });
  });
  it('AUC counts ties as one half', () => {
    expect(auc([true, false], [2, 1])).toBe(1);
    expect(auc([true, false, true, false], [1, 1, 3, 0])).toBeCloseTo((1 + 0.5 + 1 + 1) / 4, 15);
    expect(auc([true, true], [1, 2])).toBeNaN();
  });
  it('seeded bootstrap is reproducible and brackets the mean', () => {
    const v = [1, 2, 3, 4, 5, 6, 7, 8, 9, NaN];
    const a = bootstrapCi(v, { seed: 7, reps: 500 });
    const b = bootstrapCi(v, { seed: 7, reps: 500 });
    expect(a).toEqual(b);
    expect(a.lo).toBeLessThan(5);
    expect(a.hi).toBeGreaterThan(5);
    expect(a.method).toBe('percentile-bootstrap');
  });
  it('stratifies by reference volume with stated thresholds', () => {
    expect(stratify([0, 0.5, 5, 100], { smallMaxMl: 1, mediumMaxMl: 70 })).toEqual({ empty: [0], small: [1], medium: [2], large: [3] });
  });
  it('percentileLinear matches numpy linear interpolation', () => {
    // np.percentile([1,2,3,4], 95) = 3.85; np.percentile([0,10], 25) = 2.5
    expect(percentileLinear([4, 1, 3, 2], 95)).toBeCloseTo(3.85, 14);
    expect(percentileLinear([10, 0], 25)).toBe(2.5);
    expect(percentileLinear([7], 95)).toBe(7);
  });
});
