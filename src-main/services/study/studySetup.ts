/**
 * Admin side of a reader study: validate a set-up against the project (every case must have every
 * source's segmentation), create it as a draft, open it (freeze the segmentation versions each
 * (case, source) shows and plan every reader's trials) and close it. Every change is one
 * transaction with its audit row. The pure rules are src-shared/study (validateStudySetup,
 * planStudy, transitionStudy); this module applies them to the database.
 *
 * Plain Node.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { SetupCheck, StudyDraft, StudyOptions, StudySummary } from '../../../src-shared/api/studyChannels';
import type { Role, Session } from '../../../src-shared/project/types';
import { findLeaks, studyIdentifiers } from '../../../src-shared/study/blinding';
import { sourcePairs, validateStudySetup, type StudyConfig, type StudySource } from '../../../src-shared/study/design';
import { transitionStudy } from '../../../src-shared/study/lifecycle';
import { planStudy } from '../../../src-shared/study/trials';
import { appendAudit } from '../project/audit';
import { nowIso, type StoreContext } from '../project/context';
import { fail } from '../project/errors';
import { text } from '../project/sqlite';
import { buildTrialPayloads, keepTrialPayloads } from './studyPayloads';
import { answeredByReader, appendState, insertSegmentation, insertStudy, insertTrials, loadStudy, type StoredStudy } from './studyRecords';
import { sourceOptions, sourceVersions } from './studySources';

/** A refused set-up: every problem, and every (case, source) without a segmentation. */
export class StudySetupError extends Error {
  constructor(readonly check: SetupCheck) {
    super(`The study set-up is refused: ${check.errors.join('; ')}`);
    this.name = 'StudySetupError';
  }
}

export function requireAdmin(viewer: Session): void {
  if (viewer.role !== 'admin') fail('forbidden', 'reader studies are set up and run by an admin');
}

/** Display names of the raters (people and model versions) behind the sources. */
export async function sourceRaterNames(ctx: StoreContext, sources: readonly StudySource[]): Promise<string[]> {
  const names: string[] = [];
  for (const s of sources) {
    const r =
      s.ref.kind === 'rater'
        ? await ctx.db.get('SELECT name FROM raters WHERE rater_id = ?', [s.ref.raterId])
        : s.ref.kind === 'model'
          ? await ctx.db.get('SELECT name FROM raters WHERE model_ref = ?', [`${s.ref.modelId}@${s.ref.version}`])
          : null;
    if (r) names.push(text(r, 'name'));
  }
  return names;
}

/** The pure set-up rules plus what only the project knows: cases and readers exist, readers are not sources, the title names no source. */
async function checkSetup(ctx: StoreContext, config: StudyConfig): Promise<SetupCheck> {
  // The pure rules ask synchronously; the project answers asynchronously, so ask it first.
  const present = new Set<string>();
  for (const caseId of config.caseIds)
    for (const source of config.sources)
      if ((await sourceVersions(ctx, caseId, source.ref)) !== null) present.add(JSON.stringify([caseId, source.sourceId]));
  const pure = validateStudySetup(config, (caseId, source) => present.has(JSON.stringify([caseId, source.sourceId])));
  const errors = pure.ok ? [] : [...pure.errors];
  const missing = pure.ok ? [] : [...pure.missing];
  for (const caseId of config.caseIds) {
    if (!(await ctx.db.get('SELECT 1 AS x FROM cases WHERE case_id = ?', [caseId]))) errors.push(`no case "${caseId}" in this project`);
  }
  for (const readerId of config.readerIds) {
    const r = await ctx.db.get('SELECT kind FROM raters WHERE rater_id = ?', [readerId]);
    if (!r) errors.push(`no rater "${readerId}" in this project`);
    else if (text(r, 'kind') !== 'human') errors.push(`reader "${readerId}" is a model, not a person`);
    if (config.sources.some((s) => s.ref.kind === 'rater' && s.ref.raterId === readerId)) {
      errors.push(`reader "${readerId}" is also a source: they would recognise their own segmentations`);
    }
  }
  // Readers see the title and each case's image path: neither may name a source.
  const identifiers = studyIdentifiers(config, await sourceRaterNames(ctx, config.sources));
  const titleLeaks = findLeaks(config.title, identifiers);
  if (titleLeaks.length > 0) errors.push(`readers see the title, and it names a source (${titleLeaks.map((l) => l.match).join(', ')})`);
  for (const caseId of config.caseIds) {
    const row = await ctx.db.get('SELECT path FROM series WHERE case_id = ? AND ordinal = 0', [caseId]);
    const pathLeaks = row ? findLeaks(text(row, 'path'), identifiers) : [];
    if (pathLeaks.length > 0)
      errors.push(`readers load case "${caseId}" from a path that names a source (${pathLeaks.map((l) => l.match).join(', ')})`);
  }
  return { ok: errors.length === 0, errors, missing };
}

