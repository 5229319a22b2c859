/**
 * Voxelwise disagreement across raters' labelmaps on one grid, two measures a reviewer can switch
 * between (both 0 where all raters agree):
 * - `entropy`: the Shannon entropy, in bits, of the distribution of label values {0, 1, 2} that the
 *   raters gave the voxel: H = −Σ_c (n_c/R)·log2(n_c/R). It sees "uncertain" as a category of its
 *   own, so {1, 2} disagrees as much as {0, 1}. Maximum log2(min(R, 3)) bits (1 bit for two raters).
 * - `variance`: the population variance of the raters' votes, each vote weighted by `voteWeights`
 *   (consensus.ts; by default uncertain = ½): Var = mean(w²) − mean(w)². Maximum ¼ (half the raters
 *   say 1, half 0).
 * Both depend only on how many raters gave each label (voteCodes.ts), so they are computed once per
 * combination of counts, and the review draws them through a colour table over the vote codes.
 * Environment-free.
 */
import { voteWeights } from './consensus';
import type { UncertainAs } from './labels';
import type { VoteCount } from './voteCodes';

export type DisagreementMeasure = 'entropy' | 'variance';

/**
 * The largest value the measure can take with `raterCount` raters (a fixed colour scale); `oneLabel`
 * for one label of a table, whose entropy has two categories (painted or not), so at most 1 bit.
 */
export function disagreementMax(measure: DisagreementMeasure, raterCount: number, oneLabel = false): number {
  if (!Number.isInteger(raterCount) || raterCount < 1)
    throw new Error(`disagreement needs a positive whole number of raters, got ${raterCount}`);
  return measure === 'entropy' ? Math.log2(Math.min(raterCount, oneLabel ? 2 : 3)) : 0.25;
}

/** −(c/R)·log2(c/R), 0 for c = 0. */
function entropyTerm(c: number, r: number): number {
  return c === 0 ? 0 : -(c / r) * Math.log2(c / r);
}

/**
 * The measure at a voxel where `count.ones` of `raterCount` raters gave 1 and `count.twos` gave 2
 * (any other value counts as 0). With `oneLabel`, disagreement about one label of a multi-label
 * table: `count.ones` raters painted it and the rest did not, so entropy has two categories
 * (H = −p·log2 p − (1−p)·log2(1−p), at most 1 bit) and variance is p(1 − p), with p = k/R.
 */
export function disagreementOf(
  measure: DisagreementMeasure,
  raterCount: number,
  count: VoteCount,
  uncertainAs: UncertainAs = 'half',
  oneLabel = false,
): number {
  const r = raterCount;
  const { ones, twos } = count;
  if (!(ones >= 0 && twos >= 0 && ones + twos <= r)) throw new Error(`disagreement: ${ones} + ${twos} votes of ${r} raters`);
  if (oneLabel) {
    const p = ones / r;
    return measure === 'variance' ? p * (1 - p) : ones === 0 || ones === r ? 0 : -p * Math.log2(p) - (1 - p) * Math.log2(1 - p);
  }
  if (measure === 'entropy') return entropyTerm(r - ones - twos, r) + entropyTerm(ones, r) + entropyTerm(twos, r);
  const [, w1, w2] = voteWeights(uncertainAs);
  const mean = (ones * w1 + twos * w2) / r;
  // Clamp the rounding residue of E[w²] − E[w]² (exact here: weights are multiples of ½).
  return Math.max(0, (ones * w1 * w1 + twos * w2 * w2) / r - mean * mean);
}
