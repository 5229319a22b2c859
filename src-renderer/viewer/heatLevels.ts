/**
 * The soft-reference heat map: the mean of the raters' votes (src-shared/project/consensus.ts) in
 * `levels` steps. With uncertain voxels counted as half a vote, the mean of R raters is always a
 * multiple of 1/(2R), so 2R levels represent it exactly (no rounding error at all): level m means a
 * mean vote of m/(2R).
 *
 * Drawn from the review's vote codes (src-shared/project/voteCodes.ts), which the disagreement map
 * shares: the mean vote is a function of the counts each code stands for, so the heat map is a
 * level per code and a colour table over the codes (`heatLutAt`). Its lower threshold and hiding
 * change that table, not the voxels (issue 15): before, the heat map held a grid of steps and a
 * second grid of the levels left after the threshold, rewritten and uploaded at every step.
 *
 * Pure.
 */
import { voteWeights } from '../../src-shared/project/consensus';
import type { UncertainAs } from '../../src-shared/project/labels';
import { voteCodes, type VoteCodes } from '../../src-shared/project/voteCodes';
import { heatLut, type Rgba } from './raterColors';

/** Levels that represent the mean of `raterCount` raters exactly: 2R (half votes). */
export function heatLevelsFor(raterCount: number): number {
  return Math.min(255, Math.max(1, 2 * raterCount));
}

export interface HeatMap {
  /** The raters' vote codes: the grid the heat map (and the disagreement map) is drawn from. */
  readonly votes: VoteCodes;
  readonly levels: number;
  /** Per vote code, the mean vote in steps of 1/levels: round(mean × levels), exact up to 127 raters. */
  readonly levelOf: Uint8Array;
}

/**
 * With `label` (a certain label of a multi-label table), the soft reference of that label: the share
 * of raters who painted it (labelSoftConsensus's k/R; uncertain votes for no label). Without it, the
 * binary reading's mean vote under `uncertainAs`.
 */
export function computeHeatMap(labelmaps: readonly Uint8Array[], uncertainAs: UncertainAs = 'half', label: number | null = null): HeatMap {
  const votes = voteCodes(labelmaps, label);
  const [, w1, w2] = voteWeights(uncertainAs);
  const levels = heatLevelsFor(labelmaps.length);
  const scale = levels / labelmaps.length;
  // One label: `ones` raters painted it, a whole vote each. Binary: votesAt's weighted sum.
  const levelOf = Uint8Array.from(votes.counts, ({ ones, twos }) => Math.round((label === null ? ones * w1 + twos * w2 : ones) * scale));
  return { votes, levels, levelOf };
}

/** Voxel i's level (mean vote × levels). */
export function heatLevelAt(heat: HeatMap, i: number): number {
  return heat.levelOf[heat.votes.codes[i]];
}

/** Σ mean vote over the grid (voxels): times the voxel volume, the soft reference's volume V_soft. */
export function heatMapSum(heat: HeatMap): number {
  let steps = 0;
  heat.votes.histogram.forEach((voxels, code) => (steps += voxels * heat.levelOf[code]));
  return steps / heat.levels;
}

/** Whether level m is drawn: a mean vote of 0, or under `lowerThreshold`, is not. */
function levelDrawn(m: number, levels: number, lowerThreshold: number): boolean {
  return m !== 0 && !(m / levels < lowerThreshold);
}

/** The heat map's colours over the vote codes at `lowerThreshold`: levels under it (and all of them when hidden) transparent. */
export function heatLutAt(heat: HeatMap, lowerThreshold: number, visible: boolean): Rgba[] {
  const ramp = heatLut(heat.levels);
  return Array.from(heat.levelOf, (m): Rgba => {
    const [r, g, b] = ramp[m];
    return [r, g, b, visible && levelDrawn(m, heat.levels, lowerThreshold) ? ramp[m][3] : 0];
  });
}

/** How many voxels `heatLutAt(…, lowerThreshold, true)` colours. */
export function heatVoxelsDrawn(heat: HeatMap, lowerThreshold: number): number {
  let drawn = 0;
  heat.votes.histogram.forEach((voxels, code) => {
    if (levelDrawn(heat.levelOf[code], heat.levels, lowerThreshold)) drawn += voxels;
  });
  return drawn;
}

/** Whether level m is inside the soft reference's p = 0.5 region: at least half of the votes. */
function insideContour(heat: HeatMap, m: number): boolean {
  return 2 * m >= heat.levels;
}

/** How many voxels the p = 0.5 region holds (softContourLevels's count), from the histogram: no grid read or written. */
export function softContourVoxels(heat: HeatMap): number {
  let inside = 0;
  heat.votes.histogram.forEach((voxels, code) => {
    if (insideContour(heat, heat.levelOf[code])) inside += voxels;
  });
  return inside;
}

/**
 * The soft reference's p = 0.5 region (mean vote ≥ ½: at least half of the raters' votes) as a
 * binary labelmap, drawn as an outline only, so its edge is the p = 0.5 contour. Unlike the strict
 * majority of consensus.ts, a tie (1 of 2 raters) is inside: the contour of the soft map at ½.
 * Returns the number of voxels inside.
 */
export function softContourLevels(heat: HeatMap, out: Uint8Array): number {
  const { codes } = heat.votes;
  if (out.length !== codes.length) throw new Error(`contour output has ${out.length} voxels, expected ${codes.length}`);
  const insideOf = Uint8Array.from(heat.levelOf, (m) => (insideContour(heat, m) ? 1 : 0));
  let inside = 0;
  for (let i = 0; i < out.length; i++) {
    const v = insideOf[codes[i]];
    out[i] = v;
    inside += v;
  }
  return inside;
}
