/**
 * The empirical (nonparametric) ROC area: the Wilcoxon–Mann–Whitney statistic
 * P(rating of a positive > rating of a negative) + ½ P(tie), over every (positive, negative) pair.
 * It equals the trapezoidal area under the empirical ROC curve, and is RJafroc's FOM "Wilcoxon"
 * (Hanley & McNeil 1982). Ratings are ordinal: only their order matters.
 */

/** The empirical AUC; null when either class is empty (no pair to compare). */
export function empiricalAuc(positives: readonly number[], negatives: readonly number[]): number | null {
  if (positives.length === 0 || negatives.length === 0) return null;
  let wins = 0;
  for (const p of positives) for (const n of negatives) wins += p > n ? 1 : p === n ? 0.5 : 0;
  return wins / (positives.length * negatives.length);
}

/** One point of an empirical ROC curve: the false and true positive fractions at one threshold. */
export interface RocPoint {
  readonly fpf: number;
  readonly tpf: number;
}

/**
 * The empirical ROC operating points, calling "positive" every rating ≥ t: from (0, 0) (t above
 * every rating) through each distinct rating in decreasing order to (1, 1). Joining them with
 * straight lines gives the area `empiricalAuc` returns. Empty when either class is empty.
 */
export function empiricalRoc(positives: readonly number[], negatives: readonly number[]): RocPoint[] {
  if (positives.length === 0 || negatives.length === 0) return [];
  const thresholds = [...new Set([...positives, ...negatives])].sort((a, b) => b - a);
  const share = (v: readonly number[], t: number) => v.filter((x) => x >= t).length / v.length;
  return [{ fpf: 0, tpf: 0 }, ...thresholds.map((t) => ({ fpf: share(negatives, t), tpf: share(positives, t) }))];
}
