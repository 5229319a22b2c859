/**
 * The dashboard's names for its metric columns: the per-case panel's label and unit ("HD95 (mm)",
 * "NSD @ 1 mm") with the conventions document's definition as the tooltip, both from the panel's
 * catalogue (src-shared/evaluation/metricCatalog.ts), so one metric reads the same in both views.
 * The dashboard's keys are the CLI's dotted paths ('surface_dice.2', 'lesions.f1'); the export files
 * keep those keys, only the screen shows the names.
 */
import { metricRows } from '../../../../src-shared/evaluation/metricCatalog';
import type { ConventionName } from '../../../../src-shared/evaluation/types';

interface MetricColumn {
  readonly label: string;
  readonly title: string;
}

/** The record fields the panel does not list as metrics, named the same way. */
const OTHER: Readonly<Record<string, MetricColumn>> = {
  volume_ref_ml: { label: 'V_R (ml)', title: 'Volume of the reference mask in ml' },
  volume_pred_ml: { label: 'V_P (ml)', title: 'Volume of the prediction mask in ml' },
  ccr: {
    label: 'CCR',
    title: 'USE-Evaluator correct classification rate of the image-level class: 1 for TP/TN, 0 for FP/FN (only with T)',
  },
  'lesions.n_ref': { label: 'Lesions in R', title: 'Reference lesions (26-connected components)' },
  'lesions.n_pred': { label: 'Lesions in P', title: 'Predicted lesions (26-connected components)' },
  'lesions.tp': { label: 'Lesion TP', title: "Reference lesions detected, under the convention's matching" },
  'lesions.fp': { label: 'Lesion FP', title: "Predicted lesions matching no reference lesion, under the convention's matching" },
  'lesions.fn': { label: 'Lesion FN', title: "Reference lesions missed, under the convention's matching" },
  'lesions.abs_count_diff': { label: '|N_R − N_P| (lesions)', title: 'Absolute lesion count difference (26-connected)' },
};

/** The catalogue's id for a dashboard key: 'surface_dice.2' → 'surface_dice:2', 'lesions.f1' → 'lesion_f1'. */
function catalogueId(key: string): string {
  if (key === 'lesions.f1') return 'lesion_f1';
  if (key === 'lesions.abs_count_diff') return 'abs_count_diff';
  return key.replace(/^surface_dice\./, 'surface_dice:');
}

/** Names every key of one convention; a key nobody named keeps its own spelling, so nothing is hidden. */
export function metricColumns(convention: ConventionName): (key: string) => MetricColumn {
  const rows = new Map(metricRows(convention).map((m) => [m.id, m]));
  return (key) => {
    const id = catalogueId(key);
    const m = rows.get(id);
    if (m) return { label: `${m.label}${m.unit ? ` (${m.unit})` : ''}`, title: m.definition };
    const tolerance = /^surface_dice:(.+)$/.exec(id)?.[1];
    if (tolerance !== undefined) {
      const name = convention === 'metricsreloaded' ? 'NSD' : 'Surface Dice';
      return { label: `${name} @ ${tolerance} mm`, title: `${name} at τ = ${tolerance} mm (${convention})` };
    }
    return OTHER[key] ?? { label: key, title: `${convention}: ${key}` };
  };
}
