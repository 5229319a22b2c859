/**
 * What the per-case panel shows for each convention: the metric rows, their units, and the exact
 * definition from docs/metric-conventions.md (shared docs) for the tooltip; how a value is written
 * (NaN stays NaN, with the empty-case reason — never 0 or 1); and the convention names.
 *
 * Pure data and string functions, so the dashboard and exports can name metrics the same way.
 */
import type { ConventionName, ConventionResult } from '../metrics/conventions/types';
import type { EmptyCaseInfo } from './types';

export const CONVENTION_LABELS: Readonly<Record<ConventionName, string>> = {
  use: 'USE-Evaluator',
  isles22: "ISLES'22",
  metricsreloaded: 'MetricsReloaded',
};

export interface MetricRow {
  /** Stable id, e.g. 'dice', 'surface_dice:2', 'lesion_f1'. */
  readonly id: string;
  readonly label: string;
  /** '' for ratios; 'mm', 'ml', 'lesions'. */
  readonly unit: string;
  readonly definition: string;
  readonly read: (r: ConventionResult) => number | string | null;
}

const USE_SMALL =
  'NaN when either mask is small: with T, a mask is small when !(volume > T) (volume = T is small); without T, small means empty.';
const USE_BORDER =
  'Border voxels: foreground with at least one background face neighbour (the array edge counts as background); distances between voxel centres, in mm.';
const MR_EMPTY_DIST = '0 when both masks are empty, NaN when one is.';
const MR_BORDER = 'Border = mask minus its erosion by the 6-neighbourhood cross; distances use the spacing.';

function tolerancesOf(r: ConventionResult): string[] {
  return Object.keys(r.surface_dice ?? {}).sort((a, b) => Number(a) - Number(b));
}

