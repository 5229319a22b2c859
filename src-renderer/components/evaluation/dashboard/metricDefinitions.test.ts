import { describe, expect, it } from 'vitest';
import { metricColumns } from './metricDefinitions';

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
