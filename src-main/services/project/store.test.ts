import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sha256Hex } from './annotationFiles';
import { ProjectError } from './errors';
import { ProjectStore, DB_FILE } from './ProjectStore';
import { MIGRATIONS, type Migration } from './schema';
import { Db, text } from './sqlite';
import { APP_VERSION, GRID, labelmapWith, onStore, openTemp, populated, storeKinds, tempDir, VOXELS } from './testSupport';

const open: ProjectStore[] = [];
afterEach(() => {
  while (open.length) open.pop()?.close();
});
function track<T extends ProjectStore>(s: T): T {
  open.push(s);
  return s;
}

describe('schema and migrations', () => {
  it('creates every table from an empty folder and records the schema version', async () => {
    const dir = tempDir();
    const store = track(await openTemp(dir));
    expect(store.openReport.migration).toMatchObject({ from: 0, to: MIGRATIONS.length });
    expect(store.openReport.integrity.ok).toBe(true);
    store.close();
    open.pop();
    const db = new Db(path.join(dir, DB_FILE));
    const tables = db
      .all("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
      .map((r) => text(r, 'name'));
    expect(tables).toEqual([
      'accounts',
      'annotation_file_values',
      'annotation_versions',
      'assignments',
      'audit_log',
      'cases',
      'inference_results',
      'invitations',
      'label_table',
      'project_meta',
      'raters',
      'review_comments',
      'review_flags',
      'sequences',
      'series',
      'session_grants',
      'sessions',
      'studies',
      'study_answers',
      'study_segmentations',
      'study_states',
      'study_trials',
      'study_views',
      'work_sessions',
    ]);
    expect(db.get('PRAGMA user_version')).toEqual({ user_version: MIGRATIONS.length });
    db.close();
  });

  it('upgrades an older database in order and keeps its data; reopening applies nothing', async () => {
    const dir = tempDir();
    // Today's store code needs today's schema, so the "older" database is the current one and the
    // upgrade is a test-only next migration (the real 1 → 2 upgrade: modelResults.test.ts).
    const v1Only = track(await ProjectStore.open(dir, { appVersion: APP_VERSION, create: true, migrations: MIGRATIONS }));
    const admin = await v1Only.signIn((await v1Only.createIdentity('Ada', 'admin')).raterId);
    v1Only.close();
    open.pop();
    const v2: Migration = {
      version: MIGRATIONS.length + 1,
      description: 'test-only: a rater colour column',
      up: (db) => db.exec("ALTER TABLE raters ADD COLUMN colour TEXT NOT NULL DEFAULT '#0072B2'"),
    };
    const upgraded = track(await ProjectStore.open(dir, { appVersion: APP_VERSION, migrations: [...MIGRATIONS, v2] }));
    expect(upgraded.openReport.migration.from).toBe(MIGRATIONS.length);
    expect(upgraded.openReport.migration.applied).toEqual([`${v2.version}: ${v2.description}`]);
    expect((await upgraded.listRaters(admin)).map((r) => r.name)).toEqual(['Ada']);
    upgraded.close();
    open.pop();
    const again = track(await ProjectStore.open(dir, { appVersion: APP_VERSION, migrations: [...MIGRATIONS, v2] }));
    expect(again.openReport.migration.applied).toEqual([]);
    // A clean close leaves no lock behind, so there was nothing stale to clear.
    expect(again.openReport.notes).toEqual([]);
    expect(fs.existsSync(path.join(dir, `${DB_FILE}.lock`))).toBe(true);
    again.close();
    open.pop();
    expect(fs.existsSync(path.join(dir, `${DB_FILE}.lock`))).toBe(false);
    expect(fs.existsSync(path.join(dir, `${DB_FILE}.owner`))).toBe(false);
  });

  it('refuses a database written by a newer Quorum', async () => {
    const dir = tempDir();
    (await openTemp(dir)).close();
    const db = new Db(path.join(dir, DB_FILE));
    db.exec(`PRAGMA user_version = ${MIGRATIONS.length + 5}`);
    db.close();
    await expect(async () => await ProjectStore.open(dir, { appVersion: APP_VERSION })).rejects.toThrow(/schema version \d+.*newer Quorum/);
  });

  it('refuses a folder that is not a project unless asked to create one', async () => {
    await expect(async () => await ProjectStore.open(tempDir(), { appVersion: APP_VERSION })).rejects.toThrow(/not a Quorum project/);
  });

  it('refuses a second open of the same project while it is open', async () => {
    const dir = tempDir();
    track(await openTemp(dir));
    await expect(async () => await openTemp(dir)).rejects.toThrow(/already open/);
  });

  it('refuses a project owned by another live process; takes over from a dead one', async () => {
    const dir = tempDir();
    (await openTemp(dir)).close();
    const ownerPath = path.join(dir, `${DB_FILE}.owner`);
    fs.writeFileSync(ownerPath, JSON.stringify({ pid: process.ppid, host: os.hostname(), openedAt: 'earlier' }));
    await expect(async () => await ProjectStore.open(dir, { appVersion: APP_VERSION })).rejects.toThrow(
      new RegExp(`open in another Quorum process \\(pid ${process.ppid}`),
    );
    const dead = spawnSync(process.execPath, ['-e', '0']).pid;
    fs.writeFileSync(ownerPath, JSON.stringify({ pid: dead, host: os.hostname(), openedAt: 'earlier' }));
    fs.mkdirSync(path.join(dir, `${DB_FILE}.lock`));
    const store = track(await ProjectStore.open(dir, { appVersion: APP_VERSION }));
    expect(store.openReport.notes).toEqual([`cleared a stale database lock left by process ${dead}, which is no longer running`]);
  });

  it('makes the audit log and the version table append-only at the SQL level', async () => {
    const dir = tempDir();
    const p = await populated(dir);
    await p.store.saveLabelmap(p.alice, { caseId: p.caseA.caseId, labelmap: labelmapWith([3]), status: 'draft' });
    p.store.close();
    const db = new Db(path.join(dir, DB_FILE));
    expect(() => db.run("UPDATE audit_log SET action = 'forged'")).toThrow(/append-only/);
    expect(() => db.run('DELETE FROM audit_log')).toThrow(/append-only/);
    expect(() => db.run("UPDATE annotation_versions SET status = 'submitted'")).toThrow(/append-only/);
    expect(() => db.run('DELETE FROM annotation_versions')).toThrow(/append-only/);
    db.close();
  });
});

// What a store does, whichever database keeps it; the schema, locking and file tests above are the folder's.
describe.each(storeKinds())('%s store', (kind) => {
  onStore(kind);

  describe('versioning', () => {
    it('makes a new version for every save, chains parents, and never rewrites an earlier file', async () => {
      const p = await populated();
      track(p.store);
      const caseId = p.caseA.caseId;
      const first = await p.store.saveLabelmap(p.alice, { caseId, labelmap: labelmapWith([0, 1]), status: 'draft' });
      const firstBytes = Uint8Array.from((await p.store.readVersionFile(p.alice, first.versionId))?.bytes ?? []);
      const second = await p.store.saveLabelmap(p.alice, { caseId, labelmap: labelmapWith([0, 1, 2]), status: 'draft' });
      const third = await p.store.saveLabelmap(p.alice, { caseId, labelmap: labelmapWith([5], 2), status: 'submitted' });
      expect(second.parentVersionId).toBe(first.versionId);
      expect(third.parentVersionId).toBe(second.versionId);
      expect(new Set([first.fileHash, second.fileHash, third.fileHash]).size).toBe(3);
      const all = await p.store.listVersions(p.alice, { caseId });
      expect(all.map((v) => v.versionId)).toEqual([first.versionId, second.versionId, third.versionId]);
      expect(all.every((v) => v.appVersion === APP_VERSION)).toBe(true);
      // The first file is still there, byte for byte, under its hash.
      const again = await p.store.readVersionFile(p.alice, first.versionId);
      expect(again?.bytes).toEqual(firstBytes);
      expect(sha256Hex(firstBytes)).toBe(first.fileHash);
      // And decodes to exactly what was saved.
      expect(Array.from(await p.store.readVersionLabelmap(p.alice, first.versionId)).filter((v) => v === 1).length).toBe(2);
      expect((await p.store.readVersionLabelmap(p.alice, third.versionId))[5]).toBe(2);
    });

    it('reuses the stored file when identical content is saved again', async () => {
      const p = await populated();
      track(p.store);
      const lm = labelmapWith([7, 8, 9]);
      const a = await p.store.saveLabelmap(p.alice, { caseId: p.caseA.caseId, labelmap: lm, status: 'draft' });
      const b = await p.store.saveLabelmap(p.alice, { caseId: p.caseA.caseId, labelmap: Uint8Array.from(lm), status: 'draft' });
      expect(b.versionId).not.toBe(a.versionId);
      expect(b.fileHash).toBe(a.fileHash);
      // One stored file behind both versions (a folder's annotations/ or the database's blobs).
      const integrity = await p.store.integrityReport(p.admin);
      expect(integrity.checkedFiles).toBe(1);
      expect(integrity.unreferencedFiles).toEqual([]);
    });

    it('submitting a draft unchanged makes a submitted version on the same file', async () => {
      const p = await populated();
      track(p.store);
      const d = await p.store.saveLabelmap(p.alice, { caseId: p.caseA.caseId, labelmap: labelmapWith([4]), status: 'draft' });
      const s = await p.store.submitDraft(p.alice, d.versionId);
      expect(s).toMatchObject({ status: 'submitted', fileHash: d.fileHash, parentVersionId: d.versionId, noLesion: false });
      expect(await p.store.status(p.alice, p.alice.raterId, p.caseA.caseId)).toBe('submitted');
    });

    it('rejects a parent version that belongs to someone else', async () => {
      const p = await populated();
      track(p.store);
      const bobs = await p.store.saveLabelmap(p.bob, { caseId: p.caseA.caseId, labelmap: labelmapWith([1]), status: 'draft' });
      await expect(
        async () =>
          await p.store.saveLabelmap(p.alice, {
            caseId: p.caseA.caseId,
            labelmap: labelmapWith([1]),
            status: 'draft',
            parentVersionId: bobs.versionId,
          }),
      ).rejects.toThrow(/not a version of this rater/);
    });
  });

  describe('not started, empty draft, no lesion', () => {
    it('are three distinct states', async () => {
      const p = await populated();
      track(p.store);
      const caseId = p.caseA.caseId;
      expect(await p.store.status(p.alice, p.alice.raterId, caseId)).toBe('not-started');
      const empty = await p.store.saveLabelmap(p.alice, { caseId, labelmap: new Uint8Array(VOXELS), status: 'draft' });
      expect(empty.fileHash).not.toBeNull();
      expect(await p.store.status(p.alice, p.alice.raterId, caseId)).toBe('draft');
      const none = await p.store.submitNoLesion(p.alice, { caseId });
      expect(none).toMatchObject({ status: 'submitted', noLesion: true, fileHash: null, fileName: null, parentVersionId: empty.versionId });
      expect(await p.store.status(p.alice, p.alice.raterId, caseId)).toBe('no-lesion');
      expect(await p.store.readVersionFile(p.alice, none.versionId)).toBeNull();
      expect(await p.store.readVersionLabelmap(p.alice, none.versionId)).toEqual(new Uint8Array(VOXELS));
      // The reviewer sees the same three states across raters.
      expect(await p.store.caseStatuses(p.reviewer, caseId)).toEqual(
        [
          { raterId: p.alice.raterId, status: 'no-lesion' },
          { raterId: p.bob.raterId, status: 'not-started' },
        ].sort((a, b) => a.raterId.localeCompare(b.raterId)),
      );
    });

    it('refuses to submit an empty mask, pointing at the explicit no-lesion answer', async () => {
      const p = await populated();
      track(p.store);
      const attempt = async () =>
        await p.store.saveLabelmap(p.alice, { caseId: p.caseA.caseId, labelmap: new Uint8Array(VOXELS), status: 'submitted' });
      await expect(attempt).rejects.toThrow(ProjectError);
      await expect(attempt).rejects.toThrow(/no lesion/);
      expect(await p.store.listVersions(p.alice)).toEqual([]);
    });
  });

  describe('identities', () => {
    it('bootstraps the first identity as admin, later self-registrations only as annotators', async () => {
      const store = track(await openTemp());
      await store.createIdentity('First', 'admin');
      await expect(async () => await store.createIdentity('Second', 'reviewer')).rejects.toThrow(/only be an annotator/);
      expect((await store.createIdentity('Third')).role).toBe('annotator');
      await expect(async () => await store.createIdentity('third')).rejects.toThrow(/already exists/);
    });

    it('takes the role from the database, not from the session object it is handed', async () => {
      const p = await populated();
      track(p.store);
      const forged = { raterId: p.alice.raterId, role: 'admin' as const };
      await expect(
        async () => await p.store.addCase(forged, { name: 'x', source: 'nifti', series: [{ label: 'x', path: 'x.nii', geometry: GRID }] }),
      ).rejects.toThrow(/only an admin/);
      await expect(async () => await p.store.listCases({ raterId: 'rater_nobody', role: 'admin' })).rejects.toThrow(/not signed in/);
    });
  });
});
