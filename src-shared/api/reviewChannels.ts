/**
 * The review-session channels (issue 6): the worklist, reviewer actions on a version, time on task
 * and its CSV export. Spread into the project channels (projectChannels.ts); like them, every
 * request carries the session token and the store applies roles and blinding (an annotator's
 * worklist holds only their own rows).
 *
 * Environment-free.
 */
import { z } from '../zod';
import { flagKindSchema, raterCaseStatusSchema, raterKindSchema, reviewCommentSchema, reviewFlagSchema } from '../project/schemas';
import {
  REVIEW_ACTIONS,
  WORKLIST_FLAGS,
  WORKLIST_STATUSES,
  type ReviewAction,
  type Worklist,
  type WorklistFlag,
  type WorklistStatus,
} from '../project/reviewSession';

const session = z.string().min(1);
const id = z.string().min(1);

const worklistStatusSchema = z.enum(WORKLIST_STATUSES as [WorklistStatus, ...WorklistStatus[]]);
const worklistFlagSchema = z.enum(WORKLIST_FLAGS as [WorklistFlag, ...WorklistFlag[]]);
const reviewActionSchema = z.enum(REVIEW_ACTIONS as [ReviewAction, ...ReviewAction[]]);

const worklistRowSchema = z.object({
  caseId: z.string(),
  caseName: z.string(),
  casePath: z.string(),
  raterId: z.string(),
  raterName: z.string(),
  raterKind: raterKindSchema,
  status: worklistStatusSchema,
  versionId: z.string().nullable(),
  submittedVersionId: z.string().nullable(),
  updatedAt: z.string().nullable(),
  approved: z.boolean(),
  revision: z.object({ versionId: z.string(), comment: z.string(), requestedAt: z.string() }).nullable(),
  marks: z.array(flagKindSchema),
  activeMs: z.number().nullable(),
  workSessions: z.number().int().nullable(),
});

const worklistSchema = z.object({
  cases: z.array(z.object({ caseId: z.string(), name: z.string(), path: z.string() })),
  raters: z.array(z.object({ raterId: z.string(), name: z.string() })),
  rows: z.array(worklistRowSchema),
  progress: z.object({
    total: z.number().int(),
    byStatus: z.record(worklistStatusSchema, z.number().int()),
    done: z.number().int(),
    approved: z.number().int(),
  }),
});

export const reviewChannels = {
  /** The worklist: rows (rater × case) passing the filters, every visible case, progress over all rows. */
  'quorum:worklist.get': {
    request: z.object({
      session,
      status: worklistStatusSchema.optional(),
      raterId: id.optional(),
      flag: worklistFlagSchema.optional(),
      caseId: id.optional(),
    }),
    result: worklistSchema,
  },
  /** Approve a version, send it back (comment required), or mark the case difficult (reviewers, admins). */
  'quorum:review.act': {
    request: z.object({ session, versionId: id, action: reviewActionSchema, comment: z.string().max(10_000).optional() }),
    result: z.object({ flag: reviewFlagSchema, comment: reviewCommentSchema.nullable() }),
  },
  /** One timed segment of the session's own active time on a case. */
  'quorum:work.record': {
    request: z.object({
      session,
      caseId: id,
      mode: z.enum(['annotate', 'review']),
      startedAt: z.string(),
      endedAt: z.string(),
      activeMs: z.number().int().min(0),
      endReason: z.enum(['switch', 'submit', 'hidden', 'sign-out', 'checkpoint', 'close']),
    }),
    result: z.object({ sessionId: z.string(), totalActiveMs: z.number() }),
  },
  /** Time on task per rater × case × mode as CSV, written to an absolute path (reviewers, admins). */
  'quorum:export.timeOnTaskCsv': {
    request: z.object({ session, path: z.string().min(1) }),
    result: z.object({ path: z.string(), rows: z.number().int() }),
  },
} as const;

export type ReviewChannel = keyof typeof reviewChannels;

// Compile-time proof that the worklist schema infers exactly the documented type (and the status
// enum stays the store's, plus 'revision-requested').
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const proofs: [
  Same<z.infer<typeof worklistSchema>, Worklist>,
  Same<Exclude<z.infer<typeof worklistStatusSchema>, 'revision-requested'>, z.infer<typeof raterCaseStatusSchema>>,
] = [true, true];
void proofs;
