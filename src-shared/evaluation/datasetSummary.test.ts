import { describe, expect, it } from 'vitest';
import { eceAll } from '../metrics/calibration';
import { blandAltman, pooledReliability, reliabilityCounts } from './datasetAgreement';
import { detectionSummary, strataSummary, summariseDataset, summariseMetric } from './datasetSummary';
import type { DatasetCaseRow } from './datasetTypes';

function row(caseId: string, ref: number, thr: number, exp: number, dice: number): DatasetCaseRow {
  return {
    caseId,
    caseName: caseId,
    convention: 'use',
    comparison: 'model vs majority',
    label: null,
    referenceVolumeMl: ref,
    modelVolumeThrMl: thr,
    modelVolumeExpMl: exp,
    modelThreshold: 0.5,
    metrics: { dice },
    modelRaterDice: [],
    raterRaterDice: [],
    reliability: null,
  };
}

// Five cases worked by hand (T = 0, i.e. "small" means empty):
//   A ref 2    thr 1.5 → TP, medium     B ref 0   thr 0   → TN, empty
//   C ref 0    thr 0.3 → FP, empty      D ref 0.5 thr 0   → FN, small
//   E ref 80   thr 90  → TP, large
const rows = [
  row('A', 2, 1.5, 1.8, 0.8),
  row('B', 0, 0, 0.1, NaN),
  row('C', 0, 0.3, NaN, NaN),
  row('D', 0.5, 0, 0.2, 0),
  row('E', 80, 90, 85, 0.9),
];

describe('dataset summary', () => {
  it('takes the NaN-ignoring mean and median', () => {
    const s = summariseMetric('dice', [0.8, NaN, NaN, 0, 0.9], 1, 500);
    expect(s.n).toBe(3);
    expect(s.nNan).toBe(2);
    expect(s.mean).toBeCloseTo(1.7 / 3, 12);
    expect(s.median).toBe(0.8);
  });

  it('gives the same bootstrap interval for the same seed, another for another seed, and contains the mean', () => {
    const values = [0.1, 0.5, 0.62, 0.7, 0.71, 0.8, 0.85, 0.9, 0.93, NaN];
    const a = summariseMetric('dice', values, 7, 1000);
    const b = summariseMetric('dice', values, 7, 1000);
    const c = summariseMetric('dice', values, 8, 1000);
    expect(b.meanCi).toEqual(a.meanCi);
    expect(b.medianCi).toEqual(a.medianCi);
    expect(c.meanCi).not.toEqual(a.meanCi);
    expect(a.meanCi[0]).toBeLessThan(a.mean);
    expect(a.meanCi[1]).toBeGreaterThan(a.mean);
    // Resampled means can never leave the range of the data.
    expect(a.meanCi[0]).toBeGreaterThanOrEqual(0.1);
    expect(a.meanCi[1]).toBeLessThanOrEqual(0.93);
    expect(a.medianCi[0]).toBeLessThanOrEqual(a.median);
    expect(a.medianCi[1]).toBeGreaterThanOrEqual(a.median);
  });

  it('collapses the interval to the value when every finite value is the same, and is NaN with none', () => {
    expect(summariseMetric('x', [3, NaN, 3], 1, 200).meanCi).toEqual([3, 3]);
    const none = summariseMetric('x', [NaN, NaN], 1, 200);
    expect(none.mean).toBeNaN();
    expect(none.meanCi[0]).toBeNaN();
    expect(none.n).toBe(0);
  });

  it('builds the image-level detection table and the volume AUC', () => {
    const d = detectionSummary(rows, 0);
    expect([d.tp, d.tn, d.fp, d.fn]).toEqual([2, 1, 1, 1]);
    expect(d.classes).toEqual(['TP', 'TN', 'FP', 'FN', 'TP']);
    expect(d.sensitivity).toBeCloseTo(2 / 3, 12);
    expect(d.specificity).toBe(0.5);
    expect(d.precision).toBeCloseTo(2 / 3, 12);
    // Positives A, D, E against negatives B, C, scored by thresholded volume:
    // A>B, A>C, D=B (½), D<C, E>B, E>C → 4.5 of 6 pairs.
    expect(d.auc).toBeCloseTo(0.75, 12);
  });

  it('applies the USE small rule at a threshold: a volume equal to T is small', () => {
    const d = detectionSummary([row('x', 0.5, 0.5, NaN, NaN), row('y', 0.6, 0.4, NaN, NaN)], 0.5);
    expect(d.classes).toEqual(['TN', 'FN']);
    // Labels V_ref > T: x negative, y positive; y scores 0.4 below x's 0.5.
    expect(d.auc).toBe(0);
    expect(detectionSummary([row('x', 0.5, 0.5, NaN, NaN)], 0.5).auc).toBeNaN(); // one class only
    expect(() => detectionSummary(rows, -1)).toThrow(/threshold/);
  });

  it('stratifies by reference volume with the boundaries on the lower side', () => {
    const s = strataSummary(
      [
        row('e', 0, 0, 0, 1),
        row('s1', 1, 0, 0, 0.2),
        row('m', 1.0001, 0, 0, 0.4),
        row('m70', 70, 0, 0, 0.6),
        row('l', 70.01, 0, 0, 0.8),
        row('none', NaN, 0, 0, 0.1),
      ],
      ['dice'],
      { smallMaxMl: 1, mediumMaxMl: 70 },
    );
    expect(s.map((x) => [x.stratum, x.count])).toEqual([
      ['empty', 1],
      ['small', 1],
      ['medium', 2],
      ['large', 1],
    ]);
    expect(s[2].means.dice).toBeCloseTo(0.5, 12);
  });

  it('summarises the worked example end to end', () => {
    const s = summariseDataset(rows, { seed: 3, reps: 300 });
    expect(s.nCases).toBe(5);
    expect(s.strata.rows.map((x) => x.count)).toEqual([2, 1, 1, 1]);
    // Thresholded volume: diffs −0.5, 0, 0.3, −0.5, 10 → bias 1.86; squares of deviations sum to 83.292.
    expect(s.volume.thresholded.n).toBe(5);
    expect(s.volume.thresholded.bias).toBeCloseTo(1.86, 12);
    expect(s.volume.thresholded.sd).toBeCloseTo(Math.sqrt(83.292 / 4), 12);
    expect(s.volume.thresholded.loaHigh).toBeCloseTo(1.86 + 1.96 * Math.sqrt(83.292 / 4), 12);
    expect(s.volume.thresholded.points[4]).toEqual({ caseId: 'E', mean: 85, diff: 10 });
    // Expected volume: C has none → 4 pairs, diffs −0.2, 0.1, −0.3, 5 → bias 1.15.
    expect(s.volume.expected.n).toBe(4);
    expect(s.volume.expected.bias).toBeCloseTo(1.15, 12);
    expect(s.reliability).toBeNull();
    expect(s.bootstrap).toEqual({ method: 'percentile-bootstrap', level: 0.95, reps: 300, seed: 3 });
  });

  it('refuses mixed conventions, no cases and mismatched lengths', () => {
    expect(() => summariseDataset([])).toThrow(/no cases/);
    expect(() => summariseDataset([rows[0], { ...rows[1], convention: 'isles22' }])).toThrow(/isles22/);
    expect(() => blandAltman(['a'], [1, 2], [1, 2])).toThrow(/length/);
    expect(() => reliabilityCounts([0.1, 0.2], new Uint8Array(3))).toThrow(/differ in length/);
  });
});

