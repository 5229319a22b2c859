/**
 * Aggregation over cases: NaN-ignoring mean and median, a seeded 95% percentile bootstrap interval,
 * summed image-level confusion counts, AUC with the prediction volume as the score, and
 * stratification by reference volume.
 *
 * USE-Evaluator prints one standard deviation of bootstrap replicates; Quorum reports a percentile
 * interval instead and labels it `method: 'percentile-bootstrap'`.
 */
import { mulberry32 } from '../random/mulberry32';
import type { ImageClass } from './emptyCase';
import { percentileLinear } from './stats';

function finite(values: readonly number[]): number[] {
  return values.filter((v) => !Number.isNaN(v));
}

/** np.nanmean: NaN when nothing is left. */
export function nanMean(values: readonly number[]): number {
  const v = finite(values);
  if (v.length === 0) return NaN;
  let s = 0;
  for (const x of v) s += x;
  return s / v.length;
}

/** np.nanmedian: the mean of the two middle values for an even count. */
export function nanMedian(values: readonly number[]): number {
  const v = finite(values).sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const m = v.length >> 1;
  return v.length % 2 === 1 ? v[m] : (v[m - 1] + v[m]) / 2;
}

export interface BootstrapCi {
  readonly method: 'percentile-bootstrap';
  readonly statistic: 'mean' | 'median';
  readonly level: number;
  readonly reps: number;
  readonly seed: number;
  readonly lo: number;
  readonly hi: number;
}

/**
 * Percentile bootstrap CI of the NaN-ignoring mean (or median): NaN values are dropped first, the
 * remaining n values are resampled n at a time `reps` times, and the interval is the
 * ((1−level)/2, (1+level)/2) percentiles (numpy linear) of the replicate statistics.
 */
export function bootstrapCi(
  values: readonly number[],
  opts: { reps?: number; seed?: number; level?: number; statistic?: 'mean' | 'median' } = {},
): BootstrapCi {
  const reps = opts.reps ?? 2000;
  const seed = opts.seed ?? 42;
  const level = opts.level ?? 0.95;
  const statistic = opts.statistic ?? 'mean';
  const v = finite(values);
  const base = { method: 'percentile-bootstrap' as const, statistic, level, reps, seed };
  if (v.length === 0) return { ...base, lo: NaN, hi: NaN };
  const rand = mulberry32(seed);
  const stats = new Float64Array(reps);
  const sample = new Array<number>(v.length);
  for (let r = 0; r < reps; r++) {
    for (let i = 0; i < v.length; i++) sample[i] = v[Math.floor(rand() * v.length)];
    stats[r] = statistic === 'mean' ? nanMean(sample) : nanMedian(sample);
  }
  const tail = ((1 - level) / 2) * 100;
  return { ...base, lo: percentileLinear(stats, tail), hi: percentileLinear(stats, 100 - tail) };
}

export interface SummedConfusion {
  readonly tp: number;
  readonly tn: number;
  readonly fp: number;
  readonly fn: number;
  /** TP/(TP+FN), TP/(TP+FP), TN/(TN+FP) from the sums; NaN when a denominator is 0. */
  readonly sensitivity: number;
  readonly precision: number;
  readonly specificity: number;
}

export function summedConfusion(classes: readonly (ImageClass | null)[]): SummedConfusion {
  let tp = 0,
    tn = 0,
    fp = 0,
    fn = 0;
  for (const c of classes) {
    if (c === 'TP') tp++;
    else if (c === 'TN') tn++;
    else if (c === 'FP') fp++;
    else if (c === 'FN') fn++;
  }
  const div = (a: number, b: number) => (b === 0 ? NaN : a / b);
  return { tp, tn, fp, fn, sensitivity: div(tp, tp + fn), precision: div(tp, tp + fp), specificity: div(tn, tn + fp) };
}

/**
 * ROC AUC (Mann–Whitney, ties count ½, equal to sklearn roc_auc_score). USE scores cases by the
 * prediction volume with label V_ref > T. NaN when one class is absent.
 */
export function auc(labels: readonly boolean[], scores: readonly number[]): number {
  if (labels.length !== scores.length) throw new Error('auc: labels and scores differ in length');
  const idx = scores.map((_, i) => i).sort((a, b) => scores[a] - scores[b]);
  // average ranks with ties
  const rank = new Float64Array(scores.length);
  for (let i = 0; i < idx.length;) {
    let j = i;
    while (j + 1 < idx.length && scores[idx[j + 1]] === scores[idx[i]]) j++;
    const avg = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) rank[idx[k]] = avg;
    i = j + 1;
  }
  let nPos = 0,
    sumPos = 0;
  for (let i = 0; i < labels.length; i++) {
    if (labels[i]) {
      nPos++;
      sumPos += rank[i];
    }
  }
  const nNeg = labels.length - nPos;
  if (nPos === 0 || nNeg === 0) return NaN;
  return (sumPos - (nPos * (nPos + 1)) / 2) / (nPos * nNeg);
}

export type Stratum = 'empty' | 'small' | 'medium' | 'large';

export interface StrataThresholds {
  /** small: 0 < V ≤ smallMaxMl. */
  readonly smallMaxMl: number;
  /** medium: smallMaxMl < V ≤ mediumMaxMl; large above. */
  readonly mediumMaxMl: number;
}

export const DEFAULT_STRATA: StrataThresholds = { smallMaxMl: 1, mediumMaxMl: 70 };

export function stratumOf(refVolumeMl: number, t: StrataThresholds = DEFAULT_STRATA): Stratum {
  if (!(refVolumeMl > 0)) return 'empty';
  if (refVolumeMl <= t.smallMaxMl) return 'small';
  if (refVolumeMl <= t.mediumMaxMl) return 'medium';
  return 'large';
}

/** Groups case indices by reference-volume stratum. */
export function stratify(refVolumesMl: readonly number[], t: StrataThresholds = DEFAULT_STRATA): Record<Stratum, number[]> {
  const out: Record<Stratum, number[]> = { empty: [], small: [], medium: [], large: [] };
  refVolumesMl.forEach((v, i) => out[stratumOf(v, t)].push(i));
  return out;
}
