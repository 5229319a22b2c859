/**
 * Crash safety through the real browser-mode server: the store-level test
 * (project/crashSafety.test.ts) kills a process that calls the store directly; this one kills the
 * server a user runs (src-main/server/cli.ts, as e2e/helpers/startServer.ts starts it, but as one
 * `node --import tsx` process so SIGKILL hits the server itself, not a tsx wrapper) while a client
 * autosaves over HTTP exactly as the renderer does: sign in, `annotation.save` drafts one after the
 * other (every third save the `annotation.noLesion` answer, a DB-only write).
 *
 * It runs on both stores: the single-user one (SQLite + files in the data folder) and the team
 * server's (`--database postgres://…` on a throw-away cluster, pgCluster.testSupport.ts).
 *
 * ≥ 20 SIGKILLs at seeded random moments after the first acknowledged save. After each, the server
 * is restarted on the same store and must show:
 * - a healthy store (project.integrity: `PRAGMA integrity_check` = ok for SQLite, no missing or
 *   damaged annotation file or blob), and every stored annotation hashing to its name, read
 *   straight from the folder or the database: nothing half-written is there to be served;
 * - every save the client got an OK for is there, same version id and file hash, and the last one's
 *   stored bytes hash to the recorded sha256 (bit for bit) and decode to the labelmap sent;
 * - at most one version beyond the last acknowledged one (the save in flight when the server died):
 *   at most the in-flight save is lost.
 * On PostgreSQL, also a restart of the database itself (`pg_ctl restart -m immediate`) in the middle
 * of the loop: the server stays up, the saves that meet the restart get a clear error (an HTTP
 * answer, not a hang or a dropped connection), later saves succeed on fresh connections, and the
 * same checks hold.
 * Content per save comes from the store test's pattern (crash/autosavePattern.ts).
 * `QUORUM_CRASH_SEED=<n>` replays a run.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeFrame, FRAME_CONTENT_TYPE } from '../../src-shared/api/binaryFrame';
import { mulberry32 } from '../../src-shared/random/mulberry32';
import { writeTestProject } from '../services/demoDwiBackend.testSupport';
import { sha256Hex } from '../services/project/annotationFiles';
import { autosaveLabelmap, CRASH_GRID, expectedLabelmap, isNoLesionSave } from '../services/project/crash/autosavePattern';
import { startPgCluster, type PgCluster } from '../services/project/pgCluster.testSupport';
import { signInWithTestSecret, testSecretOf } from '../services/project/signIn.testSupport';
import { storeKinds, type StoreKind } from '../services/project/testSupport';
import { apiBody } from './testSupport';

const KILLS = 20;
/**
 * Bounds on single events, not a budget for the whole test. A run (start, checks, saves until the
 * kill) takes 2–10 s on a loaded 2-core machine, and how long 21 of them take together depends on
 * what else runs; a fixed total (it was 120 s) failed a correct server on a busy CI machine. Each
 * wait below is bounded instead, far above its normal time, so only a hang fails, and the failure
 * names the step that hung.
 */
const START_BOUND_MS = 60_000;
const CALL_BOUND_MS = 30_000;
const RUN_BOUND_MS = 120_000;
/** A free port each start: several test runs may share the machine, so a fixed port could collide. */
const PORT = 0;
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
// A team server (--database) prints its URL without a launch token: people are let in by accounts.
const URL_LINE = /Quorum browser mode: (http:\/\/127\.0\.0\.1:\d+)\/(?:\?token=([A-Za-z0-9_-]+))?/;
/** A stored annotation's name: its content's sha256 (annotationFileName). Temp files of interrupted saves are not served. */
const BLOB_NAME = /^([0-9a-f]{64})\.nii(\.gz)?$/;

interface Server {
  origin: string;
  token: string | null;
  child: ChildProcess;
  exited: Promise<NodeJS.Signals | null>;
}

/** The store a server runs on, and how the test reads what it stored behind the server's back. */
interface StoreUnderTest {
  /** The CLI's arguments that choose the store. */
  args: string[];
  /** Every stored annotation by name: the files of the project's `annotations/`, or the rows of `annotation_blobs`. */
  stored(): Promise<Map<string, Buffer>>;
}

function startServer(imagesDir: string, storeArgs: string[]): Promise<Server> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'src-main/server/cli.ts', '--port', String(PORT), '--project', imagesDir, '--renderer', imagesDir, ...storeArgs],
    { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`server printed no URL within ${START_BOUND_MS / 1000} s:\n${output}`));
    }, START_BOUND_MS);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const m = URL_LINE.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve({ origin: m[1], token: m[2] ?? null, child, exited });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`server exited before printing its URL:\n${output}`));
    });
  });
}

/** A refusal the server answered (as opposed to a connection that dropped). */
class Refused extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

