/**
 * A crash at every single write into the database file: the deterministic counterpart of the
 * crash-safety test, whose random SIGKILLs land inside SQLite's short database-write window only
 * rarely. A child (crash/cutWriteChild.ts) autosaves and closes the store, SIGKILLing itself right
 * after its n-th write into quorum.sqlite, for every n the uncut run makes. After each kill the
 * project must reopen with integrity_check "ok", hold every version the child reported and at most the
 * one in flight, and decode each to exactly what was saved.
 *
 * Why it matters: node-sqlite3-wasm's VFS answers xCheckReservedLock from its lock directory, which
 * the opening connection has itself just created, so SQLite never takes a rollback journal for hot
 * and never plays one back. With the rollback journal a commit cut between its database page writes
 * stayed half applied ("wrong # of entries in index"); with WAL (ProjectStore's journal mode) a
 * commit never writes the database file, and recovery replays only committed frames.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { expectedLabelmap, isNoLesionSave } from './crash/autosavePattern';
import { newCrashProject, type CrashProject } from './crash/crashProject.testSupport';
import { ProjectStore } from './ProjectStore';
import { APP_VERSION } from './testSupport';

const CHILD = fileURLToPath(new URL('./crash/cutWriteChild.ts', import.meta.url));
/** Two labelmaps and a no-lesion answer: DB rows, files and an index update each. */
const SAVES = 3;

/** Runs the child, to be killed after its n-th database write (0: never); returns what it reported. */
function runChild(
  p: CrashProject,
  n: number,
): { saved: Array<{ k: number; versionId: string }>; closedAfter: number | null; signal: NodeJS.Signals | null } {
  const child = spawnSync(process.execPath, ['--import', 'tsx', CHILD, p.dir, p.raterId, p.caseId, APP_VERSION, String(n), String(SAVES)], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (child.error) throw child.error;
  const saved: Array<{ k: number; versionId: string }> = [];
  let closedAfter: number | null = null;
  for (const line of child.stdout.split('\n')) {
    const [what, a, b] = line.split(' ');
    if (what === 'saved') saved.push({ k: Number(a), versionId: b });
    if (what === 'closed') closedAfter = Number(a);
  }
  if (child.signal === null && closedAfter === null) throw new Error(`child failed (status ${child.status}): ${child.stderr}`);
  return { saved, closedAfter, signal: child.signal };
}

describe('a crash at any write into the database file', () => {
  it('leaves a project that reopens intact with every reported version', async () => {
    const first = await newCrashProject('torn');
    const uncut = runChild(first, 0);
    fs.rmSync(first.dir, { recursive: true, force: true });
    expect(uncut.saved.map((s) => s.k)).toEqual(Array.from({ length: SAVES }, (_, i) => i + 1));
    const writes = uncut.closedAfter ?? 0;
    // The saves and the close do write the database file, so there are points to cut at.
    expect(writes).toBeGreaterThan(0);

    for (let n = 1; n <= writes; n++) {
      const p = await newCrashProject('torn');
      const { saved, signal } = runChild(p, n);
      expect(signal, `cut after write ${n}`).toBe('SIGKILL');
      const store = await ProjectStore.open(p.dir, { appVersion: APP_VERSION });
      try {
        expect(store.openReport.integrity.sqlite, `cut after write ${n} of ${writes}`).toEqual(['ok']);
        expect(store.openReport.integrity.fileProblems, `cut after write ${n}`).toEqual([]);
        const session = await store.signIn(p.raterId);
        const versions = await store.listVersions(session, { caseId: p.caseId });
        expect(versions.length - saved.length, `cut after write ${n}: versions beyond the reported ones`).toBeGreaterThanOrEqual(0);
        expect(versions.length - saved.length, `cut after write ${n}: versions beyond the reported ones`).toBeLessThanOrEqual(1);
        saved.forEach((s, i) => expect(versions[i].versionId).toBe(s.versionId));
        for (const [i, v] of versions.entries()) {
          expect(v.noLesion).toBe(isNoLesionSave(i + 1));
          expect(await store.readVersionLabelmap(session, v.versionId), `cut after write ${n}: version ${i + 1}`).toEqual(
            expectedLabelmap(i + 1),
          );
        }
      } finally {
        store.close();
        fs.rmSync(p.dir, { recursive: true, force: true });
      }
    }
  }, 600_000);
});
