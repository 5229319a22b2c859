/**
 * From per-case evaluations (caseEvaluation.ts's CaseEvaluation, computed once per case for all
 * three conventions) to the dashboard's flat rows for one convention and one comparison. Switching
 * the convention, the comparison or the label (tables with several certain labels) re-derives rows;
 * nothing is recomputed.
 *
 * Environment-free.
 */
import type { ConventionName, ConventionResult } from '../metrics/conventions/types';
import type { DatasetCaseRow, ReliabilityCounts } from './datasetTypes';
import type { CaseEvaluation, Comparison } from './types';

/**
 * Which comparison the dashboard shows: the model against the raters' majority, against one
 * rater, or one rater against the leave-one-out consensus of the others.
 */
export type ComparisonChoice = 'model-majority' | `model-rater:${string}` | `rater-loo:${string}`;

export interface ComparisonOption {
  readonly key: ComparisonChoice;
  readonly label: string;
}

/**
 * Under a table with several certain labels (the evaluations carry `labels`): one label's metrics,
 * or MetricsReloaded's mean over labels. Ignored for evaluations without per-label results.
 */
export type DatasetLabelChoice = number | 'mean';

/** The labels the evaluations were computed per, in first-seen order (empty under the stroke table). */
export function labelOptions(evaluations: Iterable<CaseEvaluation>): number[] {
  const seen = new Set<number>();
  for (const ev of evaluations) for (const b of ev.labels ?? []) seen.add(b.label);
  return [...seen];
}

/** Numeric leaves by dotted path, as the CLI's CSV names them; shape/spacing and the soft/raters blocks are not metrics of the pair. */
function numericLeaves(v: unknown, prefix: string, out: Record<string, number>): void {
  if (typeof v === 'number') out[prefix] = v;
  else if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      if (!prefix && (k === 'shape' || k === 'spacing_mm' || k === 'soft' || k === 'raters')) continue;
      numericLeaves(x, prefix ? `${prefix}.${k}` : k, out);
    }
  }
}

function metricsOf(result: ConventionResult | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  if (result) numericLeaves(result, '', out);
  return out;
}

function choiceOf(c: Comparison): ComparisonChoice | null {
  if (c.kind === 'model-majority') return 'model-majority';
  if (c.kind === 'model-rater') return `model-rater:${c.referenceId}`;
  if (c.kind === 'rater-loo') return `rater-loo:${c.predictionId}`;
  return null;
}

function labelOf(c: Comparison): string {
  return `${c.predictionLabel} vs ${c.referenceLabel}`;
}

/** Every comparison any case offers, model vs majority first, in first-seen order. */
export function comparisonOptions(evaluations: Iterable<CaseEvaluation>): ComparisonOption[] {
  const seen = new Map<ComparisonChoice, string>();
  for (const ev of evaluations) {
    for (const c of ev.comparisons) {
      const k = choiceOf(c);
      if (k && !seen.has(k)) seen.set(k, k === 'model-majority' ? 'model vs majority' : labelOf(c));
    }
  }
  const out = [...seen].map(([key, label]) => ({ key, label }));
  return out.sort((a, b) => (a.key === 'model-majority' ? -1 : b.key === 'model-majority' ? 1 : 0));
}

function reliabilityOf(ev: CaseEvaluation): ReliabilityCounts | null {
  return ev.calibration?.reliability ?? null;
}

/** The comparison's result for the row: binary, one label's, or the mean over labels (which has every key a row reads). */
function resultOf(c: Comparison, convention: ConventionName, label: DatasetLabelChoice | null): ConventionResult | undefined {
  if (label === null) return c.results[convention];
  if (label === 'mean') return c.perLabel?.label_mean[convention] as unknown as ConventionResult | undefined;
  return c.perLabel?.labels[String(label)]?.[convention];
}

function dice(c: Comparison, convention: ConventionName, label: DatasetLabelChoice | null): number {
  const d = resultOf(c, convention, label)?.dice;
  return d === null || d === undefined ? NaN : d;
}

/** The per-label volumes of a comparison: the label's, or for the mean their sum (the case's labelled volume). */
function labelVolumes(c: Comparison, convention: ConventionName, label: DatasetLabelChoice): { ref: number; pred: number } {
  const labels = c.perLabel?.labels ?? {};
  const keys = label === 'mean' ? Object.keys(labels) : [String(label)];
  let ref = 0,
    pred = 0;
  for (const k of keys) {
    const r = labels[k]?.[convention];
    ref += r?.volume_ref_ml ?? NaN;
    pred += r?.volume_pred_ml ?? NaN;
  }
  return { ref, pred };
}

/**
 * The row of one case. A case without the chosen comparison (no model result, fewer raters) gets
 * a row with no metrics and NaN volumes, so it still appears in the table and is counted.
 */
export function datasetRow(
  caseId: string,
  caseName: string,
  ev: CaseEvaluation,
  convention: ConventionName,
  choice: ComparisonOption,
  labelChoice: DatasetLabelChoice | null = null,
): DatasetCaseRow {
  const c = ev.comparisons.find((x) => choiceOf(x) === choice.key);
  const label = ev.labels ? labelChoice : null;
  const predictionIsModel = c !== undefined && ev.model !== null && c.predictionId === ev.model.id;
  const common = {
    caseId,
    caseName,
    convention,
    // The option's label, not the case's own: every row of one table names the same comparison.
    comparison: choice.label,
    label: label === null ? null : String(label),
    modelThreshold: predictionIsModel ? (ev.model?.threshold ?? null) : null,
    metrics: c ? metricsOf(resultOf(c, convention, label)) : {},
    modelRaterDice: ev.comparisons.filter((x) => x.kind === 'model-rater').map((x) => dice(x, convention, label)),
    raterRaterDice: ev.comparisons.filter((x) => x.kind === 'rater-rater').map((x) => dice(x, convention, label)),
  };
  if (label !== null) {
    // The probability map is one class's, so V_exp and the reliability counts are not split by label.
    const v = c ? labelVolumes(c, convention, label) : { ref: NaN, pred: NaN };
    return { ...common, referenceVolumeMl: v.ref, modelVolumeThrMl: v.pred, modelVolumeExpMl: NaN, reliability: null };
  }
  const modelVolumes = predictionIsModel ? ev.volumes.model : null;
  return {
    ...common,
    referenceVolumeMl: c ? c.emptyCase.refMl : (ev.volumes.majorityMl ?? NaN),
    modelVolumeThrMl: modelVolumes ? modelVolumes.thresholdedMl : c ? c.emptyCase.predMl : NaN,
    modelVolumeExpMl: modelVolumes ? modelVolumes.expectedMl : NaN,
    reliability: predictionIsModel && choice.key === 'model-majority' ? reliabilityOf(ev) : null,
  };
}
