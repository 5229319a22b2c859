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
import { APP_VERSION, insertPreSequenceCase, labelmapWith, populated, tempDir, type Populated } from './testSupport';

let p: Populated | null = null;
afterEach(() => {
  p?.store.close();
  p = null;
});

function setUp() {
  const pp = populated();
  p = pp;
  const caseId = pp.caseA.caseId;
  const aliceV = pp.store.saveLabelmap(pp.alice, { caseId, labelmap: labelmapWith([1, 2, 3]), status: 'submitted' });
  return { ...pp, caseId, aliceV };
}

function aliceRow(s: ReturnType<typeof setUp>, viewer = s.reviewer) {
  const row = s.store.worklist(viewer, { raterId: s.alice.raterId, caseId: s.caseId }).rows[0];
  if (!row) throw new Error('no row for Alice on case A');
  return row;
}

describe('reviewer actions', () => {
  it('approve: an accepted flag on the version and one audit row naming it', () => {
    const s = setUp();
    const before = s.store.auditLog(s.admin).length;
    const r = s.store.reviewVersion(s.reviewer, { versionId: s.aliceV.versionId, action: 'approve' });
    expect(r.flag).toMatchObject({ kind: 'accepted', versionId: s.aliceV.versionId, authorName: 'Rita Reviewer' });
    expect(r.comment).toBeNull();
    const audit = s.store.auditLog(s.admin);
    expect(audit.length).toBe(before + 1);
    expect(audit[0]).toMatchObject({
      action: 'review.approve',
      actorRaterId: s.reviewer.raterId,
      caseId: s.caseId,
      subjectId: s.aliceV.versionId,
    });
    expect(JSON.parse(audit[0].detail)).toMatchObject({ raterId: s.alice.raterId, flagId: r.flag.flagId });
    expect(aliceRow(s)).toMatchObject({ status: 'submitted', approved: true, revision: null });
    expect(s.store.worklist(s.reviewer).progress.approved).toBe(1);
  });

  it('request revision reopens the case with the comment for the rater; a draft keeps it open, the next submit clears it', () => {
    const s = setUp();
    const r = s.store.reviewVersion(s.reviewer, {
      versionId: s.aliceV.versionId,
      action: 'request-revision',
      comment: '  The lesion continues on slice 3.  ',
    });
    expect(r.flag.kind).toBe('needs-revision');
    expect(r.comment?.body).toBe('The lesion continues on slice 3.');
    expect(s.store.auditLog(s.admin)[0]).toMatchObject({ action: 'review.request-revision', subjectId: s.aliceV.versionId });

    // Alice sees "revision requested" and the comment, but not who asked.
    const own = aliceRow(s, s.alice);
    expect(own.status).toBe('revision-requested');
    expect(own.revision).toMatchObject({ versionId: s.aliceV.versionId, comment: 'The lesion continues on slice 3.' });
    expect(s.store.listComments(s.alice, s.caseId).map((c) => [c.body, c.authorName])).toEqual([
      ['The lesion continues on slice 3.', null],
    ]);
    expect(s.store.worklist(s.reviewer).progress.byStatus['revision-requested']).toBe(1);

    // Working on it: still requested.
    s.store.saveLabelmap(s.alice, { caseId: s.caseId, labelmap: labelmapWith([1, 2, 3, 9]), status: 'draft' });
    expect(aliceRow(s, s.alice).status).toBe('revision-requested');
    // Resubmitting clears it; the new version awaits review (not approved).
    const v2 = s.store.saveLabelmap(s.alice, { caseId: s.caseId, labelmap: labelmapWith([1, 2, 3, 9]), status: 'submitted' });
    expect(aliceRow(s, s.alice)).toMatchObject({ status: 'submitted', revision: null, approved: false, submittedVersionId: v2.versionId });
    // A second round on the new version, then approval overrules it.
    s.store.reviewVersion(s.reviewer, { versionId: v2.versionId, action: 'request-revision', comment: 'and slice 4' });
    expect(aliceRow(s).status).toBe('revision-requested');
    s.store.reviewVersion(s.admin, { versionId: v2.versionId, action: 'approve' });
    expect(aliceRow(s)).toMatchObject({ status: 'submitted', approved: true, revision: null });
  });

  it('a "no lesion" answer can be sent back too, and a new "no lesion" answer clears it', () => {
    const s = setUp();
    const nl = s.store.submitNoLesion(s.bob, { caseId: s.caseId });
    s.store.reviewVersion(s.reviewer, {
      versionId: nl.versionId,
      action: 'request-revision',
      comment: 'There is a small lesion in the pons',
    });
    const bobRow = () => s.store.worklist(s.bob).rows[0];
    expect(bobRow()).toMatchObject({ status: 'revision-requested', revision: { comment: 'There is a small lesion in the pons' } });
    s.store.submitNoLesion(s.bob, { caseId: s.caseId });
    expect(bobRow()).toMatchObject({ status: 'no-lesion', revision: null });
  });

  it('mark difficult: a difficult mark on the row that later verdicts do not remove', () => {
    const s = setUp();
    s.store.reviewVersion(s.reviewer, { versionId: s.aliceV.versionId, action: 'difficult', comment: 'tiny cortical lesion' });
    expect(aliceRow(s).marks).toEqual(['difficult']);
    s.store.reviewVersion(s.reviewer, { versionId: s.aliceV.versionId, action: 'approve' });
    expect(aliceRow(s)).toMatchObject({ marks: ['difficult'], approved: true });
    expect(
      s.store
        .auditLog(s.admin)
        .map((a) => a.action)
        .slice(0, 2),
    ).toEqual(['review.approve', 'review.difficult']);
  });

  it('refuses a revision request without a comment, with a clear message and nothing written', () => {
    const s = setUp();
    const audit = s.store.auditLog(s.admin).length;
    for (const comment of [undefined, '', '   ']) {
      expect(() =>
        s.store.reviewVersion(s.reviewer, {
          versionId: s.aliceV.versionId,
          action: 'request-revision',
          ...(comment === undefined ? {} : { comment }),
        }),
      ).toThrow(/a revision request needs a comment that tells the rater what to change/);
    }
    expect(s.store.auditLog(s.admin).length).toBe(audit);
    expect(s.store.listFlags(s.admin, s.caseId)).toEqual([]);
    expect(aliceRow(s).status).toBe('submitted');
  });

  it("refuses an annotator, and refuses to approve a draft, an outdated version or one's own work", () => {
    const s = setUp();
    expect(() => s.store.reviewVersion(s.alice, { versionId: s.aliceV.versionId, action: 'approve' })).toThrow(
      /only reviewers and admins can approve/,
    );
    expect(() => s.store.reviewVersion(s.bob, { versionId: s.aliceV.versionId, action: 'difficult' })).toThrow(/only reviewers and admins/);
    const draft = s.store.saveLabelmap(s.bob, { caseId: s.caseId, labelmap: labelmapWith([5]), status: 'draft' });
    expect(() => s.store.reviewVersion(s.reviewer, { versionId: draft.versionId, action: 'approve' })).toThrow(
      /is a draft: only submitted work/,
    );
    const v2 = s.store.saveLabelmap(s.alice, { caseId: s.caseId, labelmap: labelmapWith([1, 2]), status: 'submitted' });
    expect(() => s.store.reviewVersion(s.reviewer, { versionId: s.aliceV.versionId, action: 'approve' })).toThrow(
      new RegExp(`superseded by the rater's newer submission ${v2.versionId}`),
    );
    const mine = s.store.saveLabelmap(s.reviewer, { caseId: s.caseId, labelmap: labelmapWith([8]), status: 'submitted' });
    expect(() => s.store.reviewVersion(s.reviewer, { versionId: mine.versionId, action: 'approve' })).toThrow(
      /cannot approve or send back their own/,
    );
    expect(() => s.store.reviewVersion(s.reviewer, { versionId: 'ver_0000000000000000', action: 'approve' })).toThrow(/no version/);
    // @ts-expect-error: an unknown action from an untyped caller
    expect(() => s.store.reviewVersion(s.reviewer, { versionId: v2.versionId, action: 'reject' })).toThrow(
      /review action must be one of approve, request-revision, difficult/,
    );
    expect(s.store.listFlags(s.admin, s.caseId)).toEqual([]);
  });

  it('the migration that adds "difficult" keeps older flags and their order, and the table stays append-only', () => {
    const dir = tempDir();
    const at = MIGRATIONS.findIndex((m) => m.description.startsWith('review sessions'));
    expect(at).toBeGreaterThan(0);
    const older = ProjectStore.open(dir, { appVersion: APP_VERSION, create: true, migrations: MIGRATIONS.slice(0, at) });
    const admin = older.signIn(older.createIdentity('Ada', 'admin').raterId);
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
    const upgraded = ProjectStore.open(dir, { appVersion: APP_VERSION });
    try {
      expect(upgraded.openReport.migration.applied.some((a) => a.includes('review sessions'))).toBe(true);
      expect(upgraded.listFlags(admin, c.caseId).map((f) => [f.flagId, f.kind, f.note])).toEqual([
        [f1.flagId, 'image-problem', 'motion'],
        [f2.flagId, 'other', 'second'],
      ]);
      expect(upgraded.addFlag(admin, { caseId: c.caseId, kind: 'difficult' }).kind).toBe('difficult');
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
