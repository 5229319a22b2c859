/**
 * From per-case evaluations (caseEvaluation.ts's CaseEvaluation, computed once per case for all
 * three conventions) to the dashboard's flat rows for one convention and one comparison. Switching
 * the convention or the comparison re-derives rows; nothing is recomputed.
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

function dice(c: Comparison, convention: ConventionName): number {
  const d = c.results[convention]?.dice;
  return d === null || d === undefined ? NaN : d;
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
): DatasetCaseRow {
  const c = ev.comparisons.find((x) => choiceOf(x) === choice.key);
  const predictionIsModel = c !== undefined && ev.model !== null && c.predictionId === ev.model.id;
  const modelVolumes = predictionIsModel ? ev.volumes.model : null;
  return {
    caseId,
    caseName,
    convention,
    // The option's label, not the case's own: every row of one table names the same comparison.
    comparison: choice.label,
    referenceVolumeMl: c ? c.emptyCase.refMl : (ev.volumes.majorityMl ?? NaN),
    modelVolumeThrMl: modelVolumes ? modelVolumes.thresholdedMl : c ? c.emptyCase.predMl : NaN,
    modelVolumeExpMl: modelVolumes ? modelVolumes.expectedMl : NaN,
    modelThreshold: predictionIsModel ? (ev.model?.threshold ?? null) : null,
    metrics: c ? metricsOf(c.results[convention]) : {},
    modelRaterDice: ev.comparisons.filter((x) => x.kind === 'model-rater').map((x) => dice(x, convention)),
    raterRaterDice: ev.comparisons.filter((x) => x.kind === 'rater-rater').map((x) => dice(x, convention)),
    reliability: predictionIsModel && choice.key === 'model-majority' ? reliabilityOf(ev) : null,
  };
}