/** The rows of one convention; surface Dice / NSD rows follow the tolerances present in `sample`. */
export function metricRows(convention: ConventionName, sample?: ConventionResult): MetricRow[] {
  const tol = sample ? tolerancesOf(sample) : convention === 'metricsreloaded' ? ['1'] : ['2', '5', '10'];
  const num = (k: keyof ConventionResult) => (r: ConventionResult) => r[k] as number | null;
  switch (convention) {
    case 'use':
      return [
        { id: 'dice', label: 'Dice', unit: '', definition: `USE-Evaluator Dice = 2TP/(2TP+FP+FN+1e-8). ${USE_SMALL}`, read: num('dice') },
        {
          id: 'jaccard',
          label: 'Jaccard',
          unit: '',
          definition: `USE-Evaluator Jaccard = TP/(TP+FP+FN+1e-8). ${USE_SMALL}`,
          read: num('jaccard'),
        },
        {
          id: 'precision',
          label: 'Precision',
          unit: '',
          definition: `USE-Evaluator precision = TP/(TP+FP+1e-8). ${USE_SMALL}`,
          read: num('precision'),
        },
        {
          id: 'recall',
          label: 'Recall',
          unit: '',
          definition: `USE-Evaluator recall = TP/(TP+FN+1e-8). ${USE_SMALL}`,
          read: num('recall'),
        },
        {
          id: 'volumetric_similarity',
          label: 'Volumetric similarity',
          unit: '',
          definition:
            'USE-Evaluator VS = 1 − |FN−FP|/(2TP+FP+FN+1e-8). NaN rule refSmall XOR (refSmall AND testSmall): both small gives a value (1 when both are empty).',
          read: num('volumetric_similarity'),
        },
        {
          id: 'hd95_mm',
          label: 'HD95',
          unit: 'mm',
          definition: `USE-Evaluator HD95 = the 95th percentile (numpy linear interpolation) of the pooled distances P→R and R→P. ${USE_BORDER} ${USE_SMALL}`,
          read: num('hd95_mm'),
        },
        {
          id: 'hd_mm',
          label: 'HD',
          unit: 'mm',
          definition: `USE-Evaluator HD = the maximum of both directed maxima. ${USE_BORDER} ${USE_SMALL}`,
          read: num('hd_mm'),
        },
        {
          id: 'assd_mm',
          label: 'ASSD',
          unit: 'mm',
          definition: `USE-Evaluator ASSD = the mean of the two directed means, (mean d(P→R) + mean d(R→P))/2. ${USE_BORDER} ${USE_SMALL}`,
          read: num('assd_mm'),
        },
        ...tol.map((t) => ({
          id: `surface_dice:${t}`,
          label: `Surface Dice @ ${t} mm`,
          unit: '',
          definition: `USE-Evaluator surface Dice at τ = ${t} mm (DeepMind surfel method): surfels on the voxel-corner lattice with marching-cubes areas scaled by the spacing; SD = (Σ area_R[d(R→P) ≤ τ] + Σ area_P[d(P→R) ≤ τ]) / (Σ area_R + Σ area_P). ${USE_SMALL}`,
          read: (r: ConventionResult) => r.surface_dice?.[t] ?? null,
        })),
        {
          id: 'abs_volume_diff_ml',
          label: '|V_R − V_P|',
          unit: 'ml',
          definition: 'USE-Evaluator absolute volume difference |V_R − V_P| in ml; NaN only when both masks are small.',
          read: num('abs_volume_diff_ml'),
        },
        {
          id: 'image_class',
          label: 'Image-level class',
          unit: '',
          definition:
            'USE-Evaluator image-level class (only with T): reference small & prediction small → TN; neither small → TP; reference small only → FP; prediction small only → FN. CCR 1 for TP/TN, 0 for FP/FN.',
          read: (r) => r.image_class,
        },
      ];
    case 'isles22':
      return [
        {
          id: 'dice',
          label: 'Dice',
          unit: '',
          definition: "ISLES'22 Dice = 2|P∩R|/(|P|+|R|), masks binarised (nonzero = lesion). Both empty: 1. One empty: 0.",
          read: num('dice'),
        },
        {
          id: 'abs_volume_diff_ml',
          label: 'AVD',
          unit: 'ml',
          definition: "ISLES'22 absolute volume difference = |ΣP·vv − ΣR·vv| in ml. Both empty: 0.",
          read: num('abs_volume_diff_ml'),
        },
        {
          id: 'lesion_f1',
          label: 'Lesion F1',
          unit: '',
          definition:
            "ISLES'22 lesion F1 = TP/(TP + (FP+FN)/2) over 26-connected components, no minimum size; a reference lesion is TP when any of its voxels is in P (no one-to-one assignment), a predicted component is FP when none of its voxels is in R. 1 when TP+FP+FN = 0; 0 when one mask is empty.",
          read: (r) => r.lesions?.f1 ?? null,
        },
        {
          id: 'abs_count_diff',
          label: '|N_R − N_P|',
          unit: 'lesions',
          definition:
            "ISLES'22 absolute lesion count difference |N_R − N_P| (26-connected). It can be 0 while one lesion is missed and another is false.",
          read: (r) => r.lesions?.abs_count_diff ?? null,
        },
      ];
    case 'metricsreloaded':
      return [
        {
          id: 'dice',
          label: 'DSC',
          unit: '',
          definition: 'MetricsReloaded dsc = 2TP/(|P|+|R|). Both empty: 1. One empty: 0.',
          read: num('dice'),
        },
        {
          id: 'jaccard',
          label: 'IoU',
          unit: '',
          definition: 'MetricsReloaded iou = TP/|P∪R|. Both empty: NaN. One empty: 0.',
          read: num('jaccard'),
        },
        {
          id: 'precision',
          label: 'PPV',
          unit: '',
          definition: 'MetricsReloaded positive predictive value = TP/|P|. NaN when both are empty, 0 when only the prediction is empty.',
          read: num('precision'),
        },
        {
          id: 'recall',
          label: 'Recall',
          unit: '',
          definition: 'MetricsReloaded recall = TP/|R|. NaN when the reference is empty, 0 when only the prediction is empty.',
          read: num('recall'),
        },
        {
          id: 'hd95_mm',
          label: 'HD95',
          unit: 'mm',
          definition: `MetricsReloaded hd_perc = max(p95(d(P→R)), p95(d(R→P))): the maximum of the two directed percentiles, not pooled. ${MR_BORDER} ${MR_EMPTY_DIST}`,
          read: num('hd95_mm'),
        },
        {
          id: 'hd_mm',
          label: 'HD',
          unit: 'mm',
          definition: `MetricsReloaded hd = the maximum of the directed maxima. ${MR_BORDER} ${MR_EMPTY_DIST}`,
          read: num('hd_mm'),
        },
        {
          id: 'assd_mm',
          label: 'ASSD',
          unit: 'mm',
          definition: `MetricsReloaded assd = the pooled mean of all border distances in both directions. ${MR_BORDER} ${MR_EMPTY_DIST}`,
          read: num('assd_mm'),
        },
        {
          id: 'masd_mm',
          label: 'MASD',
          unit: 'mm',
          definition: `MetricsReloaded masd = the mean of the two directed means. ${MR_BORDER} ${MR_EMPTY_DIST}`,
          read: num('masd_mm'),
        },
        ...tol.map((t) => ({
          id: `surface_dice:${t}`,
          label: `NSD @ ${t} mm`,
          unit: '',
          definition: `MetricsReloaded nsd(τ = ${t} mm) = (#border-P within τ of border-R + #border-R within τ of border-P) / (#border-P + #border-R); counts voxels, not surfel areas. Both empty: 1. One empty: 0.`,
          read: (r: ConventionResult) => r.surface_dice?.[t] ?? null,
        })),
        {
          id: 'lesion_f1',
          label: 'Lesion F1',
          unit: '',
          definition:
            'MetricsReloaded lesion F1 = 2TP/(2TP+FP+FN) over 26-connected components matched greedily by mask IoU strictly above 0.5 (IoU = 0.5 is not a match). 1 when TP+FP+FN = 0.',
          read: (r) => r.lesions?.f1 ?? null,
        },
      ];
  }
}

