/**
 * Per-label evaluation of multi-label masks: for each label L, prediction == L against reference == L
 * through the single-label pipeline (CaseContext and the conventions, unchanged), plus the mean over
 * labels as MetricsReloaded aggregates them. The app's per-label panel and the `evaluate` CLI's
 * `--labels` both call evaluateLabels, so they show the same numbers.
 */
import { nanMean } from '../aggregate';
import { CaseContext, evaluateConventions } from './index';
import { CONVENTIONS, type CaseInput, type ConventionName, type ConventionResult } from './types';

/** Integer label values, i fastest: a label image's voxels as read (any integer type, or floats holding integers). */
export type LabelMap = ArrayLike<number>;

/** The single-label input with label maps for masks; soft, rater and region inputs are binary-only. */
export interface LabelCaseInput extends Omit<CaseInput, 'ref' | 'pred' | 'prob' | 'raters' | 'region'> {
  readonly ref: LabelMap;
  readonly pred: LabelMap;
}

/** One label's result (or the label mean): one convention's, or all three keyed by name. */
export type PerConvention<T> = T | Record<ConventionName, T>;

/**
 * A convention's numeric metrics averaged over labels, keyed as in ConventionResult (surface_dice.2,
 * lesions.f1 …); null where the convention does not define the metric. Descriptive fields (shape,
 * spacing, the convention's name, the image class, lesion connectivity and matching) are not means
 * and are left out.
 */
export interface LabelMean {
  readonly [metric: string]: number | null | LabelMean;
}

export interface LabelResults {
  /** Keyed by the label value in decimal ("1", "2"); integer keys iterate (and print) in ascending order. */
  readonly labels: Record<string, PerConvention<ConventionResult>>;
  readonly label_mean: PerConvention<LabelMean>;
}

/** What evaluateLabels gives for 'all': every label's and the mean's results keyed by convention. */
export interface AllConventionsLabelResults extends LabelResults {
  readonly labels: Record<string, Record<ConventionName, ConventionResult>>;
  readonly label_mean: Record<ConventionName, LabelMean>;
}

/** Label values Quorum stores and NIfTI integer masks carry: 1 … 65535 (0 is background). */
export const MAX_LABEL = 65535;

/**
 * Evaluates each label under `convention` (or all three). Two Uint8Arrays are allocated once and
 * rewritten per label, so memory is two masks whatever the number of labels; one pass over both
 * maps finds the rows (runs along i) holding any non-zero value, and each label rewrites only
 * those rows (the others stay 0), so a label costs its lesions' rows, not the volume. Values not
 * asked for count as background for every label; a label absent from both maps gets its
 * convention's both-empty result (NaN where that is NaN).
 */
export function evaluateLabels(input: LabelCaseInput, labels: readonly number[], convention: 'all'): AllConventionsLabelResults;
export function evaluateLabels(input: LabelCaseInput, labels: readonly number[], convention: ConventionName | 'all'): LabelResults;
export function evaluateLabels(input: LabelCaseInput, labels: readonly number[], convention: ConventionName | 'all'): LabelResults {
  if (labels.length === 0) throw new RangeError('evaluateLabels needs at least one label');
  for (const L of labels) {
    if (!Number.isInteger(L) || L < 1 || L > MAX_LABEL) throw new RangeError(`label ${L} is not an integer in 1…${MAX_LABEL}`);
  }
  if (new Set(labels).size !== labels.length) throw new RangeError(`labels repeat: ${labels.join(',')}`);
  const n = input.ref.length;
  if (input.pred.length !== n) throw new RangeError('label maps differ in length');
  const ref = new Uint8Array(n),
    pred = new Uint8Array(n);
  const rows = labelledRows(input.ref, input.pred, input.dims[0]);
  const names = convention === 'all' ? CONVENTIONS : [convention];
  const perLabel: Record<string, PerConvention<ConventionResult>> = {};
  const byConvention = new Map<ConventionName, ConventionResult[]>(names.map((c) => [c, []]));
  for (const L of labels) {
    binarise(input.ref, L, rows, input.dims[0], ref);
    binarise(input.pred, L, rows, input.dims[0], pred);
    const { dims, spacing, thresholdMl, tolerancesMm } = input;
    const ctx = new CaseContext({ ref, pred, dims, spacing, thresholdMl, tolerancesMm });
    const results = evaluateConventions(ctx, names);
    for (const c of names) byConvention.get(c)?.push(results[c]);
    perLabel[String(L)] = convention === 'all' ? results : results[convention];
  }
  const means = names.map((c) => meanOverLabels(byConvention.get(c) ?? []));
  return {
    labels: perLabel,
    label_mean:
      convention === 'all' ? (Object.fromEntries(names.map((c, i) => [c, means[i]])) as Record<ConventionName, LabelMean>) : means[0],
  };
}

/** Indices of the rows of `width` voxels in which either map holds a non-zero value. */
function labelledRows(ref: LabelMap, pred: LabelMap, width: number): Int32Array {
  const rows: number[] = [];
  for (let row = 0, start = 0; start < ref.length; row++, start += width) {
    for (let v = start; v < start + width; v++) {
      if (ref[v] !== 0 || pred[v] !== 0) {
        rows.push(row);
        break;
      }
    }
  }
  return Int32Array.from(rows);
}

/** out[v] = 1 where map[v] === label, else 0, written only in `rows` (out is 0 elsewhere). */
function binarise(map: LabelMap, label: number, rows: Int32Array, width: number, out: Uint8Array): void {
  for (const row of rows) {
    for (let v = row * width, end = v + width; v < end; v++) out[v] = map[v] === label ? 1 : 0;
  }
}

const NOT_A_MEAN = new Set(['image_class', 'connectivity']);

/**
 * MetricsReloaded's label aggregation (processes/overall_process.py, `label_aggregation`, the
 * `_average` column): per case and metric, `np.ma.average` of the per-label values with NaN masked,
 * i.e. the unweighted mean over the labels whose value is not NaN, and NaN when every label's is.
 * Applied to every numeric metric of the convention's result, in every convention.
 */
function meanOverLabels(results: readonly ConventionResult[]): LabelMean {
  return meanOfObjects(results as readonly unknown[] as readonly Record<string, unknown>[]);
}

function meanOfObjects(objects: readonly Record<string, unknown>[]): LabelMean {
  const out: Record<string, number | null | LabelMean> = {};
  for (const [key, first] of Object.entries(objects[0] ?? {})) {
    if (NOT_A_MEAN.has(key)) continue;
    if (first === null) out[key] = null;
    else if (typeof first === 'number') out[key] = nanMean(objects.map((o) => o[key] as number));
    else if (typeof first === 'object' && !Array.isArray(first))
      out[key] = meanOfObjects(objects.map((o) => o[key] as Record<string, unknown>));
  }
  return out;
}
