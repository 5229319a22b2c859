/**
 * Label values of a Quorum labelmap and checks over them. One Uint8 labelmap per rater and case:
 * 0 background, 1 lesion, 2 uncertain lesion (a region the rater marked as "maybe"). How metrics and
 * consensus treat the uncertain value is the caller's explicit choice (`UncertainAs`).
 *
 * Environment-free: shared by the project store (main), the renderer and the CLI.
 */
import type { VoxelArray } from '../volume/types';

/** The label values, one doc line each (Cornerstone's segment indices use the same numbers). */
export const LabelValue = {
  /** Not lesion. */
  background: 0,
  /** Lesion, as the rater is sure of it. */
  lesion: 1,
  /** Possible lesion: the rater marked the region as uncertain. */
  uncertain: 2,
} as const;
export type LabelValue = (typeof LabelValue)[keyof typeof LabelValue];

/**
 * How an uncertain voxel (value 2) counts wherever a binary or soft decision is needed:
 * - `lesion`: as 1 (sensitive reading);
 * - `background`: as 0 (specific reading);
 * - `half`: as 0.5 of a vote (only meaningful for soft means and vote counts).
 */
export type UncertainAs = 'lesion' | 'background' | 'half';

export function isLabelValue(v: number): v is LabelValue {
  return v === 0 || v === 1 || v === 2;
}

export interface InvalidLabelReport {
  /** How many voxels hold a value outside {0, 1, 2}. */
  count: number;
  /** Flat index (i fastest) of the first such voxel. */
  firstIndex: number;
  /** Up to five distinct offending values, in order of appearance, for the error message. */
  examples: number[];
}

/** Null when every value is 0, 1 or 2; otherwise where and what the first bad values are. */
export function findInvalidLabels(data: VoxelArray): InvalidLabelReport | null {
  let count = 0;
  let firstIndex = -1;
  const examples: number[] = [];
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v === 0 || v === 1 || v === 2) continue;
    count++;
    if (firstIndex < 0) firstIndex = i;
    if (examples.length < 5 && !examples.includes(v)) examples.push(v);
  }
  return count === 0 ? null : { count, firstIndex, examples };
}

export interface LabelCounts {
  background: number;
  lesion: number;
  uncertain: number;
}

/** Voxel counts per label value; assumes the data already passed findInvalidLabels. */
export function countLabels(data: ArrayLike<number>): LabelCounts {
  let lesion = 0;
  let uncertain = 0;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v === 1) lesion++;
    else if (v === 2) uncertain++;
  }
  return { background: data.length - lesion - uncertain, lesion, uncertain };
}

/** Validates the values and returns a Uint8 labelmap: the same array when it already is one, else a copy. */
export function toLabelmap(data: VoxelArray): Uint8Array {
  const bad = findInvalidLabels(data);
  if (bad) {
    throw new Error(
      `labelmap holds ${bad.count} voxel(s) outside {0, 1, 2} (e.g. ${bad.examples.join(', ')} first at flat index ${bad.firstIndex}); ` +
        'allowed values are 0 background, 1 lesion, 2 uncertain lesion',
    );
  }
  return data instanceof Uint8Array ? data : Uint8Array.from(data);
}
