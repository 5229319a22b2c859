/**
 * The soft-reference heat map as a Uint8 labelmap Cornerstone can draw: the mean of the raters'
 * votes (src-shared/project/consensus.ts) quantised to `levels` steps, with voxels under the lower
 * threshold set to 0. With uncertain voxels counted as half a vote, the mean of R raters is always a
 * multiple of 1/(2R), so 2R levels represent it exactly (no rounding error at all): level m means
 * a mean vote of m/(2R). Uint8 costs one byte a voxel, a quarter of Float32.
 *
 * Pure; the output array is the caller's (reused when the threshold moves).
 */
import { raterGridSize, voteWeights, votesAt } from '../../src-shared/project/consensus';
import type { UncertainAs } from '../../src-shared/project/labels';

/** Levels that represent the mean of `raterCount` raters exactly: 2R (half votes). */
export function heatLevelsFor(raterCount: number): number {
  return Math.min(255, Math.max(1, 2 * raterCount));
}

export interface HeatMap {
  /**
   * Mean vote per voxel in steps of 1/levels: round(mean × levels), exact up to 127 raters. Kept as
   * Uint8 rather than the Float32 mean of consensus.ts: 75 MiB instead of 300 MiB on 512×512×300,
   * held for as long as the review is open.
   */
  readonly steps: Uint8Array;
  readonly levels: number;
}

/**
 * With `label` (a certain label of a multi-label table), the soft reference of that label: the share
 * of raters who painted it (labelSoftConsensus's k/R; uncertain votes for no label). Without it, the
 * binary reading's mean vote under `uncertainAs`.
 */
export function computeHeatMap(labelmaps: readonly Uint8Array[], uncertainAs: UncertainAs = 'half', label: number | null = null): HeatMap {
  const n = raterGridSize(labelmaps);
  const [, w1, w2] = voteWeights(uncertainAs);
  const levels = heatLevelsFor(labelmaps.length);
  const scale = levels / labelmaps.length;
  const steps = new Uint8Array(n);
  if (label === null) for (let i = 0; i < n; i++) steps[i] = Math.round(votesAt(labelmaps, i, w1, w2) * scale);
  else
    for (let i = 0; i < n; i++) {
      let painted = 0;
      for (const lm of labelmaps) if (lm[i] === label) painted++;
      steps[i] = Math.round(painted * scale);
    }
  return { steps, levels };
}

/** Σ mean vote over the grid (voxels): times the voxel volume, the soft reference's volume V_soft. */
export function heatMapSum(heat: HeatMap): number {
  let steps = 0;
  for (let i = 0; i < heat.steps.length; i++) steps += heat.steps[i];
  return steps / heat.levels;
}

/**
 * Writes the quantised levels of `heat` into `out`: round(mean × levels), or 0 where the mean is
 * below `lowerThreshold` (or is 0). Returns the number of non-zero voxels.
 */
export function quantiseHeatMap(heat: HeatMap, lowerThreshold: number, out: Uint8Array): number {
  const { steps, levels } = heat;
  if (out.length !== steps.length) throw new Error(`heat map output has ${out.length} voxels, expected ${steps.length}`);
  let shown = 0;
  for (let i = 0; i < steps.length; i++) {
    const s = steps[i];
    if (s === 0 || s / levels < lowerThreshold) {
      out[i] = 0;
    } else {
      out[i] = s;
      shown++;
    }
  }
  return shown;
}

/**
 * The soft reference's p = 0.5 region (mean vote ≥ ½: at least half of the raters' votes) as a
 * binary labelmap, drawn as an outline only, so its edge is the p = 0.5 contour. Unlike the strict
 * majority of consensus.ts, a tie (1 of 2 raters) is inside: the contour of the soft map at ½.
 * Returns the number of voxels inside.
 */
export function softContourLevels(heat: HeatMap, out: Uint8Array): number {
  if (out.length !== heat.steps.length) throw new Error(`contour output has ${out.length} voxels, expected ${heat.steps.length}`);
  let inside = 0;
  for (let i = 0; i < out.length; i++) {
    const v = 2 * heat.steps[i] >= heat.levels ? 1 : 0;
    out[i] = v;
    inside += v;
  }
  return inside;
}
