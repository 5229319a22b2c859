/**
 * Consensus of several raters' labelmaps over the same grid: the soft reference (voxelwise mean of
 * the raters' lesion indicators) and the majority vote. Pure loops over typed arrays, the output
 * array last so callers can reuse memory; nothing is allocated per voxel.
 *
 * Majority rule: a voxel is lesion when its votes reach ⌊R/2⌋ + 1 of R raters, i.e. a strict
 * majority. Ties (possible for even R) are therefore background: with 2 raters both must agree.
 *
 * Tables with several certain labels (labelsEvaluated) take the per-label forms at the end: the
 * soft reference of one label and the multi-label majority. Environment-free.
 */
import type { UncertainAs } from './labels';

/** The vote weight of each label value under a given uncertain-voxel rule, indexed by value 0..2. */
export function voteWeights(uncertainAs: UncertainAs): readonly [number, number, number] {
  switch (uncertainAs) {
    case 'lesion':
      return [0, 1, 1];
    case 'background':
      return [0, 1, 0];
    case 'half':
      return [0, 1, 0.5];
  }
}

/** Votes needed for a strict majority of `raterCount` raters: ⌊R/2⌋ + 1. */
export function majorityThreshold(raterCount: number): number {
  return Math.floor(raterCount / 2) + 1;
}

/** Checks that every rater's labelmap covers the same grid; returns its voxel count. */
export function raterGridSize(labelmaps: readonly Uint8Array[]): number {
  if (labelmaps.length === 0) throw new Error('consensus needs at least one rater labelmap');
  const n = labelmaps[0].length;
  for (let r = 1; r < labelmaps.length; r++) {
    if (labelmaps[r].length !== n) {
      throw new Error(`consensus: labelmap ${r} has ${labelmaps[r].length} voxels but labelmap 0 has ${n}; raters must share one grid`);
    }
  }
  return n;
}

function checkInputs(labelmaps: readonly Uint8Array[], outLength: number): number {
  const n = raterGridSize(labelmaps);
  if (outLength !== n) throw new Error(`consensus: output has ${outLength} voxels, expected ${n}`);
  return n;
}

/**
 * The votes at voxel `i` across raters, with w1 and w2 the weights of labels 1 and 2 (from
 * `voteWeights`). Votes are multiples of 0.5, so the Float64 sum is exact. Small enough for V8 to
 * inline in the per-voxel loops that call it.
 */
function votesAt(labelmaps: readonly Uint8Array[], i: number, w1: number, w2: number): number {
  let votes = 0;
  for (let r = 0; r < labelmaps.length; r++) {
    const v = labelmaps[r][i];
    if (v === 1) votes += w1;
    else if (v === 2) votes += w2;
  }
  return votes;
}

/**
 * Where the soft reference is written: Float32 for display and export, Float64 where the metrics
 * want the mean in double precision (the conventions' soft reference, metrics/raters.ts). The sum
 * of votes is exact in both (multiples of ½, at most 2²⁴ raters).
 */
type SoftOut = Float32Array | Float64Array;

/**
 * Voxelwise sum of votes across raters (each voxel's weight from `voteWeights`). Values outside
 * {0,1,2} are not checked here (the store validates on the way in) and count as 0.
 */
export function sumVotes<T extends SoftOut = Float32Array>(
  labelmaps: readonly Uint8Array[],
  uncertainAs: UncertainAs,
  out: T = new Float32Array(labelmaps[0]?.length ?? 0) as T,
): T {
  const n = checkInputs(labelmaps, out.length);
  const [, w1, w2] = voteWeights(uncertainAs);
  out.fill(0);
  for (const lm of labelmaps) {
    for (let i = 0; i < n; i++) {
      const v = lm[i];
      if (v === 1) out[i] += w1;
      else if (v === 2) out[i] += w2;
    }
  }
  return out;
}

/** Soft reference: the mean of the raters' votes, in [0, 1]. Float32 keeps k/R exact enough for display and export. */
export function softConsensus<T extends SoftOut = Float32Array>(labelmaps: readonly Uint8Array[], uncertainAs: UncertainAs, out?: T): T {
  const sums = sumVotes<T>(labelmaps, uncertainAs, out);
  const r = labelmaps.length;
  for (let i = 0; i < sums.length; i++) sums[i] /= r;
  return sums;
}

/** Majority consensus as a binary Uint8 labelmap (0 background, 1 lesion). */
export function majorityConsensus(
  labelmaps: readonly Uint8Array[],
  uncertainAs: UncertainAs,
  out: Uint8Array = new Uint8Array(labelmaps[0]?.length ?? 0),
): Uint8Array {
  const n = checkInputs(labelmaps, out.length);
  const [, w1, w2] = voteWeights(uncertainAs);
  const needed = majorityThreshold(labelmaps.length);
  for (let i = 0; i < n; i++) out[i] = votesAt(labelmaps, i, w1, w2) >= needed ? 1 : 0;
  return out;
}

