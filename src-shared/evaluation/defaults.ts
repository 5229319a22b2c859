/**
 * The one set of evaluation defaults (issue 11, item 9): the per-case metrics panel, the dataset
 * dashboard and the review heat map start from these, and each shows them in its own controls, so
 * the same case gives the same numbers in every view until the user changes a setting.
 *
 * - T = 0 ml: a mask is small when !(volume > 0), i.e. empty, exactly as "no T", but the USE
 *   image-level class (TP/TN/FP/FN) is defined, which the dashboard's detection table needs.
 * - Uncertain voxels (label 2) as ½ vote: background in one rater's binary mask, half a vote in the
 *   majority, the soft reference and the heat map (src-shared/project/consensus.ts voteWeights).
 *
 * Environment-free.
 */
import type { UncertainAs } from '../project/labels';

/** USE-Evaluator's small threshold T in ml. */
export const DEFAULT_USE_THRESHOLD_ML = 0;

export const DEFAULT_UNCERTAIN_AS: UncertainAs = 'half';

/** How each rule is written in the panel, the dashboard and the heat map's label (the default first). */
export const UNCERTAIN_LABELS: Readonly<Record<UncertainAs, string>> = {
  half: 'as ½ vote',
  lesion: 'as lesion',
  background: 'as background',
};
