/**
 * Crash safety: a child process autosaves a new draft every few ms and is killed with SIGKILL at a
 * random moment, ≥ 20 times. After every kill the project is reopened and must show:
 * - SQLite's integrity_check "ok" and no missing or damaged annotation file;
 * - every version the child reported as complete is present, its file intact bit for bit
 *   (sha256 of the bytes on disk = the hash in the DB) and decoding to exactly the labelmap saved;
 * - at most one version beyond the last reported one (the save in flight, committed but not yet
 *   reported), i.e. at most the in-flight save is lost.
 * The child is `node --import tsx` (one process, so SIGKILL hits the writer itself, not a wrapper).
 * The seed (printed at the end, and in every failure) comes from the clock; `QUORUM_CRASH_SEED=<n>`
 * replays a run's kill delays, though where a kill lands still depends on the machine's speed.
 * tornWrite.test.ts cuts at every database write deterministically.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from './annotationFiles';
import { expectedLabelmap, isNoLesionSave } from './crash/autosavePattern';
import { newCrashProject } from './crash/crashProject.testSupport';
import { ProjectStore } from './ProjectStore';
import { APP_VERSION } from './testSupport';
// Seeded so that a failing run can be replayed from its seed.
import { mulberry32 } from '../../../src-shared/random/mulberry32';

const KILLS = 20;
const CHILD = fileURLToPath(new URL('./crash/autosaveChild.ts', import.meta.url));

interface Saved {
  k: number;
  versionId: string;
  fileHash: string | null;
}

/** Runs the child until it has saved at least once, waits a random 0–60 ms more, then SIGKILLs it. */
function runAndKill(dir: string, raterId: string, caseId: string, rand: () => number): Promise<{ saved: Saved[]; readyAt: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, dir, raterId, caseId, APP_VERSION], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const saved: Saved[] = [];
    let readyAt = -1;
    let buffer = '';
    let stderr = '';
    let killTimer: NodeJS.Timeout | null = null;
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      buffer += chunk;
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        const parts = line.split(' ');
        if (parts[0] === 'ready') readyAt = Number(parts[1]);
        if (parts[0] === 'saved') {
          saved.push({ k: Number(parts[1]), versionId: parts[2], fileHash: parts[3] === 'null' ? null : parts[3] });
          if (!killTimer) killTimer = setTimeout(() => child.kill('SIGKILL'), Math.floor(rand() * 60));
        }
      }
    });
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const guard = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`autosave child never saved within 20 s: ${stderr}`));
    }, 20_000);
    child.on('exit', (code, signal) => {
      clearTimeout(guard);
      if (signal !== 'SIGKILL') reject(new Error(`autosave child exited on its own (code ${code}): ${stderr}`));
      else resolve({ saved, readyAt });
    });
  });
}

describe('crash safety', () => {
  it(
    `survives ${KILLS} SIGKILLs in the middle of an autosave loop`,
    async () => {
      const seed = Number(process.env.QUORUM_CRASH_SEED ?? Date.now() % 1_000_000);
      const rand = mulberry32(seed);
      const { dir, raterId, caseId } = await newCrashProject('crash');
      let store: ProjectStore;

      let totalReported = 0;
      let inFlightCommitted = 0;
      for (let kill = 0; kill < KILLS; kill++) {
        const { saved, readyAt } = await runAndKill(dir, raterId, caseId, rand);
        expect(saved.length, `seed ${seed} kill ${kill}`).toBeGreaterThan(0);
        totalReported += saved.length;

        store = await ProjectStore.open(dir, { appVersion: APP_VERSION });
        // The killed child held SQLite's lock (a directory in this VFS); reopening must clear it, not hang.
        expect(store.openReport.notes.join(' ')).toMatch(/stale database lock left by process \d+/);
        const report = store.openReport.integrity;
        expect(report.sqlite, `seed ${seed} kill ${kill}`).toEqual(['ok']);
        expect(report.fileProblems, `seed ${seed} kill ${kill}`).toEqual([]);
        const session = await store.signIn(raterId);
        const versions = await store.listVersions(session, { caseId });
        // The child numbered its saves from the count it found: k-th version ↔ expectedLabelmap(k).
        const last = saved[saved.length - 1];
        expect(saved[0].k).toBe(readyAt + 1);
        expect(versions.length - last.k, `seed ${seed} kill ${kill}: versions beyond the last reported`).toBeGreaterThanOrEqual(0);
        expect(versions.length - last.k, `seed ${seed} kill ${kill}: versions beyond the last reported`).toBeLessThanOrEqual(1);
        inFlightCommitted += versions.length - last.k;
        for (const s of saved) expect(versions[s.k - 1]).toMatchObject({ versionId: s.versionId, fileHash: s.fileHash });
        // The last completed version (and an in-flight one that did commit) is intact bit for bit.
        for (let k = last.k; k <= versions.length; k++) {
          const v = versions[k - 1];
          expect(v.noLesion).toBe(isNoLesionSave(k));
          if (v.noLesion) continue;
          const onDisk = fs.readFileSync(path.join(dir, 'annotations', v.fileName ?? ''));
          expect(sha256Hex(onDisk)).toBe(v.fileHash);
          expect(await store.readVersionLabelmap(session, v.versionId)).toEqual(expectedLabelmap(k));
        }
        store.close();
      }

      // Finally every version ever saved decodes to exactly what was saved.
      store = await ProjectStore.open(dir, { appVersion: APP_VERSION });
      try {
        const session = await store.signIn(raterId);
        const versions = await store.listVersions(session, { caseId });
        expect(versions.length).toBe(totalReported + inFlightCommitted);
        for (const [i, v] of versions.entries())
          expect(await store.readVersionLabelmap(session, v.versionId), `version ${i + 1}`).toEqual(expectedLabelmap(i + 1));
        expect(versions.every((v, i) => i === 0 || v.parentVersionId === versions[i - 1].versionId)).toBe(true);
        console.log(
          `crash test seed ${seed}: ${KILLS} kills, ${versions.length} versions, ${inFlightCommitted} in-flight saves committed before their report, ${store.openReport.integrity.tempFiles.length} temp files and ${store.openReport.integrity.unreferencedFiles.length} unreferenced files left by kills`,
        );
      } finally {
        store.close();
      }
      // A backstop only, per kill rather than for the whole run: a kill and its checks take a few
      // seconds, but a fixed 120 s total timed out a correct store on a loaded 2-core machine.
    },
    KILLS * 30_000,
  );
});
