import { describe, expect, it } from 'vitest';
import type { Dims3, Spacing3 } from '../grid';
import { emptyMask, fillBox } from '../shapes';
import { evaluateAll, evaluateCase } from './index';

const dims: Dims3 = [10, 10, 10];
const s: Spacing3 = [1, 1, 1]; // 1 voxel = 0.001 ml
const cube = () => fillBox(emptyMask(dims), dims, [2, 2, 2], [4, 4, 4]); // 27 voxels
const E = () => emptyMask(dims);

describe('every empty combination under every convention', () => {
  it('both empty', () => {
    const r = evaluateAll({ ref: E(), pred: E(), dims, spacing: s });
    expect(r.use).toMatchObject({
      dice: NaN,
      jaccard: NaN,
      precision: NaN,
      recall: NaN,
      volumetric_similarity: 1,
      hd95_mm: NaN,
      assd_mm: NaN,
      abs_volume_diff_ml: NaN,
      image_class: null,
      ccr: null,
      lesions: null,
    });
    expect(r.use.surface_dice).toEqual({ '2': NaN, '5': NaN, '10': NaN });
    expect(r.isles22).toMatchObject({ dice: 1, abs_volume_diff_ml: 0, jaccard: null, hd95_mm: null });
    expect(r.isles22.lesions).toMatchObject({ f1: 1, abs_count_diff: 0, n_ref: 0, n_pred: 0 });
    expect(r.metricsreloaded).toMatchObject({
      dice: 1,
      jaccard: NaN,
      precision: NaN,
      recall: NaN,
      hd_mm: 0,
      hd95_mm: 0,
      assd_mm: 0,
      masd_mm: 0,
    });
    expect(r.metricsreloaded.surface_dice).toEqual({ '1': 1 });
    expect(r.metricsreloaded.lesions?.f1).toBe(1);
  });

  it('reference empty, prediction not', () => {
    const r = evaluateAll({ ref: E(), pred: cube(), dims, spacing: s });
    expect(r.use).toMatchObject({ dice: NaN, volumetric_similarity: NaN, hd95_mm: NaN });
    expect(r.use.abs_volume_diff_ml).toBeCloseTo(0.027, 15);
    expect(r.isles22).toMatchObject({ dice: 0 });
    expect(r.isles22.lesions).toMatchObject({ f1: 0, fp: 1, abs_count_diff: 1 });
    expect(r.metricsreloaded).toMatchObject({
      dice: 0,
      jaccard: 0,
      precision: 0,
      recall: NaN,
      hd_mm: NaN,
      hd95_mm: NaN,
      assd_mm: NaN,
      masd_mm: NaN,
    });
    expect(r.metricsreloaded.surface_dice).toEqual({ '1': 0 });
    expect(r.metricsreloaded.lesions?.f1).toBe(0);
  });

  it('prediction empty, reference not', () => {
    const r = evaluateAll({ ref: cube(), pred: E(), dims, spacing: s });
    // USE: a lesion missed entirely gets Dice NaN, not 0; VS is defined (ref not small)
    expect(r.use).toMatchObject({ dice: NaN, recall: NaN, hd95_mm: NaN });
    expect(r.use.volumetric_similarity).toBeCloseTo(1 - 27 / (27 + 1e-8), 15);
    expect(r.isles22).toMatchObject({ dice: 0 });
    expect(r.isles22.lesions).toMatchObject({ f1: 0, fn: 1 });
    expect(r.metricsreloaded).toMatchObject({ dice: 0, jaccard: 0, precision: 0, recall: 0, hd_mm: NaN });
    expect(r.metricsreloaded.surface_dice).toEqual({ '1': 0 });
  });

  it('neither empty: identical cubes', () => {
    const r = evaluateAll({ ref: cube(), pred: cube(), dims, spacing: s });
    expect(r.use.dice).toBeCloseTo(54 / (54 + 1e-8), 15);
    expect(r.use).toMatchObject({ hd_mm: 0, hd95_mm: 0, assd_mm: 0, masd_mm: null });
    expect(r.use.surface_dice).toEqual({ '2': 1, '5': 1, '10': 1 });
    expect(r.isles22.dice).toBe(1);
    expect(r.metricsreloaded).toMatchObject({ dice: 1, jaccard: 1, hd_mm: 0, masd_mm: 0 });
  });
});

describe('USE threshold T', () => {
  it('volume == T counts as small; the image class and CCR follow the table', () => {
    // 27 voxels of 1 mm³ = 0.027 ml
    const tn = evaluateCase({ ref: cube(), pred: cube(), dims, spacing: s, thresholdMl: 0.027 }, 'use');
    expect(tn).toMatchObject({ image_class: 'TN', ccr: 1, dice: NaN });
    const tp = evaluateCase({ ref: cube(), pred: cube(), dims, spacing: s, thresholdMl: 0.026 }, 'use');
    expect(tp).toMatchObject({ image_class: 'TP', ccr: 1 });
    const fp = evaluateCase({ ref: E(), pred: cube(), dims, spacing: s, thresholdMl: 0.01 }, 'use');
    expect(fp).toMatchObject({ image_class: 'FP', ccr: 0 });
    const fn = evaluateCase({ ref: cube(), pred: E(), dims, spacing: s, thresholdMl: 0.01 }, 'use');
    expect(fn).toMatchObject({ image_class: 'FN', ccr: 0 });
    const none = evaluateCase({ ref: cube(), pred: E(), dims, spacing: s }, 'use');
    expect(none).toMatchObject({ image_class: null, ccr: null });
  });
});

describe('shifted cubes under each convention (hand-derived)', () => {
  it('3×3×3 cube vs the same shifted by one voxel along i at spacing (2,1,1)', () => {
    const d: Dims3 = [8, 7, 7];
    const a = fillBox(emptyMask(d), d, [2, 2, 2], [4, 4, 4]);
    const b = fillBox(emptyMask(d), d, [3, 2, 2], [5, 4, 4]);
    const r = evaluateAll({ ref: a, pred: b, dims: d, spacing: [2, 1, 1], tolerancesMm: [1, 2] });
    // TP 18, FP 9, FN 9
    expect(r.isles22.dice).toBeCloseTo(36 / 54, 15);
    expect(r.metricsreloaded.jaccard).toBeCloseTo(18 / 36, 15);
    expect(r.use.dice).toBeCloseTo(36 / (54 + 1e-8), 15);
    expect(r.use.hd95_mm).toBe(2);
    expect(r.use.assd_mm).toBeCloseTo(19 / 26, 14);
    expect(r.metricsreloaded.hd95_mm).toBe(2);
    expect(r.metricsreloaded.surface_dice?.['1']).toBeCloseTo(34 / 52, 14);
    expect(r.metricsreloaded.surface_dice?.['2']).toBe(1);
    // IoU of the two lesions is 18/36 = 0.5 exactly: not a MetricsReloaded match, an ISLES hit
    expect(r.metricsreloaded.lesions).toMatchObject({ tp: 0, fp: 1, fn: 1 });
    expect(r.isles22.lesions).toMatchObject({ tp: 1, fp: 0, fn: 0 });
    expect(r.use.volume_ref_ml).toBeCloseTo(27 * 2 * 0.001, 15);
  });
});
