/**
 * What only the PostgreSQL store must show: two store instances ("two server processes") on one
 * database share every piece of state at once; two raters saving at the same moment both keep
 * their versions; a second save from the same base version, even racing through the other
 * process, gets the conflict error; and the database itself refuses to rewrite history.
 * Skipped, with the reason, where PostgreSQL is not installed (a failure in CI).
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProjectError } from './errors';
import { pgUnavailable, startPgCluster, type PgCluster } from './pgCluster.testSupport';
import { ProjectStore } from './ProjectStore';
import { APP_VERSION, GRID, labelmapWith, tempDir } from './testSupport';

const unavailable = pgUnavailable();
if (unavailable !== null) console.warn(unavailable);

describe.skipIf(unavailable !== null)('the PostgreSQL store', () => {
  let cluster: PgCluster;
  beforeAll(async () => {
    cluster = await startPgCluster();
  }, 120_000);
  afterAll(() => cluster?.stop());

  /** Two stores on one new database, the second opened after the first has set it up, plus an admin, two annotators and a case. */
  async function twoProcesses() {
    const url = await cluster.createDatabase();
    const images = tempDir();
    const one = await ProjectStore.openPostgres(url, { appVersion: APP_VERSION, imagesDir: images });
    const two = await ProjectStore.openPostgres(url, { appVersion: APP_VERSION, imagesDir: images });
    const admin = await one.signIn((await one.createIdentity('Ada Admin', 'admin')).raterId);
    const alice = await one.signIn((await one.createRater(admin, 'Alice', 'annotator')).raterId);
    const bob = await one.signIn((await one.createRater(admin, 'Bob', 'annotator')).raterId);
    const c = await one.addCase(admin, { name: 'case-A', source: 'nifti', series: [{ label: 'T1', path: 'a.nii.gz', geometry: GRID }] });
    await one.assign(admin, alice.raterId, c.caseId);
    await one.assign(admin, bob.raterId, c.caseId);
    return { url, one, two, admin, alice, bob, caseId: c.caseId, close: () => [one, two].forEach((s) => s.close()) };
  }

  it('two stores on one database: a save through one is readable through the other at once, byte for byte', async () => {
    const t = await twoProcesses();
    try {
      expect(t.two.openReport.projectId).toBe(t.one.openReport.projectId);
      const labelmap = labelmapWith([3, 7, 11], 1);
      const saved = await t.one.saveLabelmap(t.alice, { caseId: t.caseId, labelmap, status: 'draft' });
      // The other process holds no cache: it reads the row and the bytes from the database.
      expect((await t.two.listVersions(t.alice, { caseId: t.caseId })).map((v) => v.versionId)).toEqual([saved.versionId]);
      expect(await t.two.readVersionLabelmap(t.alice, saved.versionId)).toEqual(labelmap);
      expect(await t.two.status(t.alice, t.alice.raterId, t.caseId)).toBe('draft');
      // …and blinding holds across processes: Bob, through the other one, sees nothing of Alice's.
      expect(await t.two.listVersions(t.bob, { caseId: t.caseId })).toEqual([]);
    } finally {
      t.close();
    }
  });

  it('two raters saving at the same moment through two processes both keep their versions', async () => {
    const t = await twoProcesses();
    try {
      const rounds = 5;
      for (let i = 1; i <= rounds; i++) {
        const [a, b] = await Promise.all([
          t.one.saveLabelmap(t.alice, { caseId: t.caseId, labelmap: labelmapWith([i], 1), status: 'draft' }),
          t.two.saveLabelmap(t.bob, { caseId: t.caseId, labelmap: labelmapWith([i], 2), status: 'draft' }),
        ]);
        expect(a.raterId).toBe(t.alice.raterId);
        expect(b.raterId).toBe(t.bob.raterId);
      }
      for (const [who, value] of [
        [t.alice, 1],
        [t.bob, 2],
      ] as const) {
        const versions = await t.one.listVersions(t.admin, { caseId: t.caseId, raterId: who.raterId });
        expect(versions).toHaveLength(rounds);
        // One linear history each: every version's parent is the one before it.
        expect(versions.every((v, i) => v.parentVersionId === (i === 0 ? null : versions[i - 1].versionId))).toBe(true);
        for (const [i, v] of versions.entries())
          expect(await t.two.readVersionLabelmap(t.admin, v.versionId)).toEqual(labelmapWith([i + 1], value));
      }
    } finally {
      t.close();
    }
  });

  it('of two saves from the same base version, racing through two processes, one is kept and the other gets the conflict error', async () => {
    const t = await twoProcesses();
    try {
      const base = await t.one.saveLabelmap(t.alice, { caseId: t.caseId, labelmap: labelmapWith([1]), status: 'draft' });
      const results = await Promise.allSettled([
        t.one.saveLabelmap(t.alice, { caseId: t.caseId, labelmap: labelmapWith([2]), status: 'draft', parentVersionId: base.versionId }),
        t.two.saveLabelmap(t.alice, { caseId: t.caseId, labelmap: labelmapWith([3]), status: 'draft', parentVersionId: base.versionId }),
      ]);
      const kept = results.filter((r) => r.status === 'fulfilled');
      const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(kept).toHaveLength(1);
      expect(refused).toHaveLength(1);
      expect(refused[0].reason).toBeInstanceOf(ProjectError);
      expect((refused[0].reason as ProjectError).code).toBe('conflict');
      // A later save from the stale base, through either process, is refused the same way.
      await expect(
        t.two.saveLabelmap(t.alice, { caseId: t.caseId, labelmap: labelmapWith([4]), status: 'draft', parentVersionId: base.versionId }),
      ).rejects.toMatchObject({ code: 'conflict' });
      expect(await t.one.listVersions(t.alice, { caseId: t.caseId })).toHaveLength(2);
    } finally {
      t.close();
    }
  });

  it('the database itself refuses to rewrite versions, audit rows and annotation bytes, and to give a version two children', async () => {
    const t = await twoProcesses();
    const raw = new pg.Client({ connectionString: t.url });
    await raw.connect();
    try {
      const v = await t.one.saveLabelmap(t.alice, { caseId: t.caseId, labelmap: labelmapWith([5]), status: 'draft' });
      for (const sql of [
        "UPDATE annotation_versions SET status = 'submitted'",
        'DELETE FROM annotation_versions',
        "UPDATE audit_log SET action = 'x'",
        'DELETE FROM audit_log',
        "UPDATE annotation_blobs SET bytes = '\\x00'",
        'TRUNCATE annotation_versions CASCADE',
      ]) {
        await expect(raw.query(sql), sql).rejects.toThrow(/append-only/);
      }
      // Bytes that do not hash to their name are refused on insert.
      await expect(
        raw.query(`INSERT INTO annotation_blobs (file_name, hash, bytes) VALUES ($1, $1 || '', '\\x00')`, ['0'.repeat(64)]),
      ).rejects.toThrow(/check constraint/);
      // A second child of the same parent, written behind the store's back.
      const copy = `INSERT INTO annotation_versions (version_id, case_id, rater_id, file_hash, file_name, parent_version_id, created_at, status, no_lesion, app_version, origin)
        SELECT $1, case_id, rater_id, file_hash, file_name, parent_version_id, created_at, status, no_lesion, app_version, origin FROM annotation_versions WHERE version_id = $2`;
      await expect(raw.query(copy, ['ver_twin', v.versionId])).rejects.toThrow(/annotation_versions_one_child/);
    } finally {
      await raw.end();
      t.close();
    }
  });
});
