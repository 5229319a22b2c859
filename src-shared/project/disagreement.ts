/**
 * Voxelwise disagreement across raters' labelmaps on one grid, two measures a reviewer can switch
 * between (both 0 where all raters agree):
 * - `entropy`: the Shannon entropy, in bits, of the distribution of label values {0, 1, 2} that the
 *   raters gave the voxel: H = −Σ_c (n_c/R)·log2(n_c/R). It sees "uncertain" as a category of its
 *   own, so {1, 2} disagrees as much as {0, 1}. Maximum log2(min(R, 3)) bits (1 bit for two raters).
 * - `variance`: the population variance of the raters' votes, each vote weighted by `voteWeights`
 *   (consensus.ts; by default uncertain = ½): Var = mean(w²) − mean(w)². Maximum ¼ (half the raters
 *   say 1, half 0).
 * Pure loops over typed arrays, output last; nothing is allocated per voxel. Environment-free.
 */
import { voteWeights } from './consensus';
import type { UncertainAs } from './labels';

export type DisagreementMeasure = 'entropy' | 'variance';

/**
 * The largest value the measure can take with `raterCount` raters (a fixed colour scale); `oneLabel`
 * for labelDisagreement, whose entropy has two categories (painted or not), so at most 1 bit.
 */
export function disagreementMax(measure: DisagreementMeasure, raterCount: number, oneLabel = false): number {
  if (!Number.isInteger(raterCount) || raterCount < 1)
    throw new Error(`disagreement needs a positive whole number of raters, got ${raterCount}`);
  return measure === 'entropy' ? Math.log2(Math.min(raterCount, oneLabel ? 2 : 3)) : 0.25;
}

function checkInputs(labelmaps: readonly Uint8Array[], outLength: number): number {
  if (labelmaps.length === 0) throw new Error('disagreement needs at least one rater labelmap');
  const n = labelmaps[0].length;
  for (let r = 1; r < labelmaps.length; r++) {
    if (labelmaps[r].length !== n)
      throw new Error(`disagreement: labelmap ${r} has ${labelmaps[r].length} voxels but labelmap 0 has ${n}; raters must share one grid`);
  }
  if (outLength !== n) throw new Error(`disagreement: output has ${outLength} voxels, expected ${n}`);
  return n;
}

/** Entropy (bits) of the label values the raters gave each voxel; values outside {0,1,2} count as 0. */
export function labelEntropy(
  labelmaps: readonly Uint8Array[],
  out: Float32Array = new Float32Array(labelmaps[0]?.length ?? 0),
): Float32Array {
  const n = checkInputs(labelmaps, out.length);
  const r = labelmaps.length;
  // −(c/R)·log2(c/R) for every possible count c, computed once.
  const term = new Float64Array(r + 1);
  for (let c = 1; c <= r; c++) term[c] = -(c / r) * Math.log2(c / r);
  for (let i = 0; i < n; i++) {
    let ones = 0;
    let twos = 0;
    for (let k = 0; k < r; k++) {
      const v = labelmaps[k][i];
      if (v === 1) ones++;
      else if (v === 2) twos++;
    }
    out[i] = term[r - ones - twos] + term[ones] + term[twos];
  }
  return out;
}

/** Population variance of the raters' vote weights at each voxel. */
export function voteVariance(
  labelmaps: readonly Uint8Array[],
  uncertainAs: UncertainAs = 'half',
  out: Float32Array = new Float32Array(labelmaps[0]?.length ?? 0),
): Float32Array {
  const n = checkInputs(labelmaps, out.length);
  const r = labelmaps.length;
  const [, w1, w2] = voteWeights(uncertainAs);
  for (let i = 0; i < n; i++) {
    let sum = 0;
    let sumSq = 0;
    for (let k = 0; k < r; k++) {
      const v = labelmaps[k][i];
      const w = v === 1 ? w1 : v === 2 ? w2 : 0;
      sum += w;
      sumSq += w * w;
    }
    const mean = sum / r;
    // Clamp the rounding residue of E[w²] − E[w]² (exact here: weights are multiples of ½).
    out[i] = Math.max(0, sumSq / r - mean * mean);
  }
  return out;
}

export function disagreementMap(
  measure: DisagreementMeasure,
  labelmaps: readonly Uint8Array[],
  uncertainAs: UncertainAs = 'half',
  out?: Float32Array,
): Float32Array {
  return measure === 'entropy' ? labelEntropy(labelmaps, out) : voteVariance(labelmaps, uncertainAs, out);
}

/**
 * Disagreement about one label of a multi-label table: of whether each rater painted `label` there
 * (k of R did; uncertain and other labels are "not painted"). Entropy H = −p·log2 p − (1−p)·log2(1−p)
 * and variance p(1 − p), with p = k/R: the two measures above on the label's one-hot votes.
 */
export function labelDisagreement(
  measure: DisagreementMeasure,
  labelmaps: readonly Uint8Array[],
  label: number,
  out: Float32Array = new Float32Array(labelmaps[0]?.length ?? 0),
): Float32Array {
  const n = checkInputs(labelmaps, out.length);
  const r = labelmaps.length;
  // The value for every possible count k, computed once.
  const byCount = new Float64Array(r + 1);
  for (let k = 0; k <= r; k++) {
    const p = k / r;
    byCount[k] = measure === 'variance' ? p * (1 - p) : k === 0 || k === r ? 0 : -p * Math.log2(p) - (1 - p) * Math.log2(1 - p);
  }
  for (let i = 0; i < n; i++) {
    let k = 0;
    for (const lm of labelmaps) if (lm[i] === label) k++;
    out[i] = byCount[k];
  }
  return out;
}