function configFromDraft(draft: StudyDraft, studyId: string, createdAt: string, seed: string): StudyConfig {
  const { seed: _ignored, ...rest } = draft;
  return { ...rest, studyId, seed, createdAt };
}

export async function validateDraft(ctx: StoreContext, viewer: Session, draft: StudyDraft): Promise<SetupCheck> {
  requireAdmin(viewer);
  return await checkSetup(ctx, configFromDraft(draft, 'study_draft', nowIso(), draft.seed ?? 'unset'));
}

/** Trials each reader will get: cases × source pairs (paired) or cases × sources (single). */
function plannedPerReader(config: StudyConfig): number {
  return config.caseIds.length * (config.mode === 'paired' ? sourcePairs(config).length : config.sources.length);
}

export async function summaryOf(ctx: StoreContext, study: StoredStudy): Promise<StudySummary> {
  const { config, state } = study;
  const answered = await answeredByReader(ctx, config.studyId);
  const total = plannedPerReader(config);
  return {
    studyId: config.studyId,
    title: config.title,
    state,
    mode: config.mode,
    // With the seed and the reader ids anyone can replay every order and left/right placement, so it
    // stays on the server until the study is closed; closing logs its reveal (closeStudy).
    seed: state === 'closed' ? config.seed : null,
    createdAt: config.createdAt,
    caseCount: config.caseIds.length,
    sourceCount: config.sources.length,
    allowRevisit: config.allowRevisit,
    readers: await Promise.all(
      config.readerIds.map(async (readerId) => {
        const r = await ctx.db.get('SELECT name FROM raters WHERE rater_id = ?', [readerId]);
        return { readerId, name: r ? text(r, 'name') : readerId, answered: answered.get(readerId) ?? 0, total };
      }),
    ),
  };
}

export async function createStudy(ctx: StoreContext, viewer: Session, draft: StudyDraft): Promise<StudySummary> {
  requireAdmin(viewer);
  const studyId = `study_${randomBytes(8).toString('hex')}`;
  // A drawn seed when the admin gives none; it is stored, and shown once the study is closed, so the study can be replayed.
  const config = configFromDraft(draft, studyId, nowIso(), draft.seed ?? randomBytes(8).toString('hex'));
  const check = await checkSetup(ctx, config);
  if (!check.ok) throw new StudySetupError(check);
  await ctx.db.transaction(async () => {
    await insertStudy(ctx, config, viewer.raterId);
    await appendState(ctx, studyId, 'draft', config.createdAt, viewer.raterId);
    await appendAudit(ctx, {
      actorRaterId: viewer.raterId,
      action: 'study.create',
      subjectId: studyId,
      detail: {
        title: config.title,
        mode: config.mode,
        cases: config.caseIds.length,
        sources: config.sources.length,
        readers: config.readerIds.length,
      },
    });
  });
  return await summaryOf(ctx, await loadStudy(ctx, studyId));
}

