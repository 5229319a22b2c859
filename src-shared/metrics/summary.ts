/**
 * Summary of one convention over many cases: per metric the NaN-ignoring mean and median with a
 * seeded 95% percentile-bootstrap interval of the mean; for USE with a threshold the summed
 * image-level confusion counts, CCR and the volume AUC; and counts/means per reference-volume stratum.
 */
import {
  auc,
  bootstrapCi,
  DEFAULT_STRATA,
  nanMean,
  nanMedian,
  type StrataThresholds,
  stratumOf,
  summedConfusion,
  type SummedConfusion,
  type Stratum,
} from './aggregate';
import type { ConventionResult } from './conventions/types';

export interface MetricSummary {
  readonly n: number;
  readonly n_nan: number;
  readonly mean: number;
  readonly median: number;
  readonly ci95_mean: readonly [number, number];
}

/** USE's image-level view: the summed confusion of the per-case classes at `threshold_ml`. */
export interface ImageLevelSummary extends SummedConfusion {
  readonly threshold_ml: number;
  readonly ccr_mean: number;
  readonly auc_volume: number;
}

/** Per numeric metric over cases; also what the mean over labels (--labels) is summarised as. */
export interface MetricsSummary {
  readonly n_cases: number;
  readonly spread: string;
  readonly metrics: Record<string, MetricSummary>;
}

export interface ConventionSummary extends MetricsSummary {
  readonly convention: string;
  readonly image_level: ImageLevelSummary | null;
  readonly strata: {
    readonly thresholds_ml: StrataThresholds;
    readonly counts: Record<Stratum, number>;
    readonly dice_mean: Record<Stratum, number>;
  };
}

/** Numeric leaves by dotted path (surface_dice.2, lesions.f1, soft.ece_vs_majority.top-label …). */
function numericLeaves(v: unknown, prefix: string, out: Map<string, number>): void {
  if (typeof v === 'number') out.set(prefix, v);
  else if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) numericLeaves(x, prefix ? `${prefix}.${k}` : k, out);
  }
}

/** Every numeric leaf of the results (shape and spacing aside), over the results, with its bootstrap interval. */
export function summariseMetrics(results: readonly object[], seed = 42): MetricsSummary {
  const perKey = new Map<string, number[]>();
  for (const r of results) {
    const leaves = new Map<string, number>();
    numericLeaves(r, '', leaves);
    for (const [k, v] of leaves) {
      if (k.startsWith('shape') || k.startsWith('spacing_mm')) continue;
      const list = perKey.get(k) ?? [];
      list.push(v);
      perKey.set(k, list);
    }
  }
  const metrics: Record<string, MetricSummary> = {};
  for (const [k, vals] of perKey) {
    const ci = bootstrapCi(vals, { seed });
    metrics[k] = {
      n: vals.filter((x) => !Number.isNaN(x)).length,
      n_nan: vals.filter((x) => Number.isNaN(x)).length,
      mean: nanMean(vals),
      median: nanMedian(vals),
      ci95_mean: [ci.lo, ci.hi],
    };
  }
  return {
    n_cases: results.length,
    spread: 'ci95_mean: seeded 95% percentile bootstrap of the NaN-ignoring mean (2000 replicates)',
    metrics,
  };
}

export function summariseConvention(
  results: readonly ConventionResult[],
  opts: { thresholdMl?: number; strata?: StrataThresholds; seed?: number } = {},
): ConventionSummary {
  const T = opts.thresholdMl;
  let imageLevel: ConventionSummary['image_level'] = null;
  if (T !== undefined && results.length > 0 && results[0].convention === 'use') {
    const sc = summedConfusion(results.map((r) => r.image_class));
    imageLevel = {
      threshold_ml: T,
      ...sc,
      ccr_mean: nanMean(results.map((r) => (r.ccr === null ? NaN : r.ccr))),
      auc_volume: auc(
        results.map((r) => r.volume_ref_ml > T),
        results.map((r) => r.volume_pred_ml),
      ),
    };
  }
  const st = opts.strata ?? DEFAULT_STRATA;
  const counts: Record<Stratum, number> = { empty: 0, small: 0, medium: 0, large: 0 };
  const dice: Record<Stratum, number[]> = { empty: [], small: [], medium: [], large: [] };
  for (const r of results) {
    const s = stratumOf(r.volume_ref_ml, st);
    counts[s]++;
    dice[s].push(r.dice ?? NaN);
  }
  return {
    convention: results[0]?.convention ?? 'none',
    ...summariseMetrics(results, opts.seed),
    image_level: imageLevel,
    strata: {
      thresholds_ml: st,
      counts,
      dice_mean: { empty: nanMean(dice.empty), small: nanMean(dice.small), medium: nanMean(dice.medium), large: nanMean(dice.large) },
    },
  };
}
