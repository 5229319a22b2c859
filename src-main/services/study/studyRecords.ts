/**
 * The study tables (schema.ts, "reader studies" migration) as typed reads and appends. Every table is
 * append-only: a state change, a view and a revised answer are new rows, never updates.
 *
 * Plain Node. Internal to the study service, which checks roles and states first.
 */
import type { ReaderAnswer, StoredAnswer } from '../../../src-shared/study/answers';
import { studyConfigSchema, type StudyConfig, type StudyState } from '../../../src-shared/study/design';
import type { ServerTrial } from '../../../src-shared/study/trials';
import type { StoreContext } from '../project/context';
import { fail } from '../project/errors';
import { int, text, textOrNull } from '../project/sqlite';

export interface StoredStudy {
  readonly config: StudyConfig;
  readonly state: StudyState;
}

export async function insertStudy(ctx: StoreContext, config: StudyConfig, actorRaterId: string): Promise<void> {
  await ctx.db.run('INSERT INTO studies (study_id, title, config, created_at, created_by) VALUES (?, ?, ?, ?, ?)', [
    config.studyId,
    config.title,
    JSON.stringify(config),
    config.createdAt,
    actorRaterId,
  ]);
}

export async function appendState(ctx: StoreContext, studyId: string, state: StudyState, at: string, actorRaterId: string): Promise<void> {
  await ctx.db.run('INSERT INTO study_states (study_id, state, at, actor_rater_id) VALUES (?, ?, ?, ?)', [
    studyId,
    state,
    at,
    actorRaterId,
  ]);
}

export async function loadStudy(ctx: StoreContext, studyId: string): Promise<StoredStudy> {
  const r = await ctx.db.get('SELECT config FROM studies WHERE study_id = ?', [studyId]);
  if (!r) return fail('not-found', `no study ${studyId}`);
  const config = studyConfigSchema.parse(JSON.parse(text(r, 'config')));
  const s = await ctx.db.get('SELECT state FROM study_states WHERE study_id = ? ORDER BY seq DESC LIMIT 1', [studyId]);
  return { config, state: s ? (text(s, 'state') as StudyState) : 'draft' };
}

export async function studyIds(ctx: StoreContext): Promise<string[]> {
  return (await ctx.db.all('SELECT study_id FROM studies ORDER BY created_at DESC, study_id')).map((r) => text(r, 'study_id'));
}

export async function insertSegmentation(
  ctx: StoreContext,
  studyId: string,
  caseId: string,
  sourceId: string,
  versionIds: readonly string[],
): Promise<void> {
  await ctx.db.run('INSERT INTO study_segmentations (study_id, case_id, source_id, version_ids) VALUES (?, ?, ?, ?)', [
    studyId,
    caseId,
    sourceId,
    JSON.stringify(versionIds),
  ]);
}

export async function frozenVersions(ctx: StoreContext, studyId: string, caseId: string, sourceId: string): Promise<string[]> {
  const r = await ctx.db.get('SELECT version_ids FROM study_segmentations WHERE study_id = ? AND case_id = ? AND source_id = ?', [
    studyId,
    caseId,
    sourceId,
  ]);
  if (!r) throw new Error(`study ${studyId} froze no segmentation for ${caseId}/${sourceId}`);
  return JSON.parse(text(r, 'version_ids')) as string[];
}

export async function insertTrials(ctx: StoreContext, studyId: string, trials: readonly ServerTrial[]): Promise<void> {
  for (const t of trials) {
    await ctx.db.run(
      'INSERT INTO study_trials (trial_id, study_id, reader_id, position, case_id, mode, source_a, source_b) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      [t.trialId, studyId, t.readerId, t.position, t.caseId, t.mode, t.sourceA, t.sourceB],
    );
  }
}

/** A study's trials (one reader's when given), by reader then position. */
export async function trialsOf(ctx: StoreContext, studyId: string, readerId?: string): Promise<ServerTrial[]> {
  const rows =
    readerId === undefined
      ? await ctx.db.all('SELECT * FROM study_trials WHERE study_id = ? ORDER BY reader_id, position', [studyId])
      : await ctx.db.all('SELECT * FROM study_trials WHERE study_id = ? AND reader_id = ? ORDER BY position', [studyId, readerId]);
  return rows.map((r) => ({
    trialId: text(r, 'trial_id'),
    readerId: text(r, 'reader_id'),
    position: int(r, 'position'),
    caseId: text(r, 'case_id'),
    mode: text(r, 'mode') as ServerTrial['mode'],
    sourceA: text(r, 'source_a'),
    sourceB: textOrNull(r, 'source_b'),
  }));
}

