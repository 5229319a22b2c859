/** How the panel writes values and reasons: NaN stays NaN, empty-case text as the issue words it, settings parsing. */
import { describe, expect, it } from 'vitest';
import { emptyCaseText, formatMl, formatValue, metricColumns, metricRows, parseThresholdMl, parseTolerancesMm } from './metricCatalog';
import type { EmptyCaseInfo } from './types';

const base: EmptyCaseInfo = {
  refVoxels: 0,
  predVoxels: 9,
  refMl: 0,
  predMl: 0.03,
  refEmpty: true,
  predEmpty: false,
  thresholdMl: 0.05,
  refSmall: true,
  predSmall: true,
  imageClass: 'TN',
};

describe('metric catalog', () => {
  it('writes the empty-case reason with the class at T, as in the issue', () => {
    expect(emptyCaseText(base)).toBe('reference empty; prediction 0.03 ml → TN at 0.05 ml');
    expect(emptyCaseText({ ...base, thresholdMl: null, imageClass: null })).toBe('reference empty; prediction 0.03 ml');
    expect(
      emptyCaseText({ ...base, refEmpty: false, refVoxels: 10, refMl: 0.04, predEmpty: true, predVoxels: 0, predMl: 0, imageClass: 'TN' }),
    ).toBe('prediction empty; reference 0.04 ml → TN at 0.05 ml');
    // Neither empty, both above T: nothing to explain.
    expect(emptyCaseText({ ...base, refEmpty: false, refMl: 1, predMl: 2, refSmall: false, predSmall: false, imageClass: 'TP' })).toBe('');
    // Neither empty but the reference small under T: FP.
    expect(emptyCaseText({ ...base, refEmpty: false, refMl: 0.02, predMl: 0.3, refSmall: true, predSmall: false, imageClass: 'FP' })).toBe(
      'reference 0.02 ml (small); prediction 0.3 ml → FP at 0.05 ml',
    );
  });

  it('never turns NaN into a number', () => {
    expect(formatValue(NaN, '')).toBe('NaN');
    expect(formatValue(NaN, 'mm')).toBe('NaN');
    expect(formatValue(null, '')).toBe('n/a');
    expect(formatValue(0.5, '')).toBe('0.500');
    expect(formatValue(2.345, 'mm')).toBe('2.35');
    expect(formatValue('TN', '')).toBe('TN');
    expect(formatMl(0.0226)).toBe('0.023');
    expect(formatMl(0)).toBe('0');
    expect(formatMl(5.684)).toBe('5.68');
  });

  it('names the tolerances present and cites each convention', () => {
    const use = metricRows('use');
    expect(use.filter((r) => r.id.startsWith('surface_dice')).map((r) => r.label)).toEqual([
      'Surface Dice @ 2 mm',
      'Surface Dice @ 5 mm',
      'Surface Dice @ 10 mm',
    ]);
    expect(use.find((r) => r.id === 'hd95_mm')?.definition).toMatch(/pooled/);
    expect(metricRows('metricsreloaded').find((r) => r.id === 'hd95_mm')?.definition).toMatch(/not pooled/);
    expect(metricRows('isles22').find((r) => r.id === 'dice')?.definition).toMatch(/Both empty: 1/);
  });

  it('parses the settings fields and refuses bad entries with the reason', () => {
    expect(parseThresholdMl(' ')).toEqual({ ok: true, value: null });
    expect(parseThresholdMl('0.05')).toEqual({ ok: true, value: 0.05 });
    expect(parseThresholdMl('-1')).toMatchObject({ ok: false, error: expect.stringMatching(/"-1" is not a volume in ml/) });
    expect(parseTolerancesMm('2, 5 10')).toEqual({ ok: true, value: [2, 5, 10] });
    expect(parseTolerancesMm('')).toEqual({ ok: true, value: [] });
    expect(parseTolerancesMm('2, 0')).toMatchObject({ ok: false, error: expect.stringMatching(/"0" is not a tolerance/) });
  });
});

describe("the dashboard's column names", () => {
  it('read as the per-case panel names them, with the unit', () => {
    const use = metricColumns('use');
    expect(use('hd95_mm').label).toBe('HD95 (mm)');
    expect(use('hd95_mm').title).toMatch(/95th percentile/);
    expect(use('dice').label).toBe('Dice');
    expect(use('surface_dice.5').label).toBe('Surface Dice @ 5 mm');
    expect(use('abs_volume_diff_ml').label).toBe('|V_R − V_P| (ml)');
    const mr = metricColumns('metricsreloaded');
    expect(mr('dice').label).toBe('DSC');
    expect(mr('surface_dice.1').label).toBe('NSD @ 1 mm');
    // A tolerance the user typed, not in the default catalogue.
    expect(mr('surface_dice.3').label).toBe('NSD @ 3 mm');
    expect(metricColumns('isles22')('lesions.f1').label).toBe('Lesion F1');
    expect(metricColumns('isles22')('lesions.abs_count_diff').label).toBe('|N_R − N_P| (lesions)');
  });

  it('name the record fields the panel does not list, and never show a JSON key where a name exists', () => {
    const use = metricColumns('use');
    expect(use('volume_ref_ml').label).toBe('V_R (ml)');
    expect(use('lesions.tp').label).toBe('Lesion TP');
    // Every key the engine writes for a case gets a name of its own.
    for (const key of ['dice', 'jaccard', 'precision', 'recall', 'volumetric_similarity', 'hd_mm', 'hd95_mm', 'assd_mm', 'ccr']) {
      expect(use(key).label).not.toBe(key);
    }
  });
});
