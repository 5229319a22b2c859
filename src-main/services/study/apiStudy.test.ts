/**
 * The study channels through the real validating dispatcher, on a 5-case fixture project
 * (studyTestSupport.ts): set-up refusal with the list of what is missing, the lifecycle, answers
 * refused to a closed study and on revisits, what a reader's payload holds, and a report whose
 * counts are worked out by hand from the answers the test gave (the design balances left/right
 * within ±1, so 4 trials per reader put each source on the left exactly twice).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ReaderTrialPayload, SetupCheck, StudySummary } from '../../../src-shared/api/studyChannels';
import type { StudyAnalysisWire } from '../../../src-shared/study/analysisSchema';
import type { StudyConfig } from '../../../src-shared/study/design';
import { studyConfigFromJson } from '../../../src-shared/study/export';
import { planStudy, type ServerTrial } from '../../../src-shared/study/trials';
import { trialsOf } from './studyRecords';
import { must, pairedDraft, studyFixture, type StudyFixture } from './studyTestSupport';

let f: StudyFixture;
beforeEach(async () => {
  f = await studyFixture();
});
afterEach(() => f.close());

function segmented(bytes: Uint8Array): number[] {
  return [...bytes.keys()].filter((i) => bytes[i] !== 0);
}

async function refusal(channel: string, request: unknown): Promise<{ code: string; message: string; detail?: unknown }> {
  const r = await f.dispatch(channel, request);
  if (r.ok) throw new Error(`${channel} was expected to be refused`);
  return r.error;
}

async function createAndOpen(overrides = {}): Promise<StudySummary> {
  const created = await must<StudySummary>(f.dispatch, 'quorum:study.create', { session: f.admin, draft: pairedDraft(f, overrides) });
  return must<StudySummary>(f.dispatch, 'quorum:study.open', { session: f.admin, studyId: created.studyId });
}

describe('study set-up', () => {
  it('refuses a study with a case lacking a source, listing every missing (case, source), and stores nothing', async () => {
    const draft = pairedDraft(f, { caseIds: f.caseIds });
    const check = await must<SetupCheck>(f.dispatch, 'quorum:study.validate', { session: f.admin, draft });
    expect(check.ok).toBe(false);
    expect(check.missing).toEqual([{ caseId: f.caseIds[4], sourceId: 'source-model' }]);
    const error = await refusal('quorum:study.create', { session: f.admin, draft });
    expect(error.code).toBe('bad-request');
    expect(error.message).toContain(`${f.caseIds[4]}/source-model`);
    expect(error.detail).toMatchObject({ missing: [{ caseId: f.caseIds[4], sourceId: 'source-model' }] });
    expect(await must<StudySummary[]>(f.dispatch, 'quorum:study.list', { session: f.admin })).toEqual([]);
  });

  it('refuses a title naming a source, a reader who is also a source, and non-admins', async () => {
    const check = await must<SetupCheck>(f.dispatch, 'quorum:study.validate', {
      session: f.admin,
      draft: pairedDraft(f, { title: 'Model vs Dr. Alice Example', readerIds: [f.readerIds[0], f.raterId] }),
    });
    expect(check.ok).toBe(false);
    expect(check.errors.some((e) => e.includes('title') && e.includes('Dr. Alice Example'))).toBe(true);
    expect(check.errors.some((e) => e.includes('also a source'))).toBe(true);
    expect((await refusal('quorum:study.create', { session: f.readers[0], draft: pairedDraft(f) })).code).toBe('unauthorized');
    expect((await refusal('quorum:study.list', { session: f.readers[0] })).code).toBe('unauthorized');
  });

  it('records the seed (shown once closed), opens once, closes once and never reopens', async () => {
    const created = await must<StudySummary>(f.dispatch, 'quorum:study.create', { session: f.admin, draft: pairedDraft(f) });
    expect(created).toMatchObject({ state: 'draft', seed: null, caseCount: 4, sourceCount: 2 });
    expect(created.readers.map((r) => r.total)).toEqual([4, 4]);
    const drawn = await must<StudySummary>(f.dispatch, 'quorum:study.create', {
      session: f.admin,
      draft: { ...pairedDraft(f), seed: undefined },
    });
    await must(f.dispatch, 'quorum:study.open', { session: f.admin, studyId: drawn.studyId });
    expect((await must<StudySummary>(f.dispatch, 'quorum:study.close', { session: f.admin, studyId: drawn.studyId })).seed).toMatch(
      /^[0-9a-f]{16}$/,
    );
    const id = created.studyId;
    expect((await refusal('quorum:study.next', { session: f.readers[0], studyId: id })).message).toContain('not been opened');
    expect((await must<StudySummary>(f.dispatch, 'quorum:study.open', { session: f.admin, studyId: id })).state).toBe('open');
    expect((await refusal('quorum:study.open', { session: f.admin, studyId: id })).message).toContain('only a draft');
    expect((await refusal('quorum:study.report', { session: f.admin, studyId: id })).message).toContain('only after it is closed');
    expect((await refusal('quorum:study.export', { session: f.admin, studyId: id })).message).toContain('only after it is closed');
    expect(await must<StudySummary>(f.dispatch, 'quorum:study.close', { session: f.admin, studyId: id })).toMatchObject({
      state: 'closed',
      seed: 'fixed-seed-1',
    });
    expect((await refusal('quorum:study.open', { session: f.admin, studyId: id })).message).toContain('only a draft');
    expect((await refusal('quorum:study.close', { session: f.admin, studyId: id })).message).toContain('only an open');
  });
});

describe('reading', () => {
  it('gives a reader blinded trials: labels, two binary masks on the grid, progress, and no revisit', async () => {
    const { studyId } = await createAndOpen();
    expect(await must(f.dispatch, 'quorum:study.mine', { session: f.readers[0] })).toEqual([
      { studyId, title: 'Segmentation reading study', answered: 0, total: 4 },
    ]);
    const p = await must<ReaderTrialPayload>(f.dispatch, 'quorum:study.next', { session: f.readers[0], studyId });
    expect(Object.keys(p).sort()).toEqual(['answered', 'image', 'overlays', 'studyId', 'title', 'total', 'trial']);
    expect(p.trial).toMatchObject({ position: 0, total: 4, display: 'pair', labels: ['A', 'B'], submitted: false, allowRevisit: false });
    expect(p.image?.path).toMatch(/case-\d\.nii\.gz$/);
    expect(p.image?.dims).toEqual([6, 5, 4]);
    expect(p.overlays.map((o) => o.label)).toEqual(['A', 'B']);
    const masks = p.overlays.map((o) => segmented(o.mask));
    // Case n: the rater's n, n+1, n+2 (the uncertain voxel sent as 1), the model's n+1..n+3: one of each.
    const low = Math.min(masks[0][0], masks[1][0]);
    expect([...masks].sort((a, b) => a[0] - b[0])).toEqual([
      [low, low + 1, low + 2],
      [low + 1, low + 2, low + 3],
    ]);
    const bytes = p.overlays[0].mask;
    expect(bytes.length).toBe(6 * 5 * 4);
    expect(new Set(bytes)).toEqual(new Set([0, 1]));

    const trialId = p.trial?.trialId ?? '';
    const answer = { trialId, preference: 'A', acceptability: { A: 4, B: 2 }, aiChoice: 'B', comment: 'ok' };
    expect(await must(f.dispatch, 'quorum:study.answer', { session: f.readers[0], studyId, answer })).toEqual({ answered: 1, total: 4 });
    const again = await refusal('quorum:study.answer', { session: f.readers[0], studyId, answer });
    expect(again.detail).toEqual({ reason: 'already-submitted' });
    expect((await refusal('quorum:study.next', { session: f.readers[0], studyId, position: 0 })).message).toContain(
      'does not allow revisits',
    );
    const other = await refusal('quorum:study.answer', { session: f.readers[1], studyId, answer });
    expect(other.detail).toEqual({ reason: 'not-your-trial' });
    const incomplete = await refusal('quorum:study.answer', { session: f.readers[1], studyId, answer: { trialId: 'tnope' } });
    expect(incomplete.detail).toEqual({ reason: 'unknown-trial' });
    const next = await must<ReaderTrialPayload>(f.dispatch, 'quorum:study.next', { session: f.readers[0], studyId });
    expect(next.trial?.position).toBe(1);
    expect(next.answered).toBe(1);
    // An answer that skips asked questions is refused with the reason.
    const r2first = await must<ReaderTrialPayload>(f.dispatch, 'quorum:study.next', { session: f.readers[1], studyId });
    expect(
      (
        await refusal('quorum:study.answer', {
          session: f.readers[1],
          studyId,
          answer: { trialId: r2first.trial?.trialId, preference: 'A' },
        })
      ).detail,
    ).toEqual({ reason: 'invalid-answer' });
    // A trial never shown to its reader cannot be answered: there is no start time to measure from.
    const store = await f.host.current();
    const unseen = await store.withContext(
      await store.signIn(f.readerIds[1]),
      async (ctx) => (await trialsOf(ctx, studyId, f.readerIds[1]))[3].trialId,
    );
    const blind = { trialId: unseen, preference: 'A', acceptability: { A: 3, B: 3 }, aiChoice: 'A' };
    expect((await refusal('quorum:study.answer', { session: f.readers[1], studyId, answer: blind })).message).toContain(
      'has not been shown',
    );
  });

  it('lets a reader revise an answer only when the study allows revisits; the latest answer counts', async () => {
    const { studyId } = await createAndOpen({
      allowRevisit: true,
      questions: { preference: true, acceptability: false, whichIsAi: false, comment: false },
    });
    const p = await must<ReaderTrialPayload>(f.dispatch, 'quorum:study.next', { session: f.readers[0], studyId });
    const trialId = p.trial?.trialId ?? '';
    await must(f.dispatch, 'quorum:study.answer', { session: f.readers[0], studyId, answer: { trialId, preference: 'A' } });
    const back = await must<ReaderTrialPayload>(f.dispatch, 'quorum:study.next', { session: f.readers[0], studyId, position: 0 });
    expect(back.trial).toMatchObject({ trialId, submitted: true, allowRevisit: true });
    expect(
      await must(f.dispatch, 'quorum:study.answer', { session: f.readers[0], studyId, answer: { trialId, preference: 'none' } }),
    ).toEqual({ answered: 1, total: 4 });
    await must(f.dispatch, 'quorum:study.close', { session: f.admin, studyId });
    const { answersCsv } = await must<{ answersCsv: string }>(f.dispatch, 'quorum:study.export', { session: f.admin, studyId });
    const rows = answersCsv.trim().split('\r\n');
    expect(rows).toHaveLength(2);
    const header = rows[0].split(',');
    const cells = rows[1].split(',');
    expect(cells[header.indexOf('preference')]).toBe('none');
    expect(cells[header.indexOf('revision')]).toBe('1');
  });

  it('shows one segmentation at a time in single mode and takes "was this made by AI?"', async () => {
    const { studyId } = await createAndOpen({
      mode: 'single',
      questions: { preference: false, acceptability: true, whichIsAi: true, comment: false },
    });
    const p = await must<ReaderTrialPayload>(f.dispatch, 'quorum:study.next', { session: f.readers[0], studyId });
    // 4 cases × 2 sources, one at a time.
    expect(p.trial).toMatchObject({ display: 'single', labels: ['A'], total: 8 });
    expect(p.overlays.map((o) => o.label)).toEqual(['A']);
    const trialId = p.trial?.trialId ?? '';
    const withPreference = await refusal('quorum:study.answer', {
      session: f.readers[0],
      studyId,
      answer: { trialId, preference: 'A', acceptability: { A: 3 }, aiJudgement: 'ai' },
    });
    expect(withPreference.message).toContain('preference is not asked');
    expect(
      await must(f.dispatch, 'quorum:study.answer', {
        session: f.readers[0],
        studyId,
        answer: { trialId, acceptability: { A: 3 }, aiJudgement: 'ai' },
      }),
    ).toEqual({ answered: 1, total: 8 });
  });

  it('shows the segmentations frozen when the study opened, not a later save', async () => {
    const { studyId } = await createAndOpen({ caseIds: [f.caseIds[0]], readerIds: [f.readerIds[0]] });
    const store = await f.host.current();
    const alice = await store.signIn(f.raterId);
    const full = new Uint8Array(120).fill(1);
    await store.saveLabelmap(alice, { caseId: f.caseIds[0], labelmap: full, status: 'submitted' });
    const p = await must<ReaderTrialPayload>(f.dispatch, 'quorum:study.next', { session: f.readers[0], studyId });
    const sizes = p.overlays.map((o) => segmented(o.mask).length);
    expect(sizes).toEqual([3, 3]);
  });
});

describe('closing and the report', () => {
  it('refuses answers once closed, reveals the mapping, and reports counts derived from the answers given', async () => {
    const { studyId } = await createAndOpen();
    // Reader 1 always prefers A, picks A as AI, scores A 4 and B 2. Reader 2 recognises the model
    // (its mask starts one voxel later), prefers it, names it as AI, scores it 5 and the rater 3.
    const shown = new Map<string, number[][]>();
    for (const [k, session] of f.readers.entries()) {
      for (;;) {
        const p = await must<ReaderTrialPayload>(f.dispatch, 'quorum:study.next', { session, studyId });
        if (p.trial === null) break;
        const masks = p.overlays.map((o) => segmented(o.mask));
        shown.set(p.trial.trialId, masks);
        const modelLabel = masks[0][0] > masks[1][0] ? 'A' : 'B';
        const humanLabel = modelLabel === 'A' ? 'B' : 'A';
        const answer =
          k === 0
            ? { trialId: p.trial.trialId, preference: 'A', acceptability: { A: 4, B: 2 }, aiChoice: 'A' }
            : {
                trialId: p.trial.trialId,
                preference: modelLabel,
                acceptability: { [modelLabel]: 5, [humanLabel]: 3 },
                aiChoice: modelLabel,
              };
        await must(f.dispatch, 'quorum:study.answer', { session, studyId, answer });
      }
    }
    const last = [...shown.keys()][0];
    await must(f.dispatch, 'quorum:study.close', { session: f.admin, studyId });
    const closed = await refusal('quorum:study.answer', {
      session: f.readers[0],
      studyId,
      answer: { trialId: last, preference: 'A', acceptability: { A: 1, B: 1 }, aiChoice: 'A' },
    });
    expect(closed.detail).toEqual({ reason: 'study-closed' });
    expect((await refusal('quorum:study.next', { session: f.readers[0], studyId })).message).toContain('closed');

    const report = await must<{ config: StudyConfig; analysis: StudyAnalysisWire; trials: ServerTrial[] }>(
      f.dispatch,
      'quorum:study.report',
      { session: f.admin, studyId },
    );
    // The revealed mapping agrees with what readers were shown: the model's mask starts later.
    for (const t of report.trials) {
      const [a, b] = shown.get(t.trialId) ?? [];
      expect(t.sourceA === 'source-model').toBe(a[0] > b[0]);
    }
    // Balanced placement: each reader saw the model on the left in exactly 2 of 4 trials.
    for (const r of f.readerIds) expect(report.trials.filter((t) => t.readerId === r && t.sourceA === 'source-model')).toHaveLength(2);

    const pref = (reader: string | null) => report.analysis.preference.find((p) => p.readerId === reader);
    expect(pref(f.readerIds[0])).toMatchObject({
      first: 'source-model',
      second: 'source-rater',
      preferFirst: 2,
      preferSecond: 2,
      noPreference: 0,
    });
    expect(pref(f.readerIds[1])).toMatchObject({ preferFirst: 4, preferSecond: 0 });
    // Pooled 6 of 8: exact two-sided p = 2 × (C(8,6) + C(8,7) + C(8,8)) / 2^8 = 74/256.
    expect(pref(null)?.firstPreferred.successes).toBe(6);
    expect(pref(null)?.firstPreferred.pValue).toBeCloseTo(74 / 256, 12);
    // Reader 2 names the model 4 of 4 times: p = 2/16 = 0.125, not below 0.05, so the model still "passes".
    const ai = (reader: string | null) => report.analysis.aiIdentification.find((a) => a.readerId === reader && a.pair !== null);
    expect(ai(f.readerIds[0])?.accuracy).toMatchObject({ successes: 2, trials: 4 });
    expect(ai(f.readerIds[1])?.accuracy).toMatchObject({ successes: 4, trials: 4, pValue: 0.125 });
    expect(ai(null)?.accuracy).toMatchObject({ successes: 6, trials: 8 });
    const acc = (source: string) => report.analysis.acceptability.find((a) => a.readerId === null && a.sourceId === source)?.counts;
    expect(acc('source-model')).toEqual([0, 2, 0, 2, 4]);
    expect(acc('source-rater')).toEqual([0, 2, 4, 2, 0]);
    expect(report.analysis.agreement[0].fleiss?.subjects).toBe(4);

    const exported = await must<{ answersCsv: string; configJson: string }>(f.dispatch, 'quorum:study.export', {
      session: f.admin,
      studyId,
    });
    const rows = exported.answersCsv.trim().split('\r\n');
    expect(rows).toHaveLength(9);
    const header = rows[0].split(',');
    for (const row of rows.slice(1)) {
      const cells = row.split(',');
      expect(Number(cells[header.indexOf('time_taken_ms')])).toBeGreaterThanOrEqual(0);
      expect(Date.parse(cells[header.indexOf('submitted_at')])).toBeGreaterThanOrEqual(Date.parse(cells[header.indexOf('started_at')]));
    }
    const replayed = studyConfigFromJson(exported.configJson);
    expect(replayed.seed).toBe('fixed-seed-1');
    // The replay gives the same orders and placements; trial ids are random and not part of it.
    const plan = (trials: readonly ServerTrial[]) =>
      trials.map(({ trialId: _id, ...t }) => t).sort((a, b) => `${a.readerId}/${a.position}`.localeCompare(`${b.readerId}/${b.position}`));
    expect(plan(planStudy(replayed, () => 'replayed'))).toEqual(plan(report.trials));
  });
});
