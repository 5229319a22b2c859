/**
 * References built from several raters and their disagreement (docs/metric-conventions.md):
 * soft reference (voxelwise mean), majority (count ≥ ⌊R/2⌋+1), pairwise and leave-one-out Dice,
 * Fleiss' kappa over a stated region, USE entropy, and the generalised energy distance.
 */
import { majorityConsensus, majorityThreshold, softConsensus } from '../project/consensus';
import { confusion } from './overlap';
import type { Confusion } from './overlap';

export type DiceOf = (c: Confusion) => number;

function checkSameLength(masks: readonly Uint8Array[]): number {
  if (masks.length === 0) throw new Error('at least one rater mask is required');
  const n = masks[0].length;
  for (const m of masks) if (m.length !== n) throw new Error('rater masks differ in length');
  return n;
}

/** Number of raters marking each voxel: the whole counts the agreement statistics below tabulate. */
export function raterCounts(raters: readonly Uint8Array[]): Uint8Array {
  const n = checkSameLength(raters);
  if (raters.length > 255) throw new Error('at most 255 raters');
  const counts = new Uint8Array(n);
  for (const m of raters) for (let p = 0; p < n; p++) counts[p] += m[p];
  return counts;
}

/**
 * The soft reference (mean of the masks) and the majority (≥ ⌊R/2⌋+1 of R) are the project's one
 * consensus engine (src-shared/project/consensus.ts) on 0/1 masks, so the metrics CLI, the panel,
 * the heat map and the exports share one rule; the mean is kept in double precision here.
 */
export function softReference(raters: readonly Uint8Array[]): Float64Array {
  return softConsensus(raters, 'lesion', new Float64Array(checkSameLength(raters)));
}

/** Majority vote: at least ⌊R/2⌋+1 of R raters. */
export function majority(raters: readonly Uint8Array[]): Uint8Array {
  checkSameLength(raters);
  return majorityConsensus(raters, 'lesion');
}

/** Symmetric R×R matrix of Dice between raters (diagonal = Dice of a mask with itself). */
export function pairwiseDice(raters: readonly Uint8Array[], dice: DiceOf): number[][] {
  checkSameLength(raters);
  const r = raters.length;
  const m: number[][] = Array.from({ length: r }, () => new Array<number>(r).fill(NaN));
  for (let a = 0; a < r; a++) {
    for (let b = a; b < r; b++) {
      const v = dice(confusion(raters[a], raters[b]));
      m[a][b] = v;
      m[b][a] = v;
    }
  }
  return m;
}

/** Each rater against the majority (⌊(R−1)/2⌋+1) of the other R−1 raters; needs R ≥ 2. */
export function leaveOneOutDice(raters: readonly Uint8Array[], dice: DiceOf): number[] {
  checkSameLength(raters);
  if (raters.length < 2) return raters.map(() => NaN);
  const counts = raterCounts(raters);
  const need = majorityThreshold(raters.length - 1);
  const consensus = new Uint8Array(counts.length);
  return raters.map((m) => {
    for (let p = 0; p < counts.length; p++) consensus[p] = counts[p] - m[p] >= need ? 1 : 0;
    return dice(confusion(consensus, m));
  });
}

/**
 * Fleiss' kappa with two categories over the voxels of `region` (all voxels when omitted):
 * P_i = (n1² + n0² − R)/(R(R−1)), P̄ = mean P_i, P_e = p1² + p0², κ = (P̄ − P_e)/(1 − P_e).
 */
export function fleissKappa(raters: readonly Uint8Array[], region?: Uint8Array): number {
  const counts = raterCounts(raters);
  const r = raters.length;
  if (r < 2) return NaN;
  let nItems = 0,
    sumPi = 0,
    ones = 0;
  for (let p = 0; p < counts.length; p++) {
    if (region && region[p] === 0) continue;
    const n1 = counts[p],
      n0 = r - n1;
    nItems++;
    ones += n1;
    sumPi += (n1 * n1 + n0 * n0 - r) / (r * (r - 1));
  }
  if (nItems === 0) return NaN;
  const pBar = sumPi / nItems;
  const p1 = ones / (nItems * r);
  const pe = p1 * p1 + (1 - p1) * (1 - p1);
  return (pBar - pe) / (1 - pe);
}

/**
 * USE entropy (UncertainSmallEmpty uncertainty_run.py my_entropy): skip voxels no rater marked;
 * elsewhere the base-2 entropy of the rater label counts; mean over those voxels (NaN if none).
 */
export function useEntropy(raters: readonly Uint8Array[]): number {
  const counts = raterCounts(raters);
  const r = raters.length;
  // Entropy depends only on the count, so tabulate it once.
  const h = new Float64Array(r + 1);
  for (let c = 1; c <= r; c++) {
    const a = c / r,
      b = (r - c) / r;
    h[c] = -(a * Math.log2(a)) - (b > 0 ? b * Math.log2(b) : 0);
  }
  let n = 0,
    s = 0;
  for (let p = 0; p < counts.length; p++) {
    const c = counts[p];
    if (c === 0) continue;
    n++;
    s += h[c];
  }
  return n === 0 ? NaN : s / n;
}

/** 1 − IoU, with 0 for two empty masks (identical sets). */
function iouDistance(a: Uint8Array, b: Uint8Array): number {
  const c = confusion(a, b);
  const u = c.tp + c.fp + c.fn;
  return u === 0 ? 0 : 1 - c.tp / u;
}

function meanPairDistance(xs: readonly Uint8Array[], ys: readonly Uint8Array[]): number {
  let s = 0;
  for (const x of xs) for (const y of ys) s += iouDistance(x, y);
  return s / (xs.length * ys.length);
}

/**
 * Generalised energy distance D² = 2E[d(S,Y)] − E[d(S,S')] − E[d(Y,Y')] with d = 1 − IoU (Kohl et al.
 * 2018), expectations over all ordered pairs of the sample sets including identical pairs.
 */
export function generalisedEnergyDistance(raters: readonly Uint8Array[], samples: readonly Uint8Array[]): number {
  if (raters.length === 0 || samples.length === 0) return NaN;
  return 2 * meanPairDistance(samples, raters) - meanPairDistance(samples, samples) - meanPairDistance(raters, raters);
}
