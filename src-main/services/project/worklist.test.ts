/**
 * The worklist: statuses per rater × case (no lesion is not "not started"), filters, progress, and
 * blinding (an annotator's worklist holds nothing of another rater). Expected rows are written out
 * by hand from the scenario below.
 */
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CaseRecord } from '../../../src-shared/project/types';
import { nextCaseRow, type WorklistRow } from '../../../src-shared/project/reviewSession';
import { GRID, labelmapWith, populated, type Populated, onStore, storeKinds } from './testSupport';

let p: Populated | null = null;
afterEach(() => {
  p?.store.close();
  p = null;
});

async function addCase(pp: Populated, name: string): Promise<CaseRecord> {
  return await pp.store.addCase(pp.admin, {
    name,
    source: 'nifti',
    series: [{ label: 'T1', path: `/data/${name}.nii.gz`, geometry: GRID }],
  });
}

/**
 * case-A: Alice submitted a mask, Bob has a draft. case-B: Alice answered "no lesion".
 * case-C: Bob, nothing yet. case-D: nobody assigned.
 */
async function scenario() {
  const pp = await populated();
  p = pp;
  const { store, admin, alice, bob, caseA } = pp;
  const caseB = await addCase(pp, 'case-B');
  const caseC = await addCase(pp, 'case-C');
  const caseD = await addCase(pp, 'case-D');
  await store.assign(admin, alice.raterId, caseB.caseId);
  await store.assign(admin, bob.raterId, caseC.caseId);
  const aliceA = await store.saveLabelmap(alice, { caseId: caseA.caseId, labelmap: labelmapWith([3, 4]), status: 'submitted' });
  const bobA = await store.saveLabelmap(bob, { caseId: caseA.caseId, labelmap: labelmapWith([7]), status: 'draft' });
  const aliceB = await store.submitNoLesion(alice, { caseId: caseB.caseId });
  return { ...pp, caseB, caseC, caseD, aliceA, bobA, aliceB };
}

const brief = (rows: WorklistRow[]) => rows.map((r) => [r.caseName, r.raterName, r.status]);

