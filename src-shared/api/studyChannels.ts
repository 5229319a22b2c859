/**
 * The reader-study channels of the API contract (issue 6), spread into the one `contract` table in
 * contract.ts. Pure logic and schemas of studies are in src-shared/study/.
 *
 * Two audiences, kept apart by channel:
 * - admin (role admin): options, validate, create, list, get, open, close, report, export. These
 *   name the sources; they are refused to anyone else.
 * - reader (a rater listed in the study): mine, next, answer. Their results carry no source, model,
 *   rater or version field: a trial is `ReaderTrial` (strict schema) plus the case image reference
 *   and the overlays as anonymous labels "A"/"B" (binary masks on the reference grid, raw bytes).
 *   The server also runs the leak check (src-shared/study/blinding.ts) on every reader response
 *   before it leaves.
 *
 * Environment-free.
 */
import { z } from '../zod';
import { readerAnswerSchema } from '../study/answers';
import { studyAnalysisSchema } from '../study/analysisSchema';
import { studyConfigSchema, studySourceSchema, studyStateSchema } from '../study/design';
import { studyMrmcSchema } from '../study/mrmcSchema';
import { bytesSchema } from './bytes';
import { readerTrialSchema } from '../study/trials';

const session = z.string().min(1);
const studyId = z.string().min(1).max(200);

/** What the admin sets up; the server adds the id and the creation time, and draws a seed if none is given. */
const studyDraftSchema = studyConfigSchema.omit({ studyId: true, createdAt: true, seed: true }).extend({
  seed: z.string().min(1).max(200).optional(),
});
export type StudyDraft = z.infer<typeof studyDraftSchema>;

const setupCheckSchema = z.object({
  ok: z.boolean(),
  errors: z.array(z.string()),
  /** Every (case, source) without a segmentation. */
  missing: z.array(z.object({ caseId: z.string(), sourceId: z.string() })),
});
export type SetupCheck = z.infer<typeof setupCheckSchema>;

const studyOptionsSchema = z.object({
  cases: z.array(z.object({ caseId: z.string(), name: z.string() })),
  /** Sources the project can supply (sourceId is a suggestion), with the cases each one covers. */
  sources: z.array(z.object({ source: studySourceSchema, caseIds: z.array(z.string()) })),
  /** People who can be readers (human raters), with their role: reviewers and admins can open raters' work elsewhere. */
  readers: z.array(z.object({ raterId: z.string(), name: z.string(), role: z.enum(['annotator', 'reviewer', 'admin']) })),
});
export type StudyOptions = z.infer<typeof studyOptionsSchema>;

const studySummarySchema = z.object({
  studyId: z.string(),
  title: z.string(),
  state: studyStateSchema,
  mode: z.enum(['paired', 'single']),
  /** null until the study is closed: with it, anyone could replay every reader's order and placement. */
  seed: z.string().nullable(),
  createdAt: z.string(),
  caseCount: z.number().int(),
  sourceCount: z.number().int(),
  allowRevisit: z.boolean(),
  /** Progress per reader (answered trials of their total; 0 before the study opens). */
  readers: z.array(z.object({ readerId: z.string(), name: z.string(), answered: z.number().int(), total: z.number().int() })),
});
export type StudySummary = z.infer<typeof studySummarySchema>;

/** A study as its reader sees it in a list: nothing but the title and their own progress. */
const readerStudySchema = z.object({ studyId: z.string(), title: z.string(), answered: z.number().int(), total: z.number().int() });
export type ReaderStudy = z.infer<typeof readerStudySchema>;

/** One trial for its reader: the blinded trial, the case image to load, and the anonymous overlays. */
const readerTrialPayloadSchema = z.strictObject({
  studyId: z.string(),
  title: z.string(),
  answered: z.number().int(),
  total: z.number().int(),
  /** null when every trial is answered. */
  trial: readerTrialSchema.nullable(),
  /** The case image (its reference series), opened with case.open; null with trial null. */
  image: z
    .strictObject({ path: z.string(), bValue: z.number().nullable(), dims: z.tuple([z.number(), z.number(), z.number()]) })
    .nullable(),
  /** Binary masks (1 = segmented) on the reference grid, i fastest, raw; one per label. */
  overlays: z.array(z.strictObject({ label: z.enum(['A', 'B']), mask: bytesSchema })),
});
export type ReaderTrialPayload = z.infer<typeof readerTrialPayloadSchema>;

const serverTrialSchema = z.object({
  trialId: z.string(),
  readerId: z.string(),
  position: z.number().int(),
  caseId: z.string(),
  mode: z.enum(['paired', 'single']),
  sourceA: z.string(),
  sourceB: z.string().nullable(),
});

export const studyChannels = {
  /** Admin: the cases, sources (models, raters, consensus) and possible readers a study can use. */
  'quorum:study.options': { request: z.object({ session }), result: studyOptionsSchema },
  /** Admin: check a set-up without saving it; lists every problem and every missing (case, source). */
  'quorum:study.validate': { request: z.object({ session, draft: studyDraftSchema }), result: setupCheckSchema },
  /** Admin: create a draft study (refused, with the same list, unless it validates). */
  'quorum:study.create': { request: z.object({ session, draft: studyDraftSchema }), result: studySummarySchema },
  /** Admin: every study with its state and progress. */
  'quorum:study.list': { request: z.object({ session }), result: z.array(studySummarySchema) },
  /** Admin: one study's configuration, without the seed (the summary shows it once the study is closed). */
  'quorum:study.get': {
    request: z.object({ session, studyId }),
    result: z.object({ summary: studySummarySchema, config: studyConfigSchema.omit({ seed: true }).strict() }),
  },
  /** Admin: draft → open (re-validates, freezes the segmentations shown and plans every reader's trials). */
  'quorum:study.open': { request: z.object({ session, studyId }), result: studySummarySchema },
  /** Admin: open → closed. Answers are refused from then on; the mapping and statistics become available. */
  'quorum:study.close': { request: z.object({ session, studyId }), result: studySummarySchema },
  /** Admin, closed studies only: statistics, the source labels and the revealed A/B mapping of every trial. */
  'quorum:study.report': {
    request: z.object({ session, studyId }),
    result: z.object({
      summary: studySummarySchema,
      config: studyConfigSchema,
      analysis: studyAnalysisSchema,
      /** The OR multi-reader multi-case analysis of acceptability; null when acceptability was not asked. */
      mrmc: studyMrmcSchema.nullable(),
      trials: z.array(serverTrialSchema),
    }),
  },
  /** Admin, closed studies only: every answer as CSV (timestamps, time taken) and the configuration JSON (seed). */
  'quorum:study.export': { request: z.object({ session, studyId }), result: z.object({ answersCsv: z.string(), configJson: z.string() }) },
  /** Reader: open studies in which the signed-in rater is a reader, with their progress. */
  'quorum:study.mine': { request: z.object({ session }), result: z.array(readerStudySchema) },
  /** Reader: the next unanswered trial, or the trial at `position` (a submitted one only if the study allows revisits). */
  'quorum:study.next': {
    request: z.object({ session, studyId, position: z.number().int().min(0).optional() }),
    result: readerTrialPayloadSchema,
  },
  /** Reader: answer a trial (refused once the study is closed, and for a submitted trial unless revisits are allowed). */
  'quorum:study.answer': {
    request: z.object({ session, studyId, answer: readerAnswerSchema }),
    result: z.object({ answered: z.number().int(), total: z.number().int() }),
  },
} as const;

export type StudyChannel = keyof typeof studyChannels;
