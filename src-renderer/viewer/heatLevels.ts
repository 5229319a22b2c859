/**
 * The soft-reference heat map as a Uint8 labelmap Cornerstone can draw: the mean of the raters'
 * votes (src-shared/project/consensus.ts) quantised to `levels` steps. With uncertain voxels counted
 * as half a vote, the mean of R raters is always a multiple of 1/(2R), so 2R levels represent it
 * exactly (no rounding error at all): level m means a mean vote of m/(2R). Uint8 costs one byte a
 * voxel, a quarter of Float32.
 *
 * The layer draws these steps themselves; the lower threshold and hiding change its colours
 * (`heatLutAt`: levels under the threshold transparent), not its voxels (issue 15): before, a
 * second grid held the levels left after the threshold, 75 MiB more on 512×512×300, rewritten and
 * uploaded at every threshold step.
 *
 * Pure.
 */
import { raterGridSize, voteWeights, votesAt } from '../../src-shared/project/consensus';
import type { UncertainAs } from '../../src-shared/project/labels';
import { heatLut, type Rgba } from './raterColors';

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
  /** Voxels per step (index m: mean vote m/levels), so a threshold change counts what it draws without reading the grid. */
  readonly histogram: Float64Array;
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
  const histogram = new Float64Array(levels + 1);
  if (label === null)
    for (let i = 0; i < n; i++) {
      const m = Math.round(votesAt(labelmaps, i, w1, w2) * scale);
      steps[i] = m;
      histogram[m]++;
    }
  else
    for (let i = 0; i < n; i++) {
      let painted = 0;
      for (const lm of labelmaps) if (lm[i] === label) painted++;
      const m = Math.round(painted * scale);
      steps[i] = m;
      histogram[m]++;
    }
  return { steps, levels, histogram };
}

/** Σ mean vote over the grid (voxels): times the voxel volume, the soft reference's volume V_soft. */
export function heatMapSum(heat: HeatMap): number {
  let steps = 0;
  for (let i = 0; i < heat.steps.length; i++) steps += heat.steps[i];
  return steps / heat.levels;
}

/** Whether level m is drawn: a mean vote of 0, or under `lowerThreshold`, is not. */
function levelDrawn(m: number, levels: number, lowerThreshold: number): boolean {
  return m !== 0 && !(m / levels < lowerThreshold);
}

/** The heat map's colours at `lowerThreshold`: levels under it (and all of them when hidden) transparent. */
export function heatLutAt(levels: number, lowerThreshold: number, visible: boolean): Rgba[] {
  return heatLut(levels).map((c, m) => (visible && levelDrawn(m, levels, lowerThreshold) ? c : [c[0], c[1], c[2], 0]));
}

/** How many voxels `heatLutAt(…, lowerThreshold, true)` colours. */
export function heatVoxelsDrawn(heat: HeatMap, lowerThreshold: number): number {
  let drawn = 0;
  for (let m = 1; m <= heat.levels; m++) if (levelDrawn(m, heat.levels, lowerThreshold)) drawn += heat.histogram[m];
  return drawn;
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