async function call<T>(server: Server, channel: string, request: unknown): Promise<T> {
  const { type, body: sent } = apiBody(request);
  const res = await fetch(`${server.origin}/api/${channel}`, {
    method: 'POST',
    headers: { 'Content-Type': type, ...(server.token === null ? {} : { 'X-Quorum-Token': server.token }) },
    body: sent,
    signal: AbortSignal.timeout(CALL_BOUND_MS),
  });
  const isFrame = (res.headers.get('content-type') ?? '').startsWith(FRAME_CONTENT_TYPE);
  const body = (isFrame ? decodeFrame(new Uint8Array(await res.arrayBuffer())) : await res.json()) as {
    ok: boolean;
    value?: T;
    error?: { code: string; message: string };
  };
  if (!body.ok) throw new Refused(res.status, body.error?.code ?? '', `${channel}: ${body.error?.code}: ${body.error?.message}`);
  return body.value as T;
}

interface Version {
  versionId: string;
  fileHash: string | null;
  fileName: string | null;
  noLesion: boolean;
  parentVersionId: string | null;
}
interface Acked {
  k: number;
  versionId: string;
  fileHash: string | null;
}

async function signIn(server: Server): Promise<{ session: string; caseId: string }> {
  const ids = await call<Array<{ name: string }>>(server, 'rater.identities', {});
  if (!ids.some((r) => r.name === 'Autosaver'))
    await call(server, 'rater.create', { name: 'Autosaver', secret: testSecretOf('Autosaver') });
  const { token } = await signInWithTestSecret((channel, request) => call(server, channel, request), 'Autosaver');
  const [c] = await call<Array<{ caseId: string }>>(server, 'projectCase.list', { session: token });
  return { session: token, caseId: c.caseId };
}

/** The k-th autosave, as the renderer sends it. */
function autosave(server: Server, session: string, caseId: string, k: number): Promise<Version> {
  return isNoLesionSave(k)
    ? call<Version>(server, 'annotation.noLesion', { session, caseId })
    : call<Version>(server, 'annotation.save', {
        session,
        caseId,
        status: 'draft',
        labelmap: autosaveLabelmap(k),
      });
}

/** Saves k, k+1, … one after the other (as autosave does) until the server dies; returns the acknowledged saves. */
async function autosaveUntilKilled(server: Server, session: string, caseId: string, firstK: number, killAfterMs: number): Promise<Acked[]> {
  const acked: Acked[] = [];
  let killTimer: NodeJS.Timeout | null = null;
  for (let k = firstK; ; k++) {
    let v: Version;
    try {
      v = await autosave(server, session, caseId, k);
    } catch (err) {
      // The connection dropped: the server was killed with this save in flight.
      if (server.child.exitCode === null && server.child.signalCode === null && !killTimer) throw err;
      await server.exited;
      return acked;
    }
    acked.push({ k, versionId: v.versionId, fileHash: v.fileHash });
    killTimer ??= setTimeout(() => server.child.kill('SIGKILL'), killAfterMs);
  }
}

async function readLabelmap(server: Server, session: string, versionId: string): Promise<Uint8Array> {
  return (await call<{ labelmap: Uint8Array }>(server, 'annotation.read', { session, versionId })).labelmap;
}

