/**
 * Per-label evaluation: the single-label pipeline on each binarised label, MetricsReloaded's label
 * mean, a case counted on paper, and MetricsReloaded's multi-class results computed independently
 * in Python (testdata/multiclass_reference.py).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Dims3, Spacing3 } from '../grid';
import { mulberry32 } from '../../random/mulberry32';
import { emptyMask, fillBall, fillBox } from '../shapes';
import { evaluateAll } from './index';
import { evaluateLabels, type LabelMean } from './labels';
import type { ConventionName, ConventionResult } from './types';

/** Writes `label` wherever `mask` is set. */
function paint(map: Uint8Array, mask: Uint8Array, label: number): void {
  for (let v = 0; v < map.length; v++) if (mask[v]) map[v] = label;
}

const dims: Dims3 = [14, 12, 9];
const spacing: Spacing3 = [0.7, 1.3, 2.2];

/**
 * Two label maps: label 1 balls shifted and speckled, label 2 boxes offset, label 3 only in the
 * prediction, label 4 only in the reference, label 5 in neither, and a value 9 nobody asks for.
 */
function volumes(): { ref: Uint8Array; pred: Uint8Array } {
  const ref = new Uint8Array(dims[0] * dims[1] * dims[2]);
  const pred = new Uint8Array(ref.length);
  paint(ref, fillBall(emptyMask(dims), dims, spacing, [5, 5, 4], 3.6), 1);
  paint(ref, fillBox(emptyMask(dims), dims, [8, 2, 1], [12, 8, 5]), 2);
  paint(ref, fillBall(emptyMask(dims), dims, spacing, [3, 9, 7], 2.5), 4);
  paint(pred, fillBall(emptyMask(dims), dims, spacing, [6, 5, 4], 3.2), 1);
  paint(pred, fillBox(emptyMask(dims), dims, [9, 3, 2], [13, 8, 6]), 2);
  paint(pred, fillBox(emptyMask(dims), dims, [1, 1, 6], [2, 2, 8]), 3);
  const random = mulberry32(14);
  for (let v = 0; v < pred.length; v++) {
    const r = random();
    if (r < 0.02) pred[v] = 1;
    else if (r < 0.03) pred[v] = 2;
    else if (r < 0.035) pred[v] = 9;
  }
  return { ref, pred };
}

const binarised = (map: Uint8Array, label: number) => Uint8Array.from(map, (x) => (x === label ? 1 : 0));

describe('evaluateLabels', () => {
  it('gives each label exactly what the single-label pipeline gives on that label binarised, in every convention', () => {
    const { ref, pred } = volumes();
    const labels = [1, 2, 3, 4, 5];
    const result = evaluateLabels({ ref, pred, dims, spacing, thresholdMl: 0.01 }, labels, 'all');
    expect(Object.keys(result.labels)).toEqual(labels.map(String));
    for (const L of labels) {
      const alone = evaluateAll({ ref: binarised(ref, L), pred: binarised(pred, L), dims, spacing, thresholdMl: 0.01 });
      expect(result.labels[String(L)]).toEqual(alone);
    }
    // The mean keeps the metrics and leaves out what is not a mean (with T, the image class is a string).
    const useMean = (result.label_mean as Record<ConventionName, LabelMean>).use;
    expect(Object.keys(useMean)).toEqual(expect.arrayContaining(['dice', 'hd95_mm', 'surface_dice', 'ccr']));
    for (const descriptive of ['convention', 'shape', 'spacing_mm', 'image_class']) expect(useMean).not.toHaveProperty(descriptive);
  });

  it('a label absent from both masks gets the convention’s both-empty result, NaN included', () => {
    const { ref, pred } = volumes();
    const r = evaluateLabels({ ref, pred, dims, spacing }, [5], 'all').labels['5'] as Record<ConventionName, ConventionResult>;
    expect(r.use.dice).toBeNaN();
    expect(r.metricsreloaded.dice).toBe(1);
    expect(r.metricsreloaded.jaccard).toBeNaN();
    expect(r.isles22.dice).toBe(1);
  });

  it('refuses labels that are not integers in 1…65535, or repeat', () => {
    const { ref, pred } = volumes();
    for (const bad of [[0], [1.5], [65536], [1, 1], []]) {
      expect(() => evaluateLabels({ ref, pred, dims, spacing }, bad, 'use')).toThrow(RangeError);
    }
  });
});

