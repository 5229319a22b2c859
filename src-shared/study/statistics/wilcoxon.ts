/**
 * Wilcoxon signed-rank test for paired data, following R's wilcox.test(x, y, paired = TRUE) with its
 * defaults, so that numbers in a Quorum report can be reproduced in R:
 *
 * - Zero differences are dropped before ranking (Wilcoxon's original convention, R's only one and
 *   scipy's default zero_method = "wilcox"), not kept with rank 0 as in Pratt's method.
 * - Ties among |differences| get mid-ranks.
 * - Exact null distribution of V when fewer than 50 non-zero differences remain and there were no
 *   ties and no zeros (R's rule); otherwise the normal approximation with the tie-corrected variance
 *   n(n+1)(2n+1)/24 − Σ(t³ − t)/48 and a continuity correction of ½ towards the mean
 *   (R's correct = TRUE; scipy's default is correction = False, so scipy's approximate p-values are
 *   slightly smaller).
 * - Two-sided p-value. V is the sum of the ranks of the positive differences x − y.
 *
 * Acceptability scores are integers on 1–5, so ties and zeros are the rule, and most study results
 * will come from the normal approximation.
 */
import { normalTwoSidedP } from './normal';

export type WilcoxonMethod = 'exact' | 'normal-approximation';

export interface WilcoxonResult {
  /** Pairs given. */
  readonly pairs: number;
  /** Pairs with x = y, dropped before ranking. */
  readonly zeros: number;
  /** Non-zero differences ranked (n). */
  readonly n: number;
  /** V: sum of ranks of positive differences x − y. */
  readonly statistic: number;
  /** n(n+1)/4, the mean of V under the null. */
  readonly expected: number;
  /** Whether any |differences| were tied (mid-ranks used). */
  readonly ties: boolean;
  readonly method: WilcoxonMethod;
  /** The continuity-corrected z statistic, for the normal approximation only. */
  readonly z: number | null;
  /** Two-sided p-value; null when no non-zero difference remains (the test is undefined). */
  readonly pValue: number | null;
  /** Median of the differences x − y, zeros included (a plain effect summary). */
  readonly medianDifference: number;
}

/** Below this many non-zero differences (and without ties or zeros) the exact distribution is used. */
export const WILCOXON_EXACT_LIMIT = 50;

/** Mid-ranks of `values` (1-based), and the sizes of the tie groups. */
export function midRanks(values: readonly number[]): { ranks: Float64Array; tieGroups: number[] } {
  const order = values.map((_, i) => i).sort((a, b) => values[a] - values[b]);
  const ranks = new Float64Array(values.length);
  const tieGroups: number[] = [];
  let start = 0;
  while (start < order.length) {
    let end = start + 1;
    while (end < order.length && values[order[end]] === values[order[start]]) end++;
    // Positions start..end-1 (0-based) share the mean of ranks start+1..end.
    const rank = (start + 1 + end) / 2;
    for (let k = start; k < end; k++) ranks[order[k]] = rank;
    tieGroups.push(end - start);
    start = end;
  }
  return { ranks, tieGroups };
}

/**
 * Counts of subsets of {1..n} by their sum: the exact null distribution of V (each subset equally
 * likely, 2ⁿ in all). Counts stay below 2⁵⁰ for n < 50, so doubles hold them exactly.
 */
export function signedRankCounts(n: number): Float64Array {
  const maxSum = (n * (n + 1)) / 2;
  const counts = new Float64Array(maxSum + 1);
  counts[0] = 1;
  for (let r = 1; r <= n; r++) {
    for (let s = (r * (r + 1)) / 2; s >= r; s--) counts[s] += counts[s - r];
  }
  return counts;
}

/** P(V ≤ v) under the exact null distribution for n differences. */
function exactLowerTail(v: number, n: number, counts: Float64Array): number {
  let sum = 0;
  for (let s = 0; s <= v; s++) sum += counts[s];
  return sum / 2 ** n;
}

/** P(V ≥ v), summed directly so that tiny tails do not cancel against 1. */
function exactUpperTail(v: number, n: number, counts: Float64Array): number {
  let sum = 0;
  for (let s = v; s < counts.length; s++) sum += counts[s];
  return sum / 2 ** n;
}

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Paired two-sided Wilcoxon signed-rank test of x against y (differences x − y). */
export function wilcoxonSignedRank(x: readonly number[], y: readonly number[]): WilcoxonResult {
  if (x.length !== y.length) {
    throw new RangeError(`paired samples must have the same length, got ${x.length} and ${y.length}`);
  }
  if (x.length === 0) throw new RangeError('Wilcoxon signed-rank test needs at least one pair');
  const differences = x.map((xi, i) => xi - y[i]);
  if (differences.some((d) => !Number.isFinite(d))) throw new RangeError('paired samples must be finite numbers');

  const nonZero = differences.filter((d) => d !== 0);
  const zeros = differences.length - nonZero.length;
  const n = nonZero.length;
  const expected = (n * (n + 1)) / 4;
  const base = { pairs: x.length, zeros, n, expected, medianDifference: median(differences) };
  if (n === 0) {
    return { ...base, statistic: 0, ties: false, method: 'normal-approximation', z: null, pValue: null };
  }

  const { ranks, tieGroups } = midRanks(nonZero.map(Math.abs));
  let statistic = 0;
  nonZero.forEach((d, i) => {
    if (d > 0) statistic += ranks[i];
  });
  const ties = tieGroups.some((t) => t > 1);

  if (n < WILCOXON_EXACT_LIMIT && !ties && zeros === 0) {
    const counts = signedRankCounts(n);
    // As R: take the tail on the side V lies on, double it. V is an integer here (no ties).
    const oneTail = statistic > expected ? exactUpperTail(statistic, n, counts) : exactLowerTail(statistic, n, counts);
    return { ...base, statistic, ties, method: 'exact', z: null, pValue: Math.min(1, 2 * oneTail) };
  }

  const tieTerm = tieGroups.reduce((acc, t) => acc + (t * t * t - t), 0);
  const sigma = Math.sqrt((n * (n + 1) * (2 * n + 1)) / 24 - tieTerm / 48);
  const centred = statistic - expected;
  const z = (centred - Math.sign(centred) * 0.5) / sigma;
  return { ...base, statistic, ties, method: 'normal-approximation', z, pValue: normalTwoSidedP(z) };
}
