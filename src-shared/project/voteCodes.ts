/**
 * The raters' votes at each voxel as one byte, from which a review draws its heat map, its
 * disagreement map and its p = 0.5 contour (issue 15).
 *
 * Every one of those maps is a function of how many raters gave a voxel each label, not of which
 * raters did: the mean vote (consensus.ts votesAt) and both disagreement measures (disagreement.ts)
 * read only the counts of 1s and 2s. So one Uint8 grid of codes, each standing for one combination
 * of counts (`counts[code]`), carries all of them, and a map is a colour table over the codes: its
 * threshold, its measure and whether it is shown change the table, never the grid. Before, the heat
 * map, the disagreement map and a Float32 disagreement map per measure each had their own grid
 * (75 + 75 + 300 MiB on 512×512×300).
 *
 * Code 0 is always "no rater voted" (the transparent entry every colour table starts with). Binary
 * reading: one code per (ones, twos) pair met on the case, numbered as met; R raters have
 * (R+1)(R+2)/2 pairs, at most 256 up to 21 raters, and a case with more raters than that fails only
 * if more than 256 pairs actually occur on it. One label of a multi-label table: the code is the
 * number of raters who painted that label (uncertain and other labels are "not painted").
 *
 * Pure; no environment.
 */
import { raterGridSize } from './consensus';

/** How many raters gave a voxel 1 (`ones`) and 2 (`twos`); for one label, `ones` painted it and `twos` is 0. */
export interface VoteCount {
  readonly ones: number;
  readonly twos: number;
}

export interface VoteCodes {
  /** Per voxel (i fastest), the index into `counts` of its raters' votes. */
  readonly codes: Uint8Array;
  /** What each code stands for; `counts[0]` is no vote. At most 256 entries. */
  readonly counts: readonly VoteCount[];
  /** Voxels per code, so a map counts what it draws without reading the grid. */
  readonly histogram: Float64Array;
  readonly raterCount: number;
  /** The label counted (one label of a multi-label table), or null for the binary reading (1 and 2). */
  readonly label: number | null;
}

const MAX_CODES = 256;

export function voteCodes(labelmaps: readonly Uint8Array[], label: number | null = null): VoteCodes {
  const n = raterGridSize(labelmaps);
  const r = labelmaps.length;
  const codes = new Uint8Array(n);
  if (label !== null) {
    if (r >= MAX_CODES) throw new Error(`the review maps count at most ${MAX_CODES - 1} raters of one label; this case has ${r}`);
    const histogram = new Float64Array(r + 1);
    for (const lm of labelmaps) for (let i = 0; i < n; i++) if (lm[i] === label) codes[i]++;
    for (let i = 0; i < n; i++) histogram[codes[i]]++;
    return { codes, counts: Array.from({ length: r + 1 }, (_, k) => ({ ones: k, twos: 0 })), histogram, raterCount: r, label };
  }
  // (ones, twos) → code, numbered as met; -1 not met yet.
  const slot = new Int16Array((r + 1) * (r + 1)).fill(-1);
  slot[0] = 0;
  const counts: VoteCount[] = [{ ones: 0, twos: 0 }];
  const histogram = new Float64Array(MAX_CODES);
  for (let i = 0; i < n; i++) {
    let ones = 0;
    let twos = 0;
    for (let k = 0; k < r; k++) {
      const v = labelmaps[k][i];
      if (v === 1) ones++;
      else if (v === 2) twos++;
    }
    const key = ones * (r + 1) + twos;
    let code = slot[key];
    if (code < 0) {
      if (counts.length === MAX_CODES)
        throw new Error(
          `the ${r} raters' votes on this case fall into more than ${MAX_CODES} combinations of labels, more than the review maps can draw`,
        );
      code = slot[key] = counts.length;
      counts.push({ ones, twos });
    }
    codes[i] = code;
    histogram[code]++;
  }
  return { codes, counts, histogram: histogram.slice(0, counts.length), raterCount: r, label: null };
}
