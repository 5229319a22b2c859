/**
 * Reader side of a study: the studies a rater reads, their next trial and their answers.
 *
 * What leaves here is blinded by construction: the trial is `toReaderTrial` (strict schema, no
 * source/case field), the image is the case's reference series path, and the overlays are binary
 * masks under the labels "A"/"B", frozen when the study opened (studyPayloads.ts). As a second line of defence every payload (masks aside: bytes,
 * not text) goes through the leak check with the study's identifiers and every rater name of the
 * project before it is returned; a hit is an internal error, never a response.
 *
 * Plain Node.
 */
import type { ReaderStudy, ReaderTrialPayload } from '../../../src-shared/api/studyChannels';
import type { Session } from '../../../src-shared/project/types';
import { checkAnswer } from '../../../src-shared/study/answers';
import { assertNoLeaks, studyIdentifiers } from '../../../src-shared/study/blinding';
import type { StudyConfig } from '../../../src-shared/study/design';
import { readersMayAnswer } from '../../../src-shared/study/lifecycle';
import { toReaderTrial } from '../../../src-shared/study/trials';
import { appendAudit } from '../project/audit';
import { nowIso, type StoreContext } from '../project/context';
import { fail } from '../project/errors';
import {
  answerCount,
  answeredTrialIds,
  appendAnswer,
  appendView,
  loadStudy,
  startedAt,
  studyIds,
  trialsOf,
  type StoredStudy,
} from './studyRecords';
import { frozenTrial } from './studyPayloads';
import { sourceRaterNames } from './studySetup';

/** Thrown with the answer check's refusal code, so the API can pass it on. */
export class AnswerRefusedError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'AnswerRefusedError';
  }
}

function requireReader(config: StudyConfig, viewer: Session): void {
  if (!config.readerIds.includes(viewer.raterId)) fail('forbidden', 'you are not a reader of this study');
}

/**
 * Every string that would unblind this study's readers: its sources' ids, labels, model ids and
 * versions, rater ids, and the display names of the raters and model versions behind them.
 */
async function readerLeakIdentifiers(ctx: StoreContext, config: StudyConfig): Promise<string[]> {
  return studyIdentifiers(config, await sourceRaterNames(ctx, config.sources));
}

/** Open studies in which the viewer is a reader. */
export async function myStudies(ctx: StoreContext, viewer: Session): Promise<ReaderStudy[]> {
  const out: ReaderStudy[] = [];
  for (const id of await studyIds(ctx)) {
    const { config, state } = await loadStudy(ctx, id);
    if (state !== 'open' || !config.readerIds.includes(viewer.raterId)) continue;
    const total = (await trialsOf(ctx, id, viewer.raterId)).length;
    out.push({ studyId: id, title: config.title, answered: (await answeredTrialIds(ctx, id, viewer.raterId)).size, total });
  }
  return out;
}

function requireOpen(study: StoredStudy): void {
  if (!readersMayAnswer(study.state)) {
    fail(
      'bad-request',
      study.state === 'closed' ? 'the study is closed; answers are no longer accepted' : 'the study has not been opened yet',
    );
  }
}

/** The reader's next unanswered trial, or the one at `position` (a submitted one only if revisits are allowed). */
export async function nextTrial(ctx: StoreContext, viewer: Session, studyId: string, position?: number): Promise<ReaderTrialPayload> {
  const study = await loadStudy(ctx, studyId);
  const { config } = study;
  requireReader(config, viewer);
  requireOpen(study);
  const trials = await trialsOf(ctx, studyId, viewer.raterId);
  const answered = await answeredTrialIds(ctx, studyId, viewer.raterId);
  const trial = position === undefined ? trials.find((t) => !answered.has(t.trialId)) : trials[position];
  if (position !== undefined && trial === undefined)
    fail('bad-request', `there is no trial ${position + 1}: this study has ${trials.length}`);
  const base = { studyId, title: config.title, answered: answered.size, total: trials.length };
  let payload: ReaderTrialPayload;
  if (trial === undefined) {
    payload = { ...base, trial: null, image: null, overlays: [] };
  } else {
    const submitted = answered.has(trial.trialId);
    if (submitted && !config.allowRevisit) fail('bad-request', 'this trial was already answered and the study does not allow revisits');
    await appendView(ctx, studyId, trial.trialId, viewer.raterId, nowIso());
    // Frozen at opening: the same lookup for every trial, whatever its sources (studyPayloads.ts).
    const { image, overlays } = await frozenTrial(ctx, config, trial.trialId);
    payload = { ...base, trial: toReaderTrial(trial, config, trials.length, submitted), image, overlays: [...overlays] };
  }
  assertNoLeaks({ ...payload, overlays: payload.overlays.map((o) => ({ label: o.label })) }, await readerLeakIdentifiers(ctx, config));
  return payload;
}

/** Stores an answer (appended; a revision is a new row) after the pure checks of answers.ts. */
export async function submitAnswer(
  ctx: StoreContext,
  viewer: Session,
  studyId: string,
  answer: unknown,
): Promise<{ answered: number; total: number }> {
  const study = await loadStudy(ctx, studyId);
  requireReader(study.config, viewer);
  const trialId =
    typeof answer === 'object' && answer !== null && 'trialId' in answer ? String((answer as { trialId: unknown }).trialId) : '';
  const trials = await trialsOf(ctx, studyId, viewer.raterId);
  // Another reader's trial id is looked up study-wide so the refusal says so (answers.ts keeps the two apart).
  const trial = trials.find((t) => t.trialId === trialId) ?? (await trialsOf(ctx, studyId)).find((t) => t.trialId === trialId);
  const revision = trial ? await answerCount(ctx, trial.trialId, viewer.raterId) : 0;
  const check = checkAnswer({
    state: study.state,
    config: study.config,
    readerId: viewer.raterId,
    trial,
    alreadySubmitted: revision > 0,
    answer,
  });
  if (!check.ok) throw new AnswerRefusedError(check.code, check.message);
  const started = await startedAt(ctx, check.answer.trialId, viewer.raterId);
  if (started === null) fail('bad-request', 'this trial has not been shown to you yet: open it before answering');
  const submittedAt = nowIso();
  await ctx.db.transaction(async () => {
    await appendAnswer(ctx, studyId, viewer.raterId, check.answer, { startedAt: started, submittedAt, revision });
    await appendAudit(ctx, {
      actorRaterId: viewer.raterId,
      action: 'study.answer',
      subjectId: studyId,
      detail: { trialId: check.answer.trialId, revision },
    });
  });
  return { answered: (await answeredTrialIds(ctx, studyId, viewer.raterId)).size, total: trials.length };
}