describe('reliability diagram', () => {
  // p 0.05, 0.05 (bin 0; one is lesion) and 0.95, 0.95, 1.0 (bin 9; all lesion):
  // bin 0 conf 0.05 freq 0.5, bin 9 conf 2.9/3 freq 1 → ECE = 2/5·0.45 + 3/5·(0.1/3) = 0.2.
  const prob = new Float32Array([0.05, 0.05, 0.95, 0.95, 1.0]);
  const ref = new Uint8Array([0, 1, 1, 1, 1]);

  it('counts bins and pools to the hand-worked ECE', () => {
    const c = reliabilityCounts(prob, ref);
    expect(c.n).toEqual([2, 0, 0, 0, 0, 0, 0, 0, 0, 3]);
    expect(c.sumY).toEqual([1, 0, 0, 0, 0, 0, 0, 0, 0, 3]);
    const r = pooledReliability([c]);
    expect(r?.ece).toBeCloseTo(0.2, 6);
    expect(r?.bins[0].frequency).toBe(0.5);
    expect(r?.bins[5].confidence).toBeNaN();
    // Same bins as the engine's positive-class ECE.
    expect(r?.ece).toBeCloseTo(eceAll(prob, ref)['positive-class'], 12);
  });

  it('pools two cases as their concatenation', () => {
    const a = reliabilityCounts(prob.subarray(0, 2), ref.subarray(0, 2));
    const b = reliabilityCounts(prob.subarray(2), ref.subarray(2));
    expect(pooledReliability([a, null, b])?.ece).toBeCloseTo(0.2, 6);
    expect(pooledReliability([a, null, b])?.cases).toBe(2);
    expect(pooledReliability([null])).toBeNull();
  });
});