export async function openStudy(ctx: StoreContext, viewer: Session, studyId: string): Promise<StudySummary> {
  requireAdmin(viewer);
  const { config, state } = await loadStudy(ctx, studyId);
  // Re-checked now: a segmentation may have been removed from view (e.g. a newer draft) since creation.
  const check = await checkSetup(ctx, config);
  const setup = check.ok ? ({ ok: true } as const) : { ok: false as const, errors: check.errors, missing: check.missing };
  const move = transitionStudy(state, 'open', setup);
  if (!move.ok) {
    if (!check.ok && state === 'draft') throw new StudySetupError(check);
    fail('bad-request', move.message);
  }
  // Random ids: they are all a reader holds of the plan, so they must carry nothing of the seed.
  const trials = planStudy(config, randomUUID);
  const versions = new Map<string, string[]>();
  for (const caseId of config.caseIds) {
    for (const s of config.sources) {
      const v = await sourceVersions(ctx, caseId, s.ref);
      if (v === null) throw new Error(`internal: ${caseId}/${s.sourceId} vanished during opening`);
      versions.set(JSON.stringify([caseId, s.sourceId]), v);
    }
  }
  const versionsOf = (caseId: string, sourceId: string): string[] => versions.get(JSON.stringify([caseId, sourceId])) ?? [];
  // Every trial's payload, before the study opens: a mask that cannot be read keeps it closed.
  const payloads = await buildTrialPayloads(ctx, config, trials, versionsOf);
  await ctx.db.transaction(async () => {
    // Frozen now, so a rater's later save cannot change what readers are shown mid-study.
    for (const caseId of config.caseIds) {
      for (const s of config.sources) await insertSegmentation(ctx, studyId, caseId, s.sourceId, versionsOf(caseId, s.sourceId));
    }
    await insertTrials(ctx, studyId, trials);
    await appendState(ctx, studyId, 'open', nowIso(), viewer.raterId);
    await appendAudit(ctx, { actorRaterId: viewer.raterId, action: 'study.open', subjectId: studyId, detail: { trials: trials.length } });
  });
  keepTrialPayloads(ctx, studyId, payloads);
  return await summaryOf(ctx, await loadStudy(ctx, studyId));
}

export async function closeStudy(ctx: StoreContext, viewer: Session, studyId: string): Promise<StudySummary> {
  requireAdmin(viewer);
  const { config, state } = await loadStudy(ctx, studyId);
  const move = transitionStudy(state, 'close', { ok: true });
  if (!move.ok) fail('bad-request', move.message);
  await ctx.db.transaction(async () => {
    await appendState(ctx, studyId, 'closed', nowIso(), viewer.raterId);
    await appendAudit(ctx, { actorRaterId: viewer.raterId, action: 'study.close', subjectId: studyId });
    // The seed becomes visible from here on (summaryOf, report, export): the audit says when and to whom.
    await appendAudit(ctx, {
      actorRaterId: viewer.raterId,
      action: 'study.seed-revealed',
      subjectId: studyId,
      detail: { seed: config.seed },
    });
  });
  return await summaryOf(ctx, await loadStudy(ctx, studyId));
}

/** The cases, sources and possible readers (people only) a study can use. */
export async function studyOptions(ctx: StoreContext, viewer: Session): Promise<StudyOptions> {
  requireAdmin(viewer);
  const cases = (await ctx.db.all('SELECT case_id, name FROM cases ORDER BY name')).map((r) => ({
    caseId: text(r, 'case_id'),
    name: text(r, 'name'),
  }));
  const readers = (await ctx.db.all("SELECT rater_id, name, role FROM raters WHERE kind = 'human' ORDER BY name COLLATE NOCASE")).map(
    (r) => ({ raterId: text(r, 'rater_id'), name: text(r, 'name'), role: text(r, 'role') as Role }),
  );
  return { cases, sources: await sourceOptions(ctx), readers };
}