/** A volume in ml with enough digits for small lesions: 0.03, 1.25, 12.3. */
export function formatMl(ml: number): string {
  if (!Number.isFinite(ml)) return String(ml);
  const a = Math.abs(ml);
  if (a === 0) return '0';
  if (a < 0.001) return ml.toExponential(1);
  if (a < 1) return String(Number(ml.toPrecision(2)));
  return ml.toFixed(a < 10 ? 2 : 1);
}

/** A metric value: 3 decimals for ratios, 2 for mm/ml; strings (a class) as they are. */
export function formatValue(v: number | string | null, unit: string): string {
  if (v === null) return 'n/a';
  if (typeof v === 'string') return v;
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return String(v);
  if (unit === 'lesions') return String(v);
  if (unit === 'ml') return formatMl(v);
  return v.toFixed(unit === 'mm' ? 2 : 3);
}

/**
 * Why a comparison's metrics may be NaN or special, in words: which mask is empty (or small under
 * T) with its volume, and with T the image-level class, e.g. "reference empty; prediction 0.03 ml → TN at 0.05 ml".
 * Empty string when neither mask is empty or small.
 */
export function emptyCaseText(e: EmptyCaseInfo): string {
  const parts: string[] = [];
  if (e.refEmpty && e.predEmpty) parts.push('reference and prediction empty');
  else if (e.refEmpty) parts.push(`reference empty; prediction ${formatMl(e.predMl)} ml`);
  else if (e.predEmpty) parts.push(`prediction empty; reference ${formatMl(e.refMl)} ml`);
  else if (e.thresholdMl !== null && (e.refSmall || e.predSmall)) {
    parts.push(
      `reference ${formatMl(e.refMl)} ml${e.refSmall ? ' (small)' : ''}; prediction ${formatMl(e.predMl)} ml${e.predSmall ? ' (small)' : ''}`,
    );
  }
  if (parts.length === 0) return '';
  if (e.thresholdMl !== null && e.imageClass !== null) parts[0] += ` → ${e.imageClass} at ${formatMl(e.thresholdMl)} ml`;
  return parts[0];
}

export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

/** The USE threshold field: '' is "no T" (small = empty), else a volume ≥ 0 in ml. */
export function parseThresholdMl(text: string): Parsed<number | null> {
  const t = text.trim();
  if (t === '') return { ok: true, value: null };
  const v = Number(t);
  return v >= 0 && Number.isFinite(v)
    ? { ok: true, value: v }
    : { ok: false, error: `"${t}" is not a volume in ml (a number ≥ 0); leave it empty for "small = empty"` };
}

/** The tolerances field: "2, 5, 10" or "2 5 10"; '' is each convention's default. */
export function parseTolerancesMm(text: string): Parsed<number[]> {
  const parts = text.split(/[,\s]+/).filter((p) => p !== '');
  const value = parts.map(Number);
  const bad = parts.find((_, i) => !(value[i] > 0 && Number.isFinite(value[i])));
  return bad === undefined ? { ok: true, value } : { ok: false, error: `"${bad}" is not a tolerance in mm (a number above 0)` };
}
