/**
 * Unblinding: answers given in labels (A/B) turned into statements about sources. Only allowed once
 * the study is closed: decoding before then would put the mapping where an admin (or a bug) could
 * show it to a reader mid-study.
 */
import type { StoredAnswer } from './answers';
import { isAiSource, type StudyConfig, type StudyState } from './design';
import { sourceOfLabel, type ServerTrial } from './trials';

export class StudyNotClosedError extends Error {
  constructor(state: StudyState) {
    super(`the study is ${state}: results and the source mapping are available only after it is closed`);
    this.name = 'StudyNotClosedError';
  }
}

export function requireClosed(state: StudyState): void {
  if (state !== 'closed') throw new StudyNotClosedError(state);
}

export interface DecodedAnswer {
  readonly answer: StoredAnswer;
  readonly trial: ServerTrial;
  /** Paired: the preferred source; 'none' for no preference; null if the question was not answered. */
  readonly preferred: string | 'none' | null;
  /** Acceptability score per source id shown in the trial. */
  readonly acceptability: ReadonlyMap<string, number>;
  /** Paired: the source the reader picked as AI. Single: whether the reader judged it AI. */
  readonly aiPick: string | null;
  readonly judgedAi: boolean | null;
  /**
   * Whether the AI answer was right; null when it does not apply: no answer, or a paired trial whose
   * two sources are not exactly one model and one human (the reader is asked anyway, since asking
   * only on some trials would tell them which pairs contain a model).
   */
  readonly aiCorrect: boolean | null;
  /**
   * The confidence rating (1–5) that the rated contour (B in paired mode, the one shown in single
   * mode) is the AI's, with whether it is: one ROC observation. null when not rated, or on a paired
   * trial without exactly one model source.
   */
  readonly aiRating: { readonly rating: number; readonly ratedIsAi: boolean } | null;
}

/** The side a confidence rating leans to: 1–2 the first option (A, human), 4–5 the second, 3 neither. */
function ratingLean(rating: number): 'first' | 'second' | null {
  return rating < 3 ? 'first' : rating > 3 ? 'second' : null;
}

/** Joins answers to their trials and resolves labels. Throws on answers that do not fit the plan. */
export function decodeAnswers(
  config: StudyConfig,
  state: StudyState,
  trials: readonly ServerTrial[],
  answers: readonly StoredAnswer[],
): DecodedAnswer[] {
  requireClosed(state);
  const trialById = new Map(trials.map((t) => [t.trialId, t]));
  const sourceById = new Map(config.sources.map((s) => [s.sourceId, s]));
  const isAi = (sourceId: string | null): boolean => {
    const s = sourceId === null ? undefined : sourceById.get(sourceId);
    if (!s) throw new RangeError(`trial refers to unknown source "${sourceId}"`);
    return isAiSource(s);
  };
  const seen = new Set<string>();
  return answers.map((answer) => {
    const trial = trialById.get(answer.trialId);
    if (!trial) throw new RangeError(`answer for unknown trial "${answer.trialId}"`);
    if (trial.readerId !== answer.readerId) {
      throw new RangeError(`answer for trial "${answer.trialId}" comes from "${answer.readerId}", not its reader`);
    }
    if (seen.has(answer.trialId)) throw new RangeError(`more than one stored answer for trial "${answer.trialId}"`);
    seen.add(answer.trialId);

    const preferred =
      answer.preference === undefined ? null : answer.preference === 'none' ? 'none' : sourceOfLabel(trial, answer.preference);
    const acceptability = new Map<string, number>();
    if (answer.acceptability?.A !== undefined) acceptability.set(trial.sourceA, answer.acceptability.A);
    if (answer.acceptability?.B !== undefined && trial.sourceB !== null) acceptability.set(trial.sourceB, answer.acceptability.B);

    let aiPick: string | null = null;
    let judgedAi: boolean | null = null;
    let aiCorrect: boolean | null = null;
    let aiRating: DecodedAnswer['aiRating'] = null;
    // A rating that leans to one side counts as that choice for the accuracy; "cannot tell" (3)
    // counts as no choice there, and every rating enters the AUC.
    const lean = answer.aiRating === undefined ? null : ratingLean(answer.aiRating);
    const aiChoice = answer.aiChoice ?? (lean === null ? undefined : lean === 'first' ? 'A' : 'B');
    const aiJudgement = answer.aiJudgement ?? (lean === null ? undefined : lean === 'first' ? 'human' : 'ai');
    if (trial.mode === 'paired') {
      const exactlyOneAi = isAi(trial.sourceA) !== isAi(trial.sourceB);
      if (aiChoice !== undefined) {
        aiPick = sourceOfLabel(trial, aiChoice);
        aiCorrect = exactlyOneAi ? isAi(aiPick) : null;
      }
      if (answer.aiRating !== undefined && exactlyOneAi) aiRating = { rating: answer.aiRating, ratedIsAi: isAi(trial.sourceB) };
    } else {
      if (aiJudgement !== undefined) {
        judgedAi = aiJudgement === 'ai';
        aiCorrect = judgedAi === isAi(trial.sourceA);
      }
      if (answer.aiRating !== undefined) aiRating = { rating: answer.aiRating, ratedIsAi: isAi(trial.sourceA) };
    }
    return { answer, trial, preferred: preferred ?? null, acceptability, aiPick, judgedAi, aiCorrect, aiRating };
  });
}