describe('a two-label case counted on paper (MetricsReloaded)', () => {
  // Six voxels in a row, 2 mm apart along i (1 and 3 mm across): every voxel is on the border.
  // reference  1 1 2 2 0 0     prediction  1 2 2 2 0 9   (9 is not asked for: background)
  const row: Dims3 = [6, 1, 1];
  const rowSpacing: Spacing3 = [2, 1, 3];
  const ref = Uint8Array.from([1, 1, 2, 2, 0, 0]);
  const pred = Uint8Array.from([1, 2, 2, 2, 0, 9]);
  const result = evaluateLabels({ ref, pred, dims: row, spacing: rowSpacing }, [1, 2, 3], 'metricsreloaded');
  const label = (L: number) => result.labels[String(L)] as ConventionResult;
  const mean = result.label_mean as LabelMean;

  it('per label: Dice, IoU, HD95 (max of directed p95) and NSD at 1 mm', () => {
    // Label 1: R = {0, 1}, P = {0}: TP 1. d(P→R) = [0]; d(R→P) = [0, 2 mm], p95 = 0 + 0.95·2 = 1.9.
    expect(label(1).dice).toBe(2 / 3);
    expect(label(1).jaccard).toBe(1 / 2);
    expect(label(1).hd95_mm).toBeCloseTo(1.9, 12);
    // NSD: P's one voxel within 1 mm, R's voxel 0 within and voxel 1 (2 mm) not: (1 + 1) / (1 + 2).
    expect(label(1).surface_dice?.['1']).toBe(2 / 3);
    // Label 2: R = {2, 3}, P = {1, 2, 3}: TP 2. d(P→R) = [2, 0, 0] mm, p95 of [0, 0, 2] = 0.9·2 = 1.8;
    // d(R→P) = [0, 0]. NSD: (2 + 2) / (3 + 2).
    expect(label(2).dice).toBe(4 / 5);
    expect(label(2).jaccard).toBe(2 / 3);
    expect(label(2).hd95_mm).toBeCloseTo(1.8, 12);
    expect(label(2).surface_dice?.['1']).toBe(4 / 5);
    // Label 3 is in neither mask: MetricsReloaded's both-empty rules.
    expect(label(3)).toMatchObject({ dice: 1, hd95_mm: 0, surface_dice: { '1': 1 }, volume_ref_ml: 0 });
    expect(label(3).jaccard).toBeNaN();
  });

  it('the label mean averages over labels and leaves NaN out (IoU of label 3)', () => {
    expect(mean.dice).toBeCloseTo((2 / 3 + 4 / 5 + 1) / 3, 15);
    expect(mean.hd95_mm).toBeCloseTo((1.9 + 1.8 + 0) / 3, 12);
    expect(mean.jaccard).toBeCloseTo((1 / 2 + 2 / 3) / 2, 15);
    expect((mean.surface_dice as LabelMean)['1']).toBeCloseTo((2 / 3 + 4 / 5 + 1) / 3, 15);
    // Voxel volume 2·1·3 mm³: label 1 has 2, 1 voxels; label 2 has 2, 3; label 3 none.
    expect(mean.volume_ref_ml).toBeCloseTo(((2 + 2 + 0) * 6 * 0.001) / 3, 15);
    expect(mean.volume_pred_ml).toBeCloseTo(((1 + 3 + 0) * 6 * 0.001) / 3, 15);
  });

  it('the mean is NaN where every label is NaN', () => {
    const onlyEmpty = evaluateLabels({ ref, pred, dims: row, spacing: rowSpacing }, [3, 4], 'metricsreloaded').label_mean as LabelMean;
    expect(onlyEmpty.jaccard).toBeNaN();
    expect(onlyEmpty.dice).toBe(1);
  });
});

describe("against MetricsReloaded's multi-class results computed independently (numpy/scipy)", () => {
  it('per-label Dice, HD95 and NSD and their label means agree to 1e-9', () => {
    const { ref, pred } = volumes();
    const labels = [1, 2, 3, 4, 5];
    const tolerances = [1, 2.5];
    const dir = mkdtempSync(join(tmpdir(), 'quorum-multiclass-'));
    try {
      writeFileSync(join(dir, 'ref.u8'), ref);
      writeFileSync(join(dir, 'pred.u8'), pred);
      writeFileSync(join(dir, 'meta.json'), JSON.stringify({ dims, spacing, labels, tolerances }));
      const script = join(__dirname, '..', 'testdata', 'multiclass_reference.py');
      type Row = { dsc: number | 'NaN'; hd_perc: number | 'NaN'; nsd: (number | 'NaN')[] };
      // Debian's interpreter with python3-numpy and python3-scipy (environment.md: the `python3` on PATH is another build).
      const py = JSON.parse(execFileSync('/usr/bin/python3', [script, dir], { encoding: 'utf8' })) as {
        labels: Record<string, Row>;
        mean: Row;
      };
      const num = (v: number | 'NaN') => (v === 'NaN' ? NaN : v);
      const same = (quorum: number | null | LabelMean | undefined, reference: number | 'NaN') => {
        const want = num(reference);
        if (Number.isNaN(want)) expect(quorum).toBeNaN();
        else expect(Math.abs((quorum as number) - want)).toBeLessThan(1e-9);
      };
      const result = evaluateLabels({ ref, pred, dims, spacing, tolerancesMm: tolerances }, labels, 'metricsreloaded');
      for (const L of labels) {
        const q = result.labels[String(L)] as ConventionResult;
        const p = py.labels[String(L)];
        same(q.dice, p.dsc);
        same(q.hd95_mm, p.hd_perc);
        tolerances.forEach((t, k) => same(q.surface_dice?.[String(t)], p.nsd[k]));
      }
      const mean = result.label_mean as LabelMean;
      same(mean.dice, py.mean.dsc);
      same(mean.hd95_mm, py.mean.hd_perc);
      tolerances.forEach((t, k) => same((mean.surface_dice as LabelMean)[String(t)], py.mean.nsd[k]));
      // The volumes cover the cases the rules single out: label 3 absent from the reference, 4 from
      // the prediction (HD95 NaN, left out of the mean), 5 from both.
      expect(py.labels['3'].hd_perc).toBe('NaN');
      expect(py.labels['4'].hd_perc).toBe('NaN');
      expect(py.labels['5']).toEqual({ dsc: 1, hd_perc: 0, nsd: [1, 1] });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