/**
 * Votes per voxel counted in half votes (2 × the sum of `voteWeights`), so every rule's sum is an
 * integer: one small-integer grid from which the majority, every leave-one-out majority and the soft
 * reference follow exactly (the evaluation keeps this instead of a mask per rater and a Float32 soft
 * map; src-shared/evaluation/sources.ts). Uint8 up to 127 raters, Uint16 beyond.
 */
export type HalfVotes = Uint8Array | Uint16Array;

export function halfVotes(labelmaps: readonly Uint8Array[], uncertainAs: UncertainAs): HalfVotes {
  const n = raterGridSize(labelmaps);
  const [, w1, w2] = voteWeights(uncertainAs);
  const [h1, h2] = [2 * w1, 2 * w2];
  const out = 2 * labelmaps.length <= 0xff ? new Uint8Array(n) : new Uint16Array(n);
  for (const lm of labelmaps) {
    for (let i = 0; i < n; i++) {
      const v = lm[i];
      if (v === 1) out[i] += h1;
      else if (v === 2) out[i] += h2;
    }
  }
  return out;
}

/** majorityConsensus of the `raterCount` raters whose half votes these are: votes ≥ ⌊R/2⌋ + 1. */
export function majorityOfHalfVotes(votes: HalfVotes, raterCount: number, out: Uint8Array = new Uint8Array(votes.length)): Uint8Array {
  const needed = 2 * majorityThreshold(raterCount);
  for (let i = 0; i < votes.length; i++) out[i] = votes[i] >= needed ? 1 : 0;
  return out;
}

/**
 * majorityConsensus of every rater but one, from all `raterCount` raters' half votes and the left-out
 * rater's labelmap: the others' votes are the total less that rater's own, against the strict
 * majority of R − 1 (a tie among an even number of others is background, as in majorityConsensus).
 */
export function leaveOneOutMajority(
  votes: HalfVotes,
  raterCount: number,
  leftOut: Uint8Array,
  uncertainAs: UncertainAs,
  out: Uint8Array = new Uint8Array(votes.length),
): Uint8Array {
  if (raterCount < 2) throw new Error('a leave-one-out majority needs at least two raters');
  if (leftOut.length !== votes.length) throw new Error(`consensus: labelmap has ${leftOut.length} voxels, expected ${votes.length}`);
  const [, w1, w2] = voteWeights(uncertainAs);
  const own = [0, 2 * w1, 2 * w2];
  const needed = 2 * majorityThreshold(raterCount - 1);
  for (let i = 0; i < votes.length; i++) {
    const v = leftOut[i];
    out[i] = votes[i] - (v <= 2 ? own[v] : 0) >= needed ? 1 : 0;
  }
  return out;
}

/**
 * The soft reference's value for each half-vote count 0…2R: exactly softConsensus's Float32 mean
 * (the sum of votes, c / 2, is exact; divided by R and rounded to Float32 once), so
 * `values[votes[i]]` is softConsensus(…)[i] bit for bit.
 */
export function softValuesOfHalfVotes(raterCount: number): Float32Array {
  const values = new Float32Array(2 * raterCount + 1);
  for (let c = 0; c < values.length; c++) values[c] = c / 2 / raterCount;
  return values;
}

/**
 * Soft reference of one label of a multi-label table: the mean of the raters' one-hot masks for
 * `label` (k/R where k raters painted it). Any other value, the uncertain one included, is not a
 * vote for it: uncertain is not a class, and which label the rater was unsure of is unknown.
 */
export function labelSoftConsensus(
  labelmaps: readonly Uint8Array[],
  label: number,
  out: Float32Array = new Float32Array(labelmaps[0]?.length ?? 0),
): Float32Array {
  const n = checkInputs(labelmaps, out.length);
  out.fill(0);
  for (const lm of labelmaps) {
    for (let i = 0; i < n; i++) if (lm[i] === label) out[i] += 1;
  }
  // Counted, then divided once, so k/R is the nearest float to k/R as in softConsensus.
  for (let i = 0; i < n; i++) out[i] /= labelmaps.length;
  return out;
}

/**
 * Multi-label majority: each voxel gets the label of `labels` that a strict majority (⌊R/2⌋ + 1) of
 * the raters painted there, else 0. Two labels cannot both reach a strict majority (that would take
 * more than R votes), so there is no tie between labels to break; a label with exactly half the
 * votes (even R) is background, as in the binary rule. Uncertain and other values vote for nothing.
 */
export function multiLabelMajority(
  labelmaps: readonly Uint8Array[],
  labels: readonly number[],
  out: Uint8Array = new Uint8Array(labelmaps[0]?.length ?? 0),
): Uint8Array {
  const n = checkInputs(labelmaps, out.length);
  const counted = new Uint8Array(256);
  for (const l of labels) counted[l] = 1;
  const votes = new Uint16Array(256);
  const needed = majorityThreshold(labelmaps.length);
  for (let i = 0; i < n; i++) {
    let winner = 0;
    for (const lm of labelmaps) {
      const v = lm[i];
      if (counted[v] === 1 && ++votes[v] >= needed) winner = v;
    }
    for (const lm of labelmaps) votes[lm[i]] = 0;
    out[i] = winner;
  }
  return out;
}
