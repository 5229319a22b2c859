/**
 * Label values of a Quorum labelmap and checks over them. One Uint8 labelmap per rater and case:
 * 0 background, 1 lesion, 2 uncertain lesion (a region the rater marked as "maybe"). How metrics and
 * consensus treat the uncertain value is the caller's explicit choice (`UncertainAs`). A project may
 * define other labels (labelTable.ts); the checks here then take its `LabelValueSet`.
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

/** Which values a labelmap may hold: 0 (background) and the project's label values. */
export interface LabelValueSet {
  /** 256 entries, 1 where the value is allowed. */
  readonly lookup: Uint8Array;
  /** The allowed values in ascending order, 0 first. */
  readonly values: readonly number[];
}

export function labelValueSet(labels: Iterable<number>): LabelValueSet {
  const lookup = new Uint8Array(256);
  lookup[0] = 1;
  for (const v of labels) if (Number.isInteger(v) && v > 0 && v < 256) lookup[v] = 1;
  const values: number[] = [];
  lookup.forEach((on, v) => {
    if (on) values.push(v);
  });
  return { lookup, values };
}

/** {0, 1, 2}: every project's labels before label tables (and the stroke table's still). */
const STROKE_LABEL_VALUES = labelValueSet([LabelValue.lesion, LabelValue.uncertain]);

/** Every value a Uint8 labelmap can hold. */
export const ANY_LABEL_VALUE = labelValueSet(Array.from({ length: 255 }, (_, i) => i + 1));

export interface InvalidLabelReport {
  /** How many voxels hold a value outside the allowed set. */
  count: number;
  /** Flat index (i fastest) of the first such voxel. */
  firstIndex: number;
  /** Up to 16 distinct offending values, in order of appearance, for the error message. */
  examples: number[];
  /** The allowed set as the message shows it, e.g. "{0, 1, 2}". */
  allowed: string;
}

/** Null when every value is in `allowed` (default {0, 1, 2}); otherwise where and what the first bad values are. */
export function findInvalidLabels(data: VoxelArray, allowed: LabelValueSet = STROKE_LABEL_VALUES): InvalidLabelReport | null {
  const ok = allowed.lookup;
  let count = 0;
  let firstIndex = -1;
  const examples: number[] = [];
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    // A typed array gives undefined for a fraction, NaN or a value outside 0..255 (float imports).
    if (ok[v] === 1) continue;
    count++;
    if (firstIndex < 0) firstIndex = i;
    if (examples.length < 16 && !examples.includes(v)) examples.push(v);
  }
  return count === 0 ? null : { count, firstIndex, examples, allowed: `{${allowed.values.join(', ')}}` };
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

/** Voxels holding any label (non-zero), whatever the project's label table. */
export function countLabelled(data: ArrayLike<number>): number {
  let n = 0;
  for (let i = 0; i < data.length; i++) if (data[i] !== 0) n++;
  return n;
}

/** Validates the values and returns a Uint8 labelmap: the same array when it already is one, else a copy. */
export function toLabelmap(data: VoxelArray): Uint8Array {
  const bad = findInvalidLabels(data);
  if (bad) {
    throw new Error(
      `labelmap holds ${bad.count} voxel(s) outside ${bad.allowed} (e.g. ${bad.examples.join(', ')} first at flat index ${bad.firstIndex}); ` +
        'allowed values are 0 background, 1 lesion, 2 uncertain lesion',
    );
  }
  return data instanceof Uint8Array ? data : Uint8Array.from(data);
}