describe.each(storeKinds())('%s store', (kind) => {
  onStore(kind);

  describe('worklist', () => {
    it('gives a reviewer every annotator on every case with the right status, and the progress counts', async () => {
      const s = await scenario();
      const w = await s.store.worklist(s.reviewer);
      expect(brief(w.rows)).toEqual([
        ['case-A', 'Alice Annotator', 'submitted'],
        ['case-A', 'Bob Blinded', 'draft'],
        ['case-B', 'Alice Annotator', 'no-lesion'],
        ['case-C', 'Bob Blinded', 'not-started'],
      ]);
      expect(w.raters.map((r) => r.name)).toEqual(['Alice Annotator', 'Bob Blinded']);
      // The rater filter's choices stay complete while a filter is on.
      expect((await s.store.worklist(s.reviewer, { raterId: s.alice.raterId })).raters.map((r) => r.name)).toEqual([
        'Alice Annotator',
        'Bob Blinded',
      ]);
      // case-D has no rater but is still listed as a case.
      expect(w.cases.map((c) => c.name)).toEqual(['case-A', 'case-B', 'case-C', 'case-D']);
      expect(w.progress).toEqual({
        total: 4,
        byStatus: { 'not-started': 1, draft: 1, 'revision-requested': 0, submitted: 1, 'no-lesion': 1 },
        done: 2,
        approved: 0,
      });
      const aliceA = w.rows[0];
      expect(aliceA).toMatchObject({
        versionId: s.aliceA.versionId,
        submittedVersionId: s.aliceA.versionId,
        // Stored relative to the project; handed out absolute, as the viewer opens it.
        casePath: path.join(s.store.dir, 'images', 'case-A.nii.gz'),
        activeMs: 0,
        workSessions: 0,
      });
      // A draft is not a submission; "no lesion" is one.
      expect(w.rows[1].submittedVersionId).toBeNull();
      expect(w.rows[2].submittedVersionId).toBe(s.aliceB.versionId);
      expect(w.rows[3]).toMatchObject({ versionId: null, updatedAt: null, submittedVersionId: null });
    });

    it('filters by status, rater and flag, while progress stays over all rows', async () => {
      const s = await scenario();
      expect(brief((await s.store.worklist(s.admin, { status: 'draft' })).rows)).toEqual([['case-A', 'Bob Blinded', 'draft']]);
      expect(brief((await s.store.worklist(s.admin, { status: 'no-lesion' })).rows)).toEqual([['case-B', 'Alice Annotator', 'no-lesion']]);
      expect(brief((await s.store.worklist(s.admin, { raterId: s.alice.raterId })).rows)).toEqual([
        ['case-A', 'Alice Annotator', 'submitted'],
        ['case-B', 'Alice Annotator', 'no-lesion'],
      ]);
      await s.store.reviewVersion(s.reviewer, { versionId: s.bobA.versionId, action: 'difficult' });
      const difficult = await s.store.worklist(s.admin, { flag: 'difficult' });
      expect(brief(difficult.rows)).toEqual([['case-A', 'Bob Blinded', 'draft']]);
      expect(difficult.rows[0].marks).toEqual(['difficult']);
      expect(difficult.progress.total).toBe(4);
      expect((await s.store.worklist(s.admin, { flag: 'approved' })).rows).toEqual([]);
      expect((await s.store.worklist(s.admin, { status: 'submitted', raterId: s.bob.raterId })).rows).toEqual([]);
      // A case filter is applied by the query itself: that case's rows and progress only.
      const onA = await s.store.worklist(s.reviewer, { caseId: s.caseA.caseId });
      expect(brief(onA.rows)).toEqual([
        ['case-A', 'Alice Annotator', 'submitted'],
        ['case-A', 'Bob Blinded', 'draft'],
      ]);
      expect(onA.progress).toMatchObject({ total: 2, done: 1 });
      expect((await s.store.worklist(s.alice, { caseId: s.caseC.caseId })).rows).toEqual([]);
    });

    it("gives an annotator only their own rows, and nothing of another rater's", async () => {
      const s = await scenario();
      await s.store.reviewVersion(s.reviewer, { versionId: s.bobA.versionId, action: 'difficult', comment: 'Bob Blinded missed the rim' });
      await s.store.recordWorkSession(s.bob, {
        caseId: s.caseA.caseId,
        mode: 'annotate',
        startedAt: new Date(Date.now() - 60_000).toISOString(),
        endedAt: new Date().toISOString(),
        activeMs: 50_000,
        endReason: 'switch',
      });
      const w = await s.store.worklist(s.alice);
      expect(brief(w.rows)).toEqual([
        ['case-A', 'Alice Annotator', 'submitted'],
        ['case-B', 'Alice Annotator', 'no-lesion'],
      ]);
      expect(w.cases.map((c) => c.name)).toEqual(['case-A', 'case-B']);
      expect(w.raters).toEqual([{ raterId: s.alice.raterId, name: 'Alice Annotator' }]);
      expect(w.progress.total).toBe(2);
      expect(w.rows.every((r) => r.activeMs === null && r.marks.length === 0)).toBe(true);
      // Asking for Bob's rows gives her own, never his.
      const asked = await s.store.worklist(s.alice, { raterId: s.bob.raterId });
      const secrets = [
        s.bob.raterId,
        'Bob Blinded',
        s.bobA.versionId,
        s.bobA.fileHash ?? 'x',
        s.caseC.caseId,
        'case-C',
        s.reviewer.raterId,
        'Rita Reviewer',
        'difficult',
      ];
      const serialised = JSON.stringify([
        w,
        asked,
        await s.store.worklist(s.alice, { flag: 'difficult' }),
        await s.store.worklist(s.alice, { status: 'draft' }),
      ]);
      for (const secret of secrets) expect(serialised).not.toContain(secret);
      // Not vacuous: her own work is there.
      expect(serialised).toContain(s.aliceA.versionId);
    });

    it('"next case" picks the next row needing the rater\'s work, revision requests first, wrapping around', async () => {
      const s = await scenario();
      const caseE = await addCase(s, 'case-E');
      await s.store.assign(s.admin, s.alice.raterId, caseE.caseId);
      const rows = (await s.store.worklist(s.alice)).rows;
      // A submitted, B no lesion, E not started: from A the next is E, and from E it is E again (the only one left).
      expect(nextCaseRow(rows, s.alice.raterId, s.caseA.caseId)?.caseName).toBe('case-E');
      expect(nextCaseRow(rows, s.alice.raterId, caseE.caseId)?.caseName).toBe('case-E');
      await s.store.reviewVersion(s.reviewer, {
        versionId: s.aliceB.versionId,
        action: 'request-revision',
        comment: 'Look again at the left insula',
      });
      const after = (await s.store.worklist(s.alice)).rows;
      expect(nextCaseRow(after, s.alice.raterId, s.caseA.caseId)?.caseName).toBe('case-B');
      expect(nextCaseRow(after, s.alice.raterId, null)?.caseName).toBe('case-B');
    });
  });
});
