/**
 * `npm run serve -- push <folder> --database …` and `pull` (issue 13, migration), run as the CLI a
 * user runs: a populated single-user project (people, a case, drafts and submissions, a comment, a
 * flag, an invitation, the audit trail, annotation files) goes into an empty PostgreSQL database
 * and comes back into a new folder with the same rows and the same bytes, compared here straight
 * from the two SQLite files and the two annotation folders; a target that is not empty is refused.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANNOTATIONS_DIR } from '../services/project/annotationFiles';
import { startPgCluster, type PgCluster } from '../services/project/pgCluster.testSupport';
import { DB_FILE, ProjectStore } from '../services/project/ProjectStore';
import { NOT_TRANSFERRED, TRANSFER_TABLES } from '../services/project/projectTransfer';
import { Db, text } from '../services/project/sqlite';
import { APP_VERSION, labelmapWith, populated, storeKinds, tempDir } from '../services/project/testSupport';

const here = path.dirname(fileURLToPath(import.meta.url));
const tsx = path.resolve(here, '..', '..', 'node_modules', '.bin', 'tsx');

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(tsx, [path.join(here, 'cli.ts'), ...args], { maxBuffer: 16 << 20 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: err.code ?? -1, stdout: err.stdout ?? '', stderr: err.stderr ?? '' };
  }
}

/**
 * Every table's rows (but the sessions, which are not moved), each table's sorted so that insertion
 * order does not matter, straight from the file.
 */
function tablesOf(folder: string): Record<string, string[]> {
  const db = new Db(path.join(folder, DB_FILE));
  try {
    const names = db
      .all("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
      .map((r) => text(r, 'name'))
      .filter((t) => !(NOT_TRANSFERRED as readonly string[]).includes(t));
    return Object.fromEntries(
      names.map((t) => [
        t,
        db
          .all(`SELECT * FROM ${t}`)
          .map((r) => JSON.stringify(r, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)))
          .sort(),
      ]),
    );
  } finally {
    db.close();
  }
}

function filesOf(folder: string): Map<string, Buffer> {
  const dir = path.join(folder, ANNOTATIONS_DIR);
  return new Map(readdirSync(dir).map((name) => [name, readFileSync(path.join(dir, name))]));
}

describe.skipIf(!storeKinds().includes('postgres'))('push a folder to a team database and pull it back', () => {
  let cluster: PgCluster;
  beforeAll(async () => {
    cluster = await startPgCluster();
  }, 120_000);
  afterAll(() => cluster?.stop());

  it('copies every row and annotation file, checked by hashes, and refuses a target that is not empty', async () => {
    const source = tempDir();
    const { store, admin, alice, bob, caseA } = await populated(source);
    const caseId = caseA.caseId;
    const draft = await store.saveLabelmap(alice, { caseId, labelmap: labelmapWith([1, 2, 3]), status: 'draft' });
    await store.saveLabelmap(alice, {
      caseId,
      labelmap: labelmapWith([1, 2, 3, 40], 2),
      status: 'submitted',
      parentVersionId: draft.versionId,
    });
    const bobs = await store.saveLabelmap(bob, { caseId, labelmap: labelmapWith([7, 8]), status: 'submitted' });
    await store.addComment(admin, { caseId, versionId: bobs.versionId, body: 'check slice 2' });
    await store.addFlag(admin, { caseId, versionId: bobs.versionId, kind: 'accepted' });
    await store.createInvitation(admin, { name: 'Ivy Invited', role: 'annotator' }, Date.now());
    store.close();
    const before = tablesOf(source);
    const files = filesOf(source);
    expect(files.size).toBeGreaterThanOrEqual(3);
    // The transfer's table list is the schema's, whatever migrations add, less the sessions.
    expect(Object.keys(before).sort()).toEqual([...TRANSFER_TABLES].sort());

    const url = await cluster.createDatabase();
    const push = await cli(['push', source, '--database', url]);
    expect(push.stderr).toBe('');
    expect(push.code).toBe(0);
    for (const [name, bytes] of files)
      expect(push.stdout).toContain(`blob ${name} ${createHash('sha256').update(bytes).digest('hex')} ${bytes.length}`);
    for (const [table, rows] of Object.entries(before))
      expect(push.stdout).toMatch(new RegExp(`^table ${table} ${rows.length} [0-9a-f]{64}$`, 'm'));

    const pulledDir = path.join(tempDir(), 'pulled');
    const pull = await cli(['pull', '--database', url, pulledDir]);
    expect(pull.code).toBe(0);
    // Both directions digest the same rows the same way.
    const digests = (out: string) => out.split('\n').filter((l) => l.startsWith('table ') || l.startsWith('blob '));
    expect(digests(pull.stdout)).toEqual(digests(push.stdout));
    expect(tablesOf(pulledDir)).toEqual(before);
    const pulledFiles = filesOf(pulledDir);
    expect([...pulledFiles.keys()].sort()).toEqual([...files.keys()].sort());
    for (const [name, bytes] of files) expect(pulledFiles.get(name)?.equals(bytes), name).toBe(true);

    // The team server carries on where the folder stopped: its next version numbers follow the copied ones.
    const team = await ProjectStore.openPostgres(url, { appVersion: APP_VERSION, imagesDir: source });
    try {
      const aliceId = (await team.personByNameAsApp('Alice Annotator'))?.raterId ?? '';
      const aliceOnTeam = await team.signIn(aliceId);
      const newest = (await team.listVersions(aliceOnTeam, { caseId })).at(-1);
      const next = await team.saveLabelmap(aliceOnTeam, {
        caseId,
        labelmap: labelmapWith([5]),
        status: 'draft',
        parentVersionId: newest?.versionId ?? null,
      });
      expect(next.parentVersionId).toBe(newest?.versionId);
    } finally {
      team.close();
    }

    // A second push into the now populated database, or a pull into the pulled folder, is refused; nothing changes.
    const again = await cli(['push', source, '--database', url]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/the target project is not empty \(raters: \d+ rows/);
    const into = await cli(['pull', '--database', url, pulledDir]);
    expect(into.code).toBe(2);
    expect(tablesOf(pulledDir)).toEqual(before);
  }, 180_000);
});
