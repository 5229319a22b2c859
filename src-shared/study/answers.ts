/**
 * A reader's answer to one trial, and the pure checks the server runs before storing it: the study
 * must be open (answers to a draft or closed study are refused), the trial must be the reader's, a
 * submitted answer can be changed only if the study allows revisits, and the answer must reply to
 * exactly the questions the study asks.
 *
 * Answers speak in labels (A/B) only; analysis.ts maps them to sources after the study is closed.
 */
import { z } from '../zod';
import type { StudyConfig, StudyState } from './design';
import type { ServerTrial } from './trials';

const likert = z.number().int().min(1).max(5);

/** What a reader submits (strict: unknown fields are refused). */
export const readerAnswerSchema = z.strictObject({
  trialId: z.string().min(1),
  preference: z.enum(['A', 'B', 'none']).optional(),
  acceptability: z.strictObject({ A: likert.optional(), B: likert.optional() }).optional(),
  /** Paired mode: the label the reader thinks was made by AI. */
  aiChoice: z.enum(['A', 'B']).optional(),
  /** Single mode: whether the reader thinks the segmentation was made by AI. */
  aiJudgement: z.enum(['ai', 'human']).optional(),
  /**
   * When the study asks "made by AI?" with confidence: how likely the right-hand contour (B) is the
   * AI's, 1 "surely A" … 3 "cannot tell" … 5 "surely B"; single mode: 1 "surely human" … 5 "surely AI".
   */
  aiRating: likert.optional(),
  comment: z.string().max(10_000).optional(),
});
export type ReaderAnswer = z.infer<typeof readerAnswerSchema>;

/** An accepted answer as stored by the server, with its timing. */
export interface StoredAnswer extends ReaderAnswer {
  readonly readerId: string;
  /** ISO 8601: when the trial was first shown to the reader. */
  readonly startedAt: string;
  /** ISO 8601: when this (latest) answer was accepted. */
  readonly submittedAt: string;
  /** Time on the trial in milliseconds, as measured by the server or the viewer. */
  readonly timeTakenMs: number;
  /** 0 for the first submission, +1 for each accepted revision. */
  readonly revision: number;
}

export type AnswerRefusalCode =
  'study-not-open' | 'study-closed' | 'unknown-trial' | 'not-your-trial' | 'already-submitted' | 'invalid-answer';

export type AnswerCheck =
  { readonly ok: true; readonly answer: ReaderAnswer } | { readonly ok: false; readonly code: AnswerRefusalCode; readonly message: string };

/** Whether a study in `state` takes answers; null if it does, else the refusal. */
export function refuseUnlessOpen(state: StudyState): Extract<AnswerCheck, { ok: false }> | null {
  if (state === 'open') return null;
  if (state === 'closed') return { ok: false, code: 'study-closed', message: 'the study is closed; answers are no longer accepted' };
  return { ok: false, code: 'study-not-open', message: 'the study has not been opened yet' };
}

/** The questions an answer must reply to, and which it must not, for the study's mode. */
function completenessProblems(answer: ReaderAnswer, config: Pick<StudyConfig, 'questions' | 'mode'>): string[] {
  const q = config.questions;
  const paired = config.mode === 'paired';
  const problems: string[] = [];
  const need = (asked: boolean, given: boolean, what: string): void => {
    if (asked && !given) problems.push(`${what} is required`);
    if (!asked && given) problems.push(`${what} is not asked in this study`);
  };
  need(q.preference && paired, answer.preference !== undefined, 'preference');
  need(q.acceptability, answer.acceptability?.A !== undefined, 'acceptability of A');
  need(q.acceptability && paired, answer.acceptability?.B !== undefined, 'acceptability of B');
  need(q.whichIsAi === true && paired, answer.aiChoice !== undefined, '"which one is AI?"');
  need(q.whichIsAi === true && !paired, answer.aiJudgement !== undefined, '"was this made by AI?"');
  need(q.whichIsAi === 'confidence', answer.aiRating !== undefined, 'the "made by AI?" confidence rating');
  if (!q.comment && answer.comment !== undefined && answer.comment !== '') problems.push('comment is not asked in this study');
  return problems;
}

export interface AnswerCheckInput {
  readonly state: StudyState;
  readonly config: Pick<StudyConfig, 'questions' | 'mode' | 'allowRevisit'>;
  /** The reader submitting (from the session, never from the request body). */
  readonly readerId: string;
  /** The server-side trial with the answer's trialId, or undefined if there is none. */
  readonly trial: ServerTrial | undefined;
  /** Whether this reader already has an accepted answer for the trial. */
  readonly alreadySubmitted: boolean;
  /** The request body, unparsed. */
  readonly answer: unknown;
}

/** All the checks, in the order a reader would want to hear about them. */
export function checkAnswer(input: AnswerCheckInput): AnswerCheck {
  const closed = refuseUnlessOpen(input.state);
  if (closed) return closed;
  const parsed = readerAnswerSchema.safeParse(input.answer);
  if (!parsed.success) {
    const message = parsed.error.issues.map((i) => `${i.path.join('.') || 'answer'}: ${i.message}`).join('; ');
    return { ok: false, code: 'invalid-answer', message };
  }
  const answer = parsed.data;
  // Same message for a trial that does not exist and one that is someone else's would hide which
  // ids exist; we keep them apart for the admin log but neither reveals anything about sources.
  if (!input.trial || input.trial.trialId !== answer.trialId) {
    return { ok: false, code: 'unknown-trial', message: `no trial "${answer.trialId}" in this study` };
  }
  if (input.trial.readerId !== input.readerId) {
    return { ok: false, code: 'not-your-trial', message: 'this trial belongs to another reader' };
  }
  if (input.alreadySubmitted && !input.config.allowRevisit) {
    return { ok: false, code: 'already-submitted', message: 'this trial was already answered and the study does not allow revisits' };
  }
  const problems = completenessProblems(answer, input.config);
  if (problems.length > 0) return { ok: false, code: 'invalid-answer', message: problems.join('; ') };
  return { ok: true, answer };
}
