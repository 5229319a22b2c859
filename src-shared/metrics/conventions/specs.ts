/**
 * The named conventions as parameters over the metric registry: which of the registry's metrics the
 * panel shows and in what order, the default surface tolerances, the empty rule for the surface
 * metrics, and the Dice used between raters. Which metrics a convention reports is the registry's
 * `conventions` field; the result object is built from both by conventions/index.ts.
 */
import { type SmallFlags, smallFlags } from '../emptyCase';
import { type Confusion, islesDice, mrDice, useDice } from '../overlap';
import type { MetricId } from '../registry';
import type { NoSurface } from './conventionCase';
import type { CaseContext } from './context';
import type { ConventionName } from './types';

/** A registry metric as the panel lists it: its id, or one count of the lesion record. */
export type PanelMetric = Exclude<MetricId, 'lesions'> | 'lesions.f1' | 'lesions.abs_count_diff';

export interface ConventionSpec {
  readonly name: ConventionName;
  /** The reference implementation's name, shown beside every value. */
  readonly label: string;
  /** What the per-case panel shows, in order; surface_dice expands to one row per tolerance. */
  readonly panel: readonly PanelMetric[];
  readonly defaultTolerancesMm: readonly number[];
  /** The surface metrics' values when the empty rule decides them, null to measure. `small` is USE's rule under T. */
  readonly noSurface: (ctx: CaseContext, small: SmallFlags) => NoSurface | null;
  /** The convention's own Dice, for the raters block's pairwise and leave-one-out matrices. */
  readonly raterDice: (c: Confusion, voxelMm3: number, thresholdMl: number | undefined) => number;
}

export const CONVENTION_SPECS: Readonly<Record<ConventionName, ConventionSpec>> = {
  use: {
    name: 'use',
    label: 'USE-Evaluator',
    panel: [
      'dice',
      'jaccard',
      'precision',
      'recall',
      'volumetric_similarity',
      'hd95_mm',
      'hd_mm',
      'assd_mm',
      'surface_dice',
      'abs_volume_diff_ml',
      'image_class',
    ],
    defaultTolerancesMm: [2, 5, 10],
    // NaN when either mask is small.
    noSurface: (_ctx, small) => (small.refSmall || small.predSmall ? { distanceMm: NaN, surfaceDice: NaN } : null),
    raterDice: (c, vv, T) => {
      const f = smallFlags(c, vv, T);
      return useDice(c, f.refSmall, f.predSmall);
    },
  },
  isles22: {
    name: 'isles22',
    label: "ISLES'22",
    panel: ['dice', 'abs_volume_diff_ml', 'lesions.f1', 'lesions.abs_count_diff'],
    defaultTolerancesMm: [],
    noSurface: () => null,
    raterDice: (c) => islesDice(c),
  },
  metricsreloaded: {
    name: 'metricsreloaded',
    label: 'MetricsReloaded',
    panel: ['dice', 'jaccard', 'precision', 'recall', 'hd95_mm', 'hd_mm', 'assd_mm', 'masd_mm', 'surface_dice', 'lesions.f1'],
    defaultTolerancesMm: [1],
    // Both empty: distances 0, NSD 1. One empty: distances NaN, NSD 0.
    noSurface: ({ confusion: c }) => {
      const refEmpty = c.nRef === 0,
        predEmpty = c.nPred === 0;
      if (refEmpty && predEmpty) return { distanceMm: 0, surfaceDice: 1 };
      return refEmpty || predEmpty ? { distanceMm: NaN, surfaceDice: 0 } : null;
    },
    raterDice: (c) => mrDice(c),
  },
};