export async function appendView(ctx: StoreContext, studyId: string, trialId: string, readerId: string, at: string): Promise<void> {
  await ctx.db.run('INSERT INTO study_views (study_id, trial_id, reader_id, at) VALUES (?, ?, ?, ?)', [studyId, trialId, readerId, at]);
}

/**
 * When the reader started on this (revision of the) trial: the first view after their previous
 * answer to it, or the first view ever. Null if the trial was never shown to them.
 */
export async function startedAt(ctx: StoreContext, trialId: string, readerId: string): Promise<string | null> {
  const last = await ctx.db.get('SELECT MAX(seq) AS seq FROM study_answers WHERE trial_id = ? AND reader_id = ?', [trialId, readerId]);
  const after = last && last.seq !== null ? int(last, 'seq') : 0;
  const lastAnswerAt = after > 0 ? await ctx.db.get('SELECT submitted_at FROM study_answers WHERE seq = ?', [after]) : null;
  const since = lastAnswerAt ? text(lastAnswerAt, 'submitted_at') : '';
  const r = await ctx.db.get('SELECT at FROM study_views WHERE trial_id = ? AND reader_id = ? AND at >= ? ORDER BY seq LIMIT 1', [
    trialId,
    readerId,
    since,
  ]);
  return r ? text(r, 'at') : null;
}

/** The number of accepted answers this reader already gave to the trial (the next revision number). */
export async function answerCount(ctx: StoreContext, trialId: string, readerId: string): Promise<number> {
  const r = await ctx.db.get('SELECT COUNT(*) AS n FROM study_answers WHERE trial_id = ? AND reader_id = ?', [trialId, readerId]);
  return r ? int(r, 'n') : 0;
}

export async function appendAnswer(
  ctx: StoreContext,
  studyId: string,
  readerId: string,
  answer: ReaderAnswer,
  timing: { startedAt: string; submittedAt: string; revision: number },
): Promise<void> {
  const timeTakenMs = Math.max(0, Date.parse(timing.submittedAt) - Date.parse(timing.startedAt));
  await ctx.db.run(
    'INSERT INTO study_answers (study_id, trial_id, reader_id, answer, started_at, submitted_at, time_taken_ms, revision) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    [studyId, answer.trialId, readerId, JSON.stringify(answer), timing.startedAt, timing.submittedAt, timeTakenMs, timing.revision],
  );
}

/** The latest revision of every answered trial of the study (what the statistics use). */
export async function latestAnswers(ctx: StoreContext, studyId: string): Promise<StoredAnswer[]> {
  const rows = await ctx.db.all(
    `SELECT a.* FROM study_answers a
     WHERE a.study_id = ? AND a.seq = (SELECT MAX(seq) FROM study_answers b WHERE b.trial_id = a.trial_id)
     ORDER BY a.seq`,
    [studyId],
  );
  return rows.map((r) => ({
    ...(JSON.parse(text(r, 'answer')) as ReaderAnswer),
    readerId: text(r, 'reader_id'),
    startedAt: text(r, 'started_at'),
    submittedAt: text(r, 'submitted_at'),
    timeTakenMs: int(r, 'time_taken_ms'),
    revision: int(r, 'revision'),
  }));
}

/** Trials answered per reader. */
export async function answeredByReader(ctx: StoreContext, studyId: string): Promise<Map<string, number>> {
  const rows = await ctx.db.all(
    'SELECT reader_id, COUNT(DISTINCT trial_id) AS n FROM study_answers WHERE study_id = ? GROUP BY reader_id',
    [studyId],
  );
  return new Map(rows.map((r) => [text(r, 'reader_id'), int(r, 'n')]));
}

/** Ids of the trials this reader has answered. */
export async function answeredTrialIds(ctx: StoreContext, studyId: string, readerId: string): Promise<Set<string>> {
  return new Set(
    (await ctx.db.all('SELECT DISTINCT trial_id FROM study_answers WHERE study_id = ? AND reader_id = ?', [studyId, readerId])).map((r) =>
      text(r, 'trial_id'),
    ),
  );
}
