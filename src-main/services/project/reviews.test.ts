/**
 * Reviewer actions on an annotation version: approve, request revision (comment required), mark
 * difficult. Each writes its flag (and comment) and one audit row; a revision request reopens the
 * case for its rater until their next submit. Bad input is refused with nothing written. Also the
 * migration that added the 'difficult' kind keeps older flags, in order.
 */
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DB_FILE, ProjectStore } from './ProjectStore';
import { MIGRATIONS } from './schema';
import { Db, text } from './sqlite';
import { APP_VERSION, insertPreSequenceCase, labelmapWith, populated, tempDir, type Populated, onStore, storeKinds } from './testSupport';

let p: Populated | null = null;
afterEach(() => {
  p?.store.close();
  p = null;
});

async function setUp() {
  const pp = await populated();
  p = pp;
  const caseId = pp.caseA.caseId;
  const aliceV = await pp.store.saveLabelmap(pp.alice, { caseId, labelmap: labelmapWith([1, 2, 3]), status: 'submitted' });
  return { ...pp, caseId, aliceV };
}

async function aliceRow(s: Awaited<ReturnType<typeof setUp>>, viewer = s.reviewer) {
  const row = (await s.store.worklist(viewer, { raterId: s.alice.raterId, caseId: s.caseId })).rows[0];
  if (!row) throw new Error('no row for Alice on case A');
  return row;
}

