/**
 * The dataset dashboard's summary of per-case rows (one convention, one comparison): per metric the
 * NaN-ignoring mean and median with seeded percentile-bootstrap 95% intervals, image-level detection
 * (TP/TN/FP/FN, sensitivity, specificity, AUC), strata by reference volume, Bland–Altman of the
 * model's thresholded and expected volumes, and the pooled reliability diagram.
 *
 * Every statistic comes from the metrics engine (aggregate.ts: nanMean, nanMedian, bootstrapCi,
 * summedConfusion, auc, stratumOf; emptyCase.ts: imageClass) — this module only arranges rows.
 * Environment-free.
 */
import {
  auc,
  bootstrapCi,
  DEFAULT_STRATA,
  nanMean,
  nanMedian,
  stratumOf,
  summedConfusion,
  type StrataThresholds,
  type Stratum,
} from '../metrics/aggregate';
import { imageClass, type ImageClass } from '../metrics/emptyCase';
import { blandAltman, pooledReliability } from './datasetAgreement';
import type { DatasetCaseRow, DatasetSummary, DetectionSummary, MetricSummaryRow, StratumSummary } from './datasetTypes';

export interface DatasetSummaryOptions {
  /** Bootstrap seed (mulberry32); the same seed gives the same intervals. Default 42, as the CLI. */
  readonly seed?: number;
  /** Bootstrap replicates; default 2000, as the CLI. */
  readonly reps?: number;
  /** Detection threshold T in ml (USE's small rule: small when !(V > T)); default 0 = empty. */
  readonly thresholdMl?: number;
  readonly strata?: StrataThresholds;
}

const STRATA: readonly Stratum[] = ['empty', 'small', 'medium', 'large'];

/** Metric keys in first-seen order over all rows. */
export function metricKeys(rows: readonly DatasetCaseRow[]): string[] {
  const keys = new Set<string>();
  for (const r of rows) for (const k of Object.keys(r.metrics)) keys.add(k);
  return [...keys];
}

/** A value per row for `key`; a row without the key counts as NaN (not defined for that case). */
function column(rows: readonly DatasetCaseRow[], key: string): number[] {
  return rows.map((r) => r.metrics[key] ?? NaN);
}

export function summariseMetric(key: string, values: readonly number[], seed: number, reps: number): MetricSummaryRow {
  const meanCi = bootstrapCi(values, { seed, reps, statistic: 'mean' });
  const medianCi = bootstrapCi(values, { seed, reps, statistic: 'median' });
  const nNan = values.filter((v) => Number.isNaN(v)).length;
  return {
    key,
    n: values.length - nNan,
    nNan,
    mean: nanMean(values),
    median: nanMedian(values),
    meanCi: [meanCi.lo, meanCi.hi],
    medianCi: [medianCi.lo, medianCi.hi],
  };
}

/** USE's image-level class of one case from its volumes, or null when either volume is unknown. */
export function detectionClass(referenceMl: number, modelMl: number, thresholdMl: number): ImageClass | null {
  if (Number.isNaN(referenceMl) || Number.isNaN(modelMl)) return null;
  return imageClass({ refSmall: !(referenceMl > thresholdMl), predSmall: !(modelMl > thresholdMl) });
}

export function detectionSummary(rows: readonly DatasetCaseRow[], thresholdMl: number): DetectionSummary {
  if (!(thresholdMl >= 0)) throw new Error(`detection threshold must be a number ≥ 0 ml, got ${thresholdMl}`);
  const classes = rows.map((r) => detectionClass(r.referenceVolumeMl, r.modelVolumeThrMl, thresholdMl));
  const sc = summedConfusion(classes);
  const known = rows.filter((r) => !Number.isNaN(r.referenceVolumeMl) && !Number.isNaN(r.modelVolumeThrMl));
  return {
    thresholdMl,
    tp: sc.tp,
    tn: sc.tn,
    fp: sc.fp,
    fn: sc.fn,
    sensitivity: sc.sensitivity,
    specificity: sc.specificity,
    precision: sc.precision,
    auc: auc(
      known.map((r) => r.referenceVolumeMl > thresholdMl),
      known.map((r) => r.modelVolumeThrMl),
    ),
    classes,
  };
}

export function strataSummary(rows: readonly DatasetCaseRow[], keys: readonly string[], t: StrataThresholds): StratumSummary[] {
  const groups: Record<Stratum, DatasetCaseRow[]> = { empty: [], small: [], medium: [], large: [] };
  // A reference volume that is NaN (no reference) has no stratum; stratumOf would call it empty.
  for (const r of rows) if (!Number.isNaN(r.referenceVolumeMl)) groups[stratumOf(r.referenceVolumeMl, t)].push(r);
  return STRATA.map((stratum) => {
    const means: Record<string, number> = {};
    for (const k of keys) means[k] = nanMean(column(groups[stratum], k));
    return { stratum, count: groups[stratum].length, means };
  });
}

/** The whole summary. Rows must share one convention, comparison and label (checked). */
export function summariseDataset(rows: readonly DatasetCaseRow[], opts: DatasetSummaryOptions = {}): DatasetSummary {
  if (rows.length === 0) throw new Error('summariseDataset: no cases to summarise');
  const { convention, comparison, label } = rows[0];
  const odd = rows.find((r) => r.convention !== convention || r.comparison !== comparison || r.label !== label);
  if (odd)
    throw new Error(
      `summariseDataset: case ${odd.caseName} is ${odd.convention} / ${odd.comparison} / label ${odd.label}, expected ${convention} / ${comparison} / label ${label}`,
    );
  const seed = opts.seed ?? 42;
  const reps = opts.reps ?? 2000;
  const strata = opts.strata ?? DEFAULT_STRATA;
  const keys = metricKeys(rows);
  const ids = rows.map((r) => r.caseId);
  const ref = rows.map((r) => r.referenceVolumeMl);
  return {
    convention,
    comparison,
    label,
    nCases: rows.length,
    bootstrap: { method: 'percentile-bootstrap', level: 0.95, reps, seed },
    metrics: keys.map((k) => summariseMetric(k, column(rows, k), seed, reps)),
    detection: detectionSummary(rows, opts.thresholdMl ?? 0),
    strata: { thresholdsMl: strata, rows: strataSummary(rows, keys, strata) },
    volume: {
      thresholded: blandAltman(
        ids,
        rows.map((r) => r.modelVolumeThrMl),
        ref,
      ),
      expected: blandAltman(
        ids,
        rows.map((r) => r.modelVolumeExpMl),
        ref,
      ),
    },
    reliability: pooledReliability(rows.map((r) => r.reliability)),
  };
}