/** `work`, or an error naming `what` if it has not settled within `ms`. */
async function within<T>(ms: number, what: string, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not done within ${ms / 1000} s`)), ms);
  });
  try {
    return await Promise.race([work, bound]);
  } finally {
    clearTimeout(timer);
  }
}

/** A folder with the one case the autosaver works on (the default project's manifest). */
function crashImages(root: string): string {
  const n = CRASH_GRID.dims[0] * CRASH_GRID.dims[1] * CRASH_GRID.dims[2];
  return writeTestProject(root, [{ name: 'crash', file: 'crash.nii.gz', volume: { geometry: CRASH_GRID, data: new Int16Array(n) } }]);
}

/** The project in the data folder: its annotation files, read from disk. */
function sqliteStore(dataDir: string): StoreUnderTest {
  const annotations = path.join(dataDir, 'projects', 'demo', 'annotations');
  return {
    args: ['--data-dir', dataDir],
    stored: () => {
      let names: string[] = [];
      try {
        names = readdirSync(annotations).filter((n) => BLOB_NAME.test(n));
      } catch {
        // No save has written a file yet.
      }
      return Promise.resolve(new Map(names.map((n) => [n, readFileSync(path.join(annotations, n))])));
    },
  };
}

/** The project in a PostgreSQL database: its blobs, read with a client of the test's own. */
function postgresStore(url: string, dataDir: string): StoreUnderTest {
  return {
    args: ['--database', url, '--data-dir', dataDir],
    stored: async () => {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        const { rows } = await client.query<{ file_name: string; bytes: Buffer }>('SELECT file_name, bytes FROM annotation_blobs');
        return new Map(rows.map((r) => [r.file_name, r.bytes]));
      } finally {
        await client.end();
      }
    },
  };
}

/**
 * What every start checks: a healthy store, every stored annotation hashing to its name, every
 * acknowledged save present with its id and hash, the last one bit for bit (stored bytes and
 * decoded labelmap), and at most `maxUnacked` versions beyond it. Returns the versions.
 */
async function checkAcknowledged(
  server: Server,
  store: StoreUnderTest,
  session: string,
  caseId: string,
  acked: Acked[],
  maxUnacked: number,
  where: string,
): Promise<Version[]> {
  const integrity = await call<{ sqlite: string[]; fileProblems: unknown[] }>(server, 'project.integrity', { session });
  expect(integrity.sqlite, where).toEqual(['ok']);
  expect(integrity.fileProblems, where).toEqual([]);
  const stored = await store.stored();
  for (const [name, bytes] of stored) expect(sha256Hex(bytes), `${where}: stored ${name}`).toBe(BLOB_NAME.exec(name)?.[1]);
  const versions = await call<Version[]>(server, 'annotation.list', { session, caseId });
  if (acked.length === 0) return versions;
  const last = acked[acked.length - 1];
  // Version k is the k-th row: nothing acknowledged is missing, at most the in-flight saves were added.
  expect(versions.length - last.k, `${where}: versions beyond the last acknowledged`).toBeGreaterThanOrEqual(0);
  expect(versions.length - last.k, `${where}: versions beyond the last acknowledged`).toBeLessThanOrEqual(maxUnacked);
  for (const a of acked) expect(versions[a.k - 1], where).toMatchObject({ versionId: a.versionId, fileHash: a.fileHash });
  const lastV = versions[last.k - 1];
  expect(lastV.noLesion, where).toBe(isNoLesionSave(last.k));
  if (lastV.fileName) {
    const bytes = stored.get(lastV.fileName);
    expect(bytes, `${where}: the last acknowledged file is stored`).toBeDefined();
    expect(sha256Hex(bytes ?? Buffer.alloc(0)), where).toBe(lastV.fileHash);
  }
  expect(Buffer.from(await readLabelmap(server, session, lastV.versionId)).equals(Buffer.from(expectedLabelmap(last.k))), where).toBe(true);
  return versions;
}

/** Every version ever saved decodes to exactly what was sent, and the parent chain is unbroken. */
async function checkEveryVersion(server: Server, session: string, versions: Version[]): Promise<void> {
  for (let i = 0; i < versions.length; i++) {
    expect(
      Buffer.from(await readLabelmap(server, session, versions[i].versionId)).equals(Buffer.from(expectedLabelmap(i + 1))),
      `version ${i + 1}`,
    ).toBe(true);
  }
  expect(versions.every((v, i) => i === 0 || v.parentVersionId === versions[i - 1].versionId)).toBe(true);
}

const tmp = mkdtempSync(path.join(tmpdir(), 'quorum-server-crash-'));
let running: Server | null = null;

async function stopRunning(): Promise<void> {
  if (running && running.child.exitCode === null && running.child.signalCode === null) {
    running.child.kill('SIGKILL');
    await running.exited;
  }
  running = null;
}

afterAll(async () => {
  await stopRunning();
  rmSync(tmp, { recursive: true, force: true });
});

describe.each(storeKinds())('crash safety through the browser-mode server on %s', (kind: StoreKind) => {
  let cluster: PgCluster | null = null;
  /** A fresh store for one test: its own data folder, and on PostgreSQL its own database. */
  const freshStore = async (name: string): Promise<StoreUnderTest> => {
    const dataDir = path.join(tmp, kind, name);
    if (cluster === null) return sqliteStore(dataDir);
    return postgresStore(await cluster.createDatabase(), dataDir);
  };
  beforeAll(async () => {
    if (kind === 'postgres') cluster = await startPgCluster();
  }, START_BOUND_MS);
  afterAll(async () => {
    await stopRunning();
    cluster?.stop();
  });

  it(
    `survives ${KILLS} SIGKILLs of the server in the middle of an HTTP autosave loop`,
    async () => {
      const seed = Number(process.env.QUORUM_CRASH_SEED ?? Date.now() % 1_000_000);
      const rand = mulberry32(seed);
      const images = crashImages(path.join(tmp, kind));
      const store = await freshStore('kills');

      let inFlightCommitted = 0;
      let totalAcked = 0;
      let previous: Acked[] = [];
      const started = Date.now();
      // Each start checks what the previous run left, then autosaves until killed; the last start only checks.
      const checkThenSave = async (run: number): Promise<void> => {
        const where = `seed ${seed} after kill ${run}`;
        running = await startServer(images, store.args);
        const { session, caseId } = await signIn(running);
        const versions = await checkAcknowledged(running, store, session, caseId, previous, 1, where);
        if (run > 0) inFlightCommitted += versions.length - previous[previous.length - 1].k;
        if (run === KILLS) {
          expect(versions.length).toBe(totalAcked + inFlightCommitted);
          await checkEveryVersion(running, session, versions);
          running.child.kill('SIGTERM');
          await running.exited;
          console.log(
            `server crash test (${kind}) seed ${seed}: ${KILLS} SIGKILLs in ${((Date.now() - started) / 1000).toFixed(1)} s, ${versions.length} versions, ${inFlightCommitted} in-flight saves committed before their acknowledgement`,
          );
          return;
        }
        previous = await autosaveUntilKilled(running, session, caseId, versions.length + 1, Math.floor(rand() * 80));
        expect(previous.length, where).toBeGreaterThan(0);
        totalAcked += previous.length;
      };
      for (let run = 0; run <= KILLS; run++) await within(RUN_BOUND_MS, `seed ${seed} run ${run}`, checkThenSave(run));
      // Vitest's own timeout is only the backstop behind the per-run bounds, which fire first.
    },
    (KILLS + 2) * RUN_BOUND_MS,
  );

  it.runIf(kind === 'postgres')(
    'survives a PostgreSQL restart in the middle of the autosave loop: clear errors meanwhile, then saves again',
    async () => {
      const seed = Number(process.env.QUORUM_CRASH_SEED ?? Date.now() % 1_000_000);
      const rand = mulberry32(seed);
      const images = crashImages(path.join(tmp, kind));
      const store = await freshStore('restart');
      running = await startServer(images, store.args);
      const server = running;
      const { session, caseId } = await signIn(server);

      const acked: Acked[] = [];
      const refusals: Refused[] = [];
      let k = 1;
      /** One autosave; false when the server refused it because the database was away. */
      const saveOnce = async (): Promise<boolean> => {
        try {
          const v = await autosave(server, session, caseId, k);
          acked.push({ k, versionId: v.versionId, fileHash: v.fileHash });
          k++;
          return true;
        } catch (err) {
          // The server must answer (not drop the connection or die) and say what went wrong.
          if (!(err instanceof Refused)) throw err;
          refusals.push(err);
          expect(server.child.exitCode, `the server exited: ${err.message}`).toBeNull();
          expect([err.status, err.code], err.message).toEqual([503, 'unavailable']);
          expect(err.message).toMatch(/project database cannot be reached right now/);
          expect(refusals.length, 'refusals while the database restarts').toBeLessThan(1000);
          // A refused save may still have committed before its answer was lost: the next one is
          // numbered after whatever the server holds, as the editor's next autosave would be.
          k = (await listAfterRestart(server, session, caseId)).length + 1;
          await new Promise((r) => setTimeout(r, 50));
          return false;
        }
      };
      const fiveMoreSaves = async (): Promise<void> => {
        for (let saved = 0; saved < 5;) if (await saveOnce()) saved++;
      };

      // A restart while saves are in flight: at a random moment after the first acknowledged one.
      while (!(await saveOnce()));
      let restartDone = false;
      const restart = (async () => {
        try {
          await new Promise((r) => setTimeout(r, Math.floor(rand() * 80)));
          await within(START_BOUND_MS, 'pg_ctl restart during saves', cluster?.restart() ?? Promise.resolve());
        } finally {
          // Also when the restart failed: the save loop below ends, and `await restart` reports why.
          restartDone = true;
        }
      })();
      // Should a save fail the test first, the restart's own failure must not surface later as unhandled.
      restart.catch(() => undefined);
      while (!restartDone) await saveOnce();
      await restart;
      await fiveMoreSaves();
      // And one while nothing is in flight: the pool's idle connections are cut under it.
      await within(START_BOUND_MS, 'pg_ctl restart while idle', cluster?.restart() ?? Promise.resolve());
      await fiveMoreSaves();

      const versions = await checkAcknowledged(server, store, session, caseId, acked, 0, `seed ${seed} after the restart`);
      await checkEveryVersion(server, session, versions);
      console.log(
        `PostgreSQL restart test seed ${seed}: ${acked.length} acknowledged saves, ${refusals.length} refused during the restart (${[...new Set(refusals.map((r) => r.message))].join(' | ')})`,
      );
      await stopRunning();
    },
    RUN_BOUND_MS * 2,
  );
});

/** The versions, once the database answers again (listing may be refused like a save while it restarts). */
async function listAfterRestart(server: Server, session: string, caseId: string): Promise<Version[]> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call<Version[]>(server, 'annotation.list', { session, caseId });
    } catch (err) {
      if (!(err instanceof Refused) || attempt >= 1000) throw err;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}