describe.each(storeKinds())('%s store', (kind) => {
  onStore(kind);

  describe('reviewer actions', () => {
    it('approve: an accepted flag on the version and one audit row naming it', async () => {
      const s = await setUp();
      const before = (await s.store.auditLog(s.admin)).length;
      const r = await s.store.reviewVersion(s.reviewer, { versionId: s.aliceV.versionId, action: 'approve' });
      expect(r.flag).toMatchObject({ kind: 'accepted', versionId: s.aliceV.versionId, authorName: 'Rita Reviewer' });
      expect(r.comment).toBeNull();
      const audit = await s.store.auditLog(s.admin);
      expect(audit.length).toBe(before + 1);
      expect(audit[0]).toMatchObject({
        action: 'review.approve',
        actorRaterId: s.reviewer.raterId,
        caseId: s.caseId,
        subjectId: s.aliceV.versionId,
      });
      expect(JSON.parse(audit[0].detail)).toMatchObject({ raterId: s.alice.raterId, flagId: r.flag.flagId });
      expect(await aliceRow(s)).toMatchObject({ status: 'submitted', approved: true, revision: null });
      expect((await s.store.worklist(s.reviewer)).progress.approved).toBe(1);
    });

    it('request revision reopens the case with the comment for the rater; a draft keeps it open, the next submit clears it', async () => {
      const s = await setUp();
      const r = await s.store.reviewVersion(s.reviewer, {
        versionId: s.aliceV.versionId,
        action: 'request-revision',
        comment: '  The lesion continues on slice 3.  ',
      });
      expect(r.flag.kind).toBe('needs-revision');
      expect(r.comment?.body).toBe('The lesion continues on slice 3.');
      expect((await s.store.auditLog(s.admin))[0]).toMatchObject({ action: 'review.request-revision', subjectId: s.aliceV.versionId });

      // Alice sees "revision requested" and the comment, but not who asked.
      const own = await aliceRow(s, s.alice);
      expect(own.status).toBe('revision-requested');
      expect(own.revision).toMatchObject({ versionId: s.aliceV.versionId, comment: 'The lesion continues on slice 3.' });
      expect((await s.store.listComments(s.alice, s.caseId)).map((c) => [c.body, c.authorName])).toEqual([
        ['The lesion continues on slice 3.', null],
      ]);
      expect((await s.store.worklist(s.reviewer)).progress.byStatus['revision-requested']).toBe(1);

      // Working on it: still requested.
      await s.store.saveLabelmap(s.alice, { caseId: s.caseId, labelmap: labelmapWith([1, 2, 3, 9]), status: 'draft' });
      expect((await aliceRow(s, s.alice)).status).toBe('revision-requested');
      // Resubmitting clears it; the new version awaits review (not approved).
      const v2 = await s.store.saveLabelmap(s.alice, { caseId: s.caseId, labelmap: labelmapWith([1, 2, 3, 9]), status: 'submitted' });
      expect(await aliceRow(s, s.alice)).toMatchObject({
        status: 'submitted',
        revision: null,
        approved: false,
        submittedVersionId: v2.versionId,
      });
      // A second round on the new version, then approval overrules it.
      await s.store.reviewVersion(s.reviewer, { versionId: v2.versionId, action: 'request-revision', comment: 'and slice 4' });
      expect((await aliceRow(s)).status).toBe('revision-requested');
      await s.store.reviewVersion(s.admin, { versionId: v2.versionId, action: 'approve' });
      expect(await aliceRow(s)).toMatchObject({ status: 'submitted', approved: true, revision: null });
    });

    it('a "no lesion" answer can be sent back too, and a new "no lesion" answer clears it', async () => {
      const s = await setUp();
      const nl = await s.store.submitNoLesion(s.bob, { caseId: s.caseId });
      await s.store.reviewVersion(s.reviewer, {
        versionId: nl.versionId,
        action: 'request-revision',
        comment: 'There is a small lesion in the pons',
      });
      const bobRow = async () => (await s.store.worklist(s.bob)).rows[0];
      expect(await bobRow()).toMatchObject({ status: 'revision-requested', revision: { comment: 'There is a small lesion in the pons' } });
      await s.store.submitNoLesion(s.bob, { caseId: s.caseId });
      expect(await bobRow()).toMatchObject({ status: 'no-lesion', revision: null });
    });

    it('mark difficult: a difficult mark on the row that later verdicts do not remove', async () => {
      const s = await setUp();
      await s.store.reviewVersion(s.reviewer, { versionId: s.aliceV.versionId, action: 'difficult', comment: 'tiny cortical lesion' });
      expect((await aliceRow(s)).marks).toEqual(['difficult']);
      await s.store.reviewVersion(s.reviewer, { versionId: s.aliceV.versionId, action: 'approve' });
      expect(await aliceRow(s)).toMatchObject({ marks: ['difficult'], approved: true });
      expect((await s.store.auditLog(s.admin)).map((a) => a.action).slice(0, 2)).toEqual(['review.approve', 'review.difficult']);
    });

    it('refuses a revision request without a comment, with a clear message and nothing written', async () => {
      const s = await setUp();
      const audit = (await s.store.auditLog(s.admin)).length;
      for (const comment of [undefined, '', '   ']) {
        await expect(
          async () =>
            await s.store.reviewVersion(s.reviewer, {
              versionId: s.aliceV.versionId,
              action: 'request-revision',
              ...(comment === undefined ? {} : { comment }),
            }),
        ).rejects.toThrow(/a revision request needs a comment that tells the rater what to change/);
      }
      expect((await s.store.auditLog(s.admin)).length).toBe(audit);
      expect(await s.store.listFlags(s.admin, s.caseId)).toEqual([]);
      expect((await aliceRow(s)).status).toBe('submitted');
    });

    it("refuses an annotator, and refuses to approve a draft, an outdated version or one's own work", async () => {
      const s = await setUp();
      await expect(async () => await s.store.reviewVersion(s.alice, { versionId: s.aliceV.versionId, action: 'approve' })).rejects.toThrow(
        /only reviewers and admins can approve/,
      );
      await expect(async () => await s.store.reviewVersion(s.bob, { versionId: s.aliceV.versionId, action: 'difficult' })).rejects.toThrow(
        /only reviewers and admins/,
      );
      const draft = await s.store.saveLabelmap(s.bob, { caseId: s.caseId, labelmap: labelmapWith([5]), status: 'draft' });
      await expect(async () => await s.store.reviewVersion(s.reviewer, { versionId: draft.versionId, action: 'approve' })).rejects.toThrow(
        /is a draft: only submitted work/,
      );
      const v2 = await s.store.saveLabelmap(s.alice, { caseId: s.caseId, labelmap: labelmapWith([1, 2]), status: 'submitted' });
      await expect(
        async () => await s.store.reviewVersion(s.reviewer, { versionId: s.aliceV.versionId, action: 'approve' }),
      ).rejects.toThrow(new RegExp(`superseded by the rater's newer submission ${v2.versionId}`));
      const mine = await s.store.saveLabelmap(s.reviewer, { caseId: s.caseId, labelmap: labelmapWith([8]), status: 'submitted' });
      await expect(async () => await s.store.reviewVersion(s.reviewer, { versionId: mine.versionId, action: 'approve' })).rejects.toThrow(
        /cannot approve or send back their own/,
      );
      await expect(
        async () => await s.store.reviewVersion(s.reviewer, { versionId: 'ver_0000000000000000', action: 'approve' }),
      ).rejects.toThrow(/no version/);
      // @ts-expect-error: an unknown action from an untyped caller
      await expect(async () => await s.store.reviewVersion(s.reviewer, { versionId: v2.versionId, action: 'reject' })).rejects.toThrow(
        /review action must be one of approve, request-revision, difficult/,
      );
      expect(await s.store.listFlags(s.admin, s.caseId)).toEqual([]);
    });

    it('the migration that adds "difficult" keeps older flags and their order, and the table stays append-only', async () => {
      const dir = tempDir();
      const at = MIGRATIONS.findIndex((m) => m.description.startsWith('review sessions'));
      expect(at).toBeGreaterThan(0);
      const older = await ProjectStore.open(dir, { appVersion: APP_VERSION, create: true, migrations: MIGRATIONS.slice(0, at) });
      const admin = await older.signIn((await older.createIdentity('Ada', 'admin')).raterId);
      older.close();
      // The case and flags as the code of that schema wrote them (today's store writes and reads sequences too).
      const raw = new Db(path.join(dir, DB_FILE));
      const c = { caseId: insertPreSequenceCase(raw, 'c', '/x.nii', [{ label: 'T1', bValue: null }]) };
      const flag = (flagId: string, kind: string, note: string, at: string) => {
        raw.run(
          'INSERT INTO review_flags (flag_id, case_id, version_id, author_rater_id, kind, note, created_at) VALUES (?, ?, NULL, ?, ?, ?, ?)',
          [flagId, c.caseId, admin.raterId, kind, note, at],
        );
        return { flagId };
      };
      const f1 = flag('flag_00000000000000a1', 'image-problem', 'motion', '2026-01-01T00:00:01.000Z');
      const f2 = flag('flag_00000000000000a2', 'other', 'second', '2026-01-01T00:00:02.000Z');
      raw.close();
      const upgraded = await ProjectStore.open(dir, { appVersion: APP_VERSION });
      try {
        expect(upgraded.openReport.migration.applied.some((a) => a.includes('review sessions'))).toBe(true);
        expect((await upgraded.listFlags(admin, c.caseId)).map((f) => [f.flagId, f.kind, f.note])).toEqual([
          [f1.flagId, 'image-problem', 'motion'],
          [f2.flagId, 'other', 'second'],
        ]);
        expect((await upgraded.addFlag(admin, { caseId: c.caseId, kind: 'difficult' })).kind).toBe('difficult');
      } finally {
        upgraded.close();
      }
      const db = new Db(path.join(dir, DB_FILE));
      try {
        expect(() => db.run("UPDATE review_flags SET note = 'x'")).toThrow(/append-only/);
        expect(() => db.run('DELETE FROM review_flags')).toThrow(/append-only/);
        expect(
          db
            .all('SELECT seq, flag_id FROM review_flags ORDER BY seq')
            .map((r) => text(r, 'flag_id'))
            .slice(0, 2),
        ).toEqual([f1.flagId, f2.flagId]);
      } finally {
        db.close();
      }
    });
  });
});
