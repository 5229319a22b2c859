import { describe, expect, it } from 'vitest';
import { evaluateCase } from './caseEvaluation';
import { axisAlignedGeometry } from '../volume/geometry';
import { comparisonOptions, datasetRow, labelOptions } from './datasetRows';
import { syntheticCaseInput, syntheticCohort, type SyntheticCaseSpec } from './datasetSynthetic';
import type { CaseSourcesInput, EvaluationOptions } from './types';

/** Element-wise equality without vitest's slow deep diff of million-element arrays. */
function sameValues(a: ArrayLike<number> | null | undefined, b: ArrayLike<number> | null | undefined): boolean {
  if (!a || !b || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

const options: EvaluationOptions = { conventions: ['use', 'isles22', 'metricsreloaded'], uncertainAs: 'background' };

describe('synthetic cohort', () => {
  it('is deterministic and independent of the cohort size', () => {
    const a = syntheticCohort({ cases: 12, seed: 5 });
    const b = syntheticCohort({ cases: 30, seed: 5 });
    expect(b.slice(0, 12)).toEqual(a);
    expect(syntheticCohort({ cases: 12, seed: 6 })).not.toEqual(a);
    const x = syntheticCaseInput(a[0]);
    const y = syntheticCaseInput(a[0]);
    expect(x.model?.probability).toBeInstanceOf(Float32Array);
    expect(sameValues(x.model?.probability as Float32Array, y.model?.probability as Float32Array)).toBe(true);
    expect(sameValues(x.raters[0].labelmap, y.raters[0].labelmap)).toBe(true);
    expect(sameValues(x.raters[0].labelmap, syntheticCaseInput(a[1]).raters[0].labelmap)).toBe(false);
  });

  it('has an empty case every tenth case, with "no lesion" from every rater', () => {
    const specs = syntheticCohort({ cases: 20, seed: 1 });
    for (const i of [3, 13]) {
      expect(specs[i].lesion).toBeNull();
      expect(specs[i].raters.every((r) => r === null)).toBe(true);
      expect(syntheticCaseInput(specs[i]).raters.every((r) => r.labelmap === null)).toBe(true);
    }
  });

  it('draws a ball of about (4/3)πr³ inside the grid', () => {
    // r = 10 mm at 1×1×2 mm: 4188.8 mm³ = 4.19 ml; the voxel count × 2 mm³ is close to it.
    const spec: SyntheticCaseSpec = {
      caseId: 'b',
      name: 'b',
      lesion: null,
      raters: [{ centreMm: [64, 64, 64], radiusMm: 10 }],
      model: null,
    };
    const input = syntheticCaseInput(spec);
    const lm = input.raters[0].labelmap;
    if (!lm) throw new Error('no labelmap');
    let n = 0;
    for (const v of lm) n += v;
    expect((n * 2) / 1000).toBeGreaterThan(4.19 * 0.95);
    expect((n * 2) / 1000).toBeLessThan(4.19 * 1.05);
    // The voxel at the centre (64, 64, 32) is in; one 11 mm away along x is not.
    expect(lm[32 * 128 * 128 + 64 * 128 + 64]).toBe(1);
    expect(lm[32 * 128 * 128 + 64 * 128 + 75]).toBe(0);
  });
});

/** A 24×24×12 grid at 2×2×4 mm: small enough for the full evaluation in a unit test. */
function tinyCase(raters: (readonly [number, number, number] | null)[], radius: number, model: boolean): CaseSourcesInput {
  const spec: SyntheticCaseSpec = {
    caseId: 't',
    name: 't',
    lesion: null,
    raters: raters.map((c) => (c ? { centreMm: c, radiusMm: radius } : null)),
    model: model ? { centreMm: [24, 24, 24], radiusMm: radius, softnessMm: 1, peak: 1 } : null,
  };
  const input = syntheticCaseInput(spec, [24, 24, 12], [2, 2, 4]);
  return model ? input : { ...input, model: null };
}

describe('dataset rows from case evaluations', () => {
  // r = 7 mm: no voxel centre on a 2×2×4 mm grid lies exactly 7 mm from (24, 24, 24) (4a²+4b²+16c² = 49 has no
  // solution), so the model's p > 0.5 ball and the raters' d ≤ r ball are the same voxels.
  const full = evaluateCase(
    tinyCase(
      [
        [24, 24, 24],
        [24, 24, 24],
        [26, 24, 24],
      ],
      7,
      true,
    ),
    options,
  );
  const empty = evaluateCase(tinyCase([null, null, null], 7, false), options);
  const opts = comparisonOptions([full, empty]);

  it('offers model vs majority first, then model vs each rater and each rater vs the others', () => {
    expect(opts[0]).toEqual({ key: 'model-majority', label: 'model vs majority' });
    expect(opts.filter((o) => o.key.startsWith('model-rater:'))).toHaveLength(3);
    expect(opts.filter((o) => o.key.startsWith('rater-loo:'))).toHaveLength(3);
  });

  it('fills the row from the chosen convention and comparison', () => {
    const use = datasetRow('c1', 'Case 1', full, 'use', opts[0]);
    // Two of three raters share the model's ball exactly, so the majority is that ball and Dice is 1.
    expect(use.metrics.dice).toBeCloseTo(1, 6);
    expect(use.metrics.hd95_mm).toBe(0);
    expect(use.referenceVolumeMl).toBeCloseTo(full.volumes.majorityMl ?? NaN, 12);
    expect(use.modelVolumeExpMl).toBeCloseTo(full.volumes.model?.expectedMl ?? NaN, 12);
    expect(use.modelRaterDice).toHaveLength(3);
    expect(use.raterRaterDice).toHaveLength(3);
    expect(use.comparison).toBe('model vs majority');
    // Reliability counts cover every voxel of the 24×24×12 grid once.
    expect(use.reliability?.n.reduce((a, b) => a + b, 0)).toBe(24 * 24 * 12);
    expect(datasetRow('c1', 'Case 1', full, 'use', opts[1]).reliability).toBeNull();
    // ISLES'22 defines no HD95: the key is absent, not NaN.
    const isles = datasetRow('c1', 'Case 1', full, 'isles22', opts[0]);
    expect('hd95_mm' in isles.metrics).toBe(false);
    expect(isles.metrics.dice).toBeCloseTo(1, 6);
    expect(use.modelThreshold).toBe(0.5);
    const loo = opts.find((o) => o.key.startsWith('rater-loo:'));
    if (!loo) throw new Error('no leave-one-out option');
    expect(datasetRow('c1', 'Case 1', full, 'use', loo).modelThreshold).toBeNull();
  });

  it("gives the model's volume and threshold of the mask the metrics describe (a result saved at p > 0.2)", () => {
    const input = tinyCase([[24, 24, 24]], 7, true);
    if (!(input.model?.probability instanceof Float32Array)) throw new Error('no Float32 model map');
    const p = input.model.probability;
    let above = 0;
    for (let i = 0; i < p.length; i++) if (p[i] > 0.2) above++;
    const ev = evaluateCase({ ...input, model: { ...input.model, threshold: 0.2 } }, options);
    const row = datasetRow('c3', 'Case 3', ev, 'use', { key: 'model-majority', label: 'model vs majority' });
    // 2 × 2 × 4 mm voxels: 0.016 ml each.
    expect(row.modelVolumeThrMl).toBeCloseTo(above * 0.016, 12);
    expect(row.modelThreshold).toBe(0.2);
  });

  it('keeps a case without the comparison as a row with no metrics', () => {
    // The empty case has raters who all said "no lesion" and no model at all.
    const row = datasetRow('c2', 'Case 2', empty, 'use', opts[0]);
    expect(row.metrics).toEqual({});
    expect(row.modelVolumeThrMl).toBeNaN();
    expect(row.referenceVolumeMl).toBe(0);
  });
});

describe('dataset rows per label (core 1, penumbra 2)', () => {
  // 10×10×10 at 1 mm (1 voxel = 0.001 ml). A: core [0..2]³ (27 voxels), penumbra [5..6]³ (8).
  // B: core i = 1..2 of the same cube (18), the same penumbra.
  const at = (i: number, j: number, k: number) => i + 10 * j + 100 * k;
  const paint = (m: Uint8Array, lo: number[], hi: number[], v: number) => {
    for (let k = lo[2]; k <= hi[2]; k++) for (let j = lo[1]; j <= hi[1]; j++) for (let i = lo[0]; i <= hi[0]; i++) m[at(i, j, k)] = v;
    return m;
  };
  const a = paint(paint(new Uint8Array(1000), [0, 0, 0], [2, 2, 2], 1), [5, 5, 5], [6, 6, 6], 2);
  const b = paint(paint(new Uint8Array(1000), [1, 0, 0], [2, 2, 2], 1), [5, 5, 5], [6, 6, 6], 2);
  const input: CaseSourcesInput = {
    geometry: axisAlignedGeometry([10, 10, 10], [1, 1, 1]),
    raters: [
      { id: 'A', name: 'A', labelmap: a, key: '1' },
      { id: 'B', name: 'B', labelmap: b, key: '1' },
    ],
    model: null,
  };
  const ev = evaluateCase(input, { ...options, labels: [1, 2] });
  // "A vs the others" is A against B alone.
  const aVsB = comparisonOptions([ev]).find((o) => o.key === 'rater-loo:A');
  if (!aVsB) throw new Error('no leave-one-out option for A');

  it('offers the labels the evaluations hold', () => {
    expect(labelOptions([ev])).toEqual([1, 2]);
    expect(labelOptions([evaluateCase(input, options)])).toEqual([]);
  });

  it("gives one label's metrics and volumes, or the label mean with the labels' summed volumes", () => {
    // Core: 2·18 / (27 + 18) = 0.8; penumbra identical, 1; mean 0.9.
    const core = datasetRow('c', 'C', ev, 'metricsreloaded', aVsB, 1);
    expect(core.label).toBe('1');
    expect(core.metrics.dice).toBeCloseTo(0.8, 12);
    expect(core.referenceVolumeMl).toBeCloseTo(0.018, 12);
    expect(core.modelVolumeThrMl).toBeCloseTo(0.027, 12);
    expect(core.raterRaterDice).toEqual([core.metrics.dice]);
    expect(datasetRow('c', 'C', ev, 'metricsreloaded', aVsB, 2).metrics.dice).toBe(1);
    const mean = datasetRow('c', 'C', ev, 'metricsreloaded', aVsB, 'mean');
    expect(mean.label).toBe('mean');
    expect(mean.metrics.dice).toBeCloseTo(0.9, 12);
    expect(mean.referenceVolumeMl).toBeCloseTo(0.026, 12);
    expect(mean.modelVolumeThrMl).toBeCloseTo(0.035, 12);
  });

  it('ignores the label choice for an evaluation without per-label results', () => {
    const row = datasetRow('c', 'C', evaluateCase(input, options), 'metricsreloaded', aVsB, 1);
    expect(row.label).toBeNull();
  });
});
