/**
 * The evaluation channels of the API contract (issue 7), spread into the one `contract` table in
 * contract.ts. One call gives everything a case's evaluation needs, so the per-case panel and the
 * dataset dashboard each make one request per case instead of list + read per rater:
 *
 * - every human rater with a version on the case: the newest *submitted* labelmap (review and
 *   metrics compare submitted work; a rater with only a draft is listed without one), or the
 *   explicit "no lesion" answer;
 * - every model known to the project: its newest result on this case as uint8 p × 255 (label 1,
 *   src-shared/inference/quantise.ts) with the mask saved beside it and its threshold, or none.
 *
 * Reviewers and admins only: an annotator's session gets `unauthorized` (the blinding rules of
 * src-shared/project/blinding.ts; metrics would reveal other raters' work).
 *
 * Environment-free.
 */
import { z } from '../zod';
import { raterCaseStatusSchema, seriesGeometrySchema } from '../project/schemas';
import { bytesSchema } from './bytes';

/** A stored version's voxels, raw, or 'held' when the request listed the version as one the page holds. */
const versionVoxelsSchema = z.union([bytesSchema, z.literal('held')]);

const evaluationRaterSourceSchema = z.object({
  raterId: z.string(),
  name: z.string(),
  /** The rater's status on the case (newest version): 'draft' means nothing submitted to compare. */
  status: raterCaseStatusSchema,
  /** The newest submitted version, or null when the rater has only drafts. */
  versionId: z.string().nullable(),
  noLesion: z.boolean(),
  /**
   * The Uint8 labelmap (label values, i fastest), raw; null for "no lesion" and for drafts only;
   * 'held' when the request listed this version as one the page holds (its voxels are left out).
   */
  labelmap: versionVoxelsSchema.nullable(),
});
export type EvaluationRaterSource = z.infer<typeof evaluationRaterSourceSchema>;

const evaluationModelSourceSchema = z.object({
  raterId: z.string(),
  name: z.string(),
  /** The newest result on this case, or null when the model has none. */
  versionId: z.string().nullable(),
  /** The threshold the stored mask was made at (strict p > t). */
  threshold: z.number().nullable(),
  /**
   * The Uint8 mask saved with the result (made from the float map at `threshold`), raw: the mask
   * evaluation uses, so the model's name means the saved mask everywhere. null without a result;
   * 'held' when the request listed this version as one the page holds.
   */
  mask: versionVoxelsSchema.nullable(),
  /**
   * The stored form of label 1's probabilities, as stored (never re-quantised on the way): uint8
   * q = round(p × 255), i fastest; p = q / 255 (src-shared/inference/quantise.ts).
   */
  probabilityQ255: bytesSchema.nullable(),
  /** Σp·vv and #(p > t)·vv in ml from the float map before quantising, when the result recorded them. */
  expectedMl: z.number().nullable(),
  maskMl: z.number().nullable(),
  modelId: z.string().nullable(),
  modelVersion: z.string().nullable(),
});
export type EvaluationModelSource = z.infer<typeof evaluationModelSourceSchema>;

const caseSourcesSchema = z.object({
  caseId: z.string(),
  name: z.string(),
  /** The reference grid every labelmap and probability map lies on. */
  geometry: seriesGeometrySchema,
  raters: z.array(evaluationRaterSourceSchema),
  models: z.array(evaluationModelSourceSchema),
});
export type CaseSources = z.infer<typeof caseSourcesSchema>;

export const evaluationChannels = {
  /** One case's rater labelmaps and model probabilities for evaluation (reviewers and admins). */
  'quorum:evaluation.caseSources': {
    request: z.object({
      session: z.string().min(1),
      caseId: z.string().min(1),
      /**
       * Versions whose voxels the page already holds (src-renderer/state/sharedLabelmaps.ts): their
       * labelmaps come back as 'held' instead of again in the answer (5 × 75 MiB in review mode on a
       * 512×512×300 CT). A stored version never changes, so its id names its voxels. Ids this session
       * is not sent anyway change nothing in the answer.
       */
      held: z.array(z.string().min(1).max(200)).max(10_000).optional(),
    }),
    result: caseSourcesSchema,
  },
} as const;

export type EvaluationChannel = keyof typeof evaluationChannels;
