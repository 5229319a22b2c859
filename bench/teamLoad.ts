/**
 * The team server's load run (issue 13), shared by `teamLoad.bench.ts` (the full run: 50 raters ×
 * 20 versions of a 256×256×108 labelmap) and the bounded smoke test in vitest
 * (`src-main/server/teamLoad.test.ts`, correctness only).
 *
 * Team: a throw-away PostgreSQL cluster (pgCluster.testSupport.ts) and two `npm run serve --
 * --database` processes on it, on loopback. Every simulated rater signs in on both processes
 * (sessions are still kept per process) and saves its versions one after the other, alternating
 * the process and naming the previous version as the parent: each save through one process builds
 * on the save just acknowledged by the other, so the run also checks that one process sees the
 * other's writes at once (a stale parent would be a conflict). All raters run at the same time.
 *
 * Single user: the same saves from one rater through one server process on its SQLite project
 * (the desktop's default), in the same run on the same machine, for the latency beside it.
 *
 * Correctness: afterwards every rater's version list is exactly its acknowledged saves, in order,
 * with an unbroken parent chain, and every version read back through the API decodes to the labelmap
 * sent (compared by sha256 of the voxels, so no labelmap is kept in memory meanwhile).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { writeNifti } from '../src-shared/nifti';
import type { Geometry } from '../src-shared/volume/types';
import { startPgCluster } from '../src-main/services/project/pgCluster.testSupport';
import { signInWithTestSecret, testSecretOf } from '../src-main/services/project/signIn.testSupport';
import { apiCaller, spawnCli } from '../src-main/server/testSupport';

export interface LoadPlan {
  raters: number;
  versionsPerRater: number;
  dims: [number, number, number];
}

export interface LoadFigures {
  /** Save latencies in ms, as the client saw them (request sent → answer read). */
  latenciesMs: number[];
  /** Saves acknowledged, and how many of them were missing or differed when read back. */
  acknowledged: number;
  lost: number;
  corrupted: number;
  /** Wall time of the saving phase. */
  savingMs: number;
}

type Call = (channel: string, request: unknown) => Promise<unknown>;

interface Server {
  call: Call;
  /** The same, from rater r's own workstation: a loopback address of its own (127.0.1.r), since the server limits connections per client address. */
  callFrom(r: number): Call;
  stop(): Promise<void>;
}

// A team server (--database) prints its URL without a launch token: people are let in by accounts.
const URL_LINE = /^Quorum browser mode: http:\/\/127\.0\.0\.1:(\d+)\/(?:\?token=([A-Za-z0-9_-]+))?$/m;

async function startServer(args: string[]): Promise<Server> {
  const { child, stdout, exit, stderr } = spawnCli(args);
  let stopping = false;
  void exit.then((code) => {
    if (!stopping) console.error(`a server process ended by itself (exit code ${code}):\n${stderr().slice(-2000)}`);
  });
  const said = await stdout;
  const m = URL_LINE.exec(said);
  if (!m) {
    child.kill('SIGKILL');
    throw new Error(`the server did not start:\n${said}`);
  }
  const [port, token] = [Number(m[1]), m[2] ?? null];
  return {
    call: apiCaller(port, token),
    callFrom: (r) => apiCaller(port, token, `127.0.${1 + Math.floor(r / 250)}.${1 + (r % 250)}`),
    stop: async () => {
      stopping = true;
      child.kill('SIGTERM');
      await exit;
    },
  };
}

/** A folder with one case of the plan's grid, registered by the default project's manifest. */
function writeImages(root: string, dims: [number, number, number]): string {
  const images = path.join(root, 'images');
  mkdirSync(images, { recursive: true });
  const geometry: Geometry = { dims, spacingMm: [0.8, 0.8, 1.5], originLps: [0, 0, 0], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] };
  writeFileSync(
    path.join(images, 'load.nii.gz'),
    writeNifti({ geometry, data: new Int16Array(dims[0] * dims[1] * dims[2]) }, { gzip: true }),
  );
  writeFileSync(
    path.join(images, 'quorum-demo.json'),
    JSON.stringify({ name: 'load', cases: [{ name: 'load', path: 'load.nii.gz', kind: 'nifti' }] }),
  );
  return images;
}

/** Rater r's k-th labelmap: a slab and a point that differ for every (r, k), so any mix-up shows. */
function labelmapOf(voxels: number, r: number, k: number): Uint8Array {
  const lm = new Uint8Array(voxels);
  const start = ((r * 7919 + k * 104729) % Math.max(1, voxels - 5000)) | 0;
  lm.fill(1, start, start + 1000 + ((r * 31 + k * 17) % 3000));
  lm[(r * 65537 + k * 257 + 11) % voxels] = 2;
  return lm;
}

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

interface Saved {
  versionId: string;
  voxelsSha256: string;
}

/** Signs `name` in through `call`, registering them (with their test secret) on first use. */
async function signedIn(call: Call, name: string): Promise<string> {
  const people = (await call('rater.identities', {})) as Array<{ name: string }>;
  if (!people.some((p) => p.name === name)) await call('rater.create', { name, secret: testSecretOf(name) });
  return (await signInWithTestSecret(call, name)).token;
}

/**
 * Each rater's saves, all raters at once: save k goes through `servers[k % servers.length]`,
 * naming save k − 1 as its parent. Returns what was acknowledged and the latencies.
 */
async function saveAll(
  servers: Server[],
  plan: LoadPlan,
  namePrefix: string,
): Promise<{ saved: Map<string, Saved[]>; sessions: Map<string, string[]>; caseId: string; latenciesMs: number[]; savingMs: number }> {
  const voxels = plan.dims[0] * plan.dims[1] * plan.dims[2];
  const names = Array.from({ length: plan.raters }, (_, r) => `${namePrefix} ${r + 1}`);
  // Registration one by one, then sign-ins on every process. The first person to register becomes
  // the admin, who sees everyone's versions: an admin who does not save, so the raters are annotators.
  await signedIn(servers[0].call, `${namePrefix} admin`);
  const sessions = new Map<string, string[]>();
  for (const name of names) sessions.set(name, [await signedIn(servers[0].call, name)]);
  for (const name of names) for (const s of servers.slice(1)) sessions.get(name)?.push(await signedIn(s.call, name));
  const [{ caseId }] = (await servers[0].call('projectCase.list', { session: sessions.get(names[0])?.[0] })) as Array<{ caseId: string }>;

  const latenciesMs: number[] = [];
  const saved = new Map<string, Saved[]>();
  const t0 = performance.now();
  await Promise.all(
    names.map(async (name, r) => {
      const mine: Saved[] = [];
      saved.set(name, mine);
      const tokens = sessions.get(name) ?? [];
      const calls = servers.map((s) => s.callFrom(r));
      for (let k = 0; k < plan.versionsPerRater; k++) {
        const lm = labelmapOf(voxels, r, k);
        const request = {
          session: tokens[k % servers.length],
          caseId,
          status: 'draft',
          labelmap: lm,
          parentVersionId: mine.at(-1)?.versionId ?? null,
        };
        const started = performance.now();
        const v = (await calls[k % servers.length]('annotation.save', request)) as { versionId: string };
        latenciesMs.push(performance.now() - started);
        mine.push({ versionId: v.versionId, voxelsSha256: sha256(lm) });
      }
    }),
  );
  return { saved, sessions, caseId, latenciesMs, savingMs: performance.now() - t0 };
}

/** Every acknowledged save, checked through the API: present in order, and its voxels as sent. A few reads at a time. */
async function readBack(
  servers: Server[],
  saved: Map<string, Saved[]>,
  sessions: Map<string, string[]>,
  caseId: string,
): Promise<{ lost: number; corrupted: number }> {
  let lost = 0;
  let corrupted = 0;
  const work = [...saved.entries()];
  const worker = async (): Promise<void> => {
    for (let next = work.shift(); next; next = work.shift()) {
      const [name, mine] = next;
      const tokens = sessions.get(name) ?? [];
      const list = (await servers[0].call('annotation.list', { session: tokens[0], caseId })) as Array<{
        versionId: string;
        parentVersionId: string | null;
      }>;
      const listed = new Map(list.map((v, i) => [v.versionId, i]));
      mine.forEach((s, i) => {
        if (listed.get(s.versionId) !== i) lost++;
      });
      if (list.length !== mine.length || list.some((v, i) => v.parentVersionId !== (i === 0 ? null : list[i - 1].versionId)))
        throw new Error(`${name}: ${list.length} versions listed for ${mine.length} acknowledged, or a broken parent chain`);
      for (const [i, s] of mine.entries()) {
        // Read through the other process than the one that saved it.
        const reader = (i + 1) % servers.length;
        const r = (await servers[reader].call('annotation.read', { session: tokens[reader], versionId: s.versionId })) as {
          labelmap: Uint8Array;
        };
        if (sha256(r.labelmap) !== s.voxelsSha256) corrupted++;
      }
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
  return { lost, corrupted };
}

function figures(
  run: { saved: Map<string, Saved[]>; latenciesMs: number[]; savingMs: number },
  check: { lost: number; corrupted: number },
): LoadFigures {
  const acknowledged = [...run.saved.values()].reduce((n, v) => n + v.length, 0);
  return { latenciesMs: run.latenciesMs, acknowledged, lost: check.lost, corrupted: check.corrupted, savingMs: run.savingMs };
}

/** The team: `serverCount` processes on one fresh PostgreSQL database, `plan.raters` raters saving at once. */
export async function runTeamLoad(dir: string, plan: LoadPlan, serverCount = 2): Promise<LoadFigures> {
  const images = writeImages(dir, plan.dims);
  const cluster = await startPgCluster();
  const servers: Server[] = [];
  try {
    const url = await cluster.createDatabase();
    // One after the other: the first migrates the database and registers the case.
    for (let i = 0; i < serverCount; i++)
      servers.push(
        await startServer([
          '--listen',
          '127.0.0.1:0',
          '--database',
          url,
          '--project',
          images,
          '--renderer',
          images,
          '--data-dir',
          path.join(dir, `data-${i}`),
        ]),
      );
    const run = await saveAll(servers, plan, 'Team rater');
    return figures(run, await readBack(servers, run.saved, run.sessions, run.caseId));
  } finally {
    for (const s of servers) await s.stop();
    cluster.stop();
  }
}

/** The desktop's default: one process on its SQLite project, `plan.raters` raters (1 for the baseline). */
export async function runSingleUser(dir: string, plan: LoadPlan): Promise<LoadFigures> {
  const images = writeImages(dir, plan.dims);
  const server = await startServer(['--port', '0', '--project', images, '--renderer', images, '--data-dir', path.join(dir, 'data-single')]);
  try {
    const run = await saveAll([server], plan, 'Single rater');
    return figures(run, await readBack([server], run.saved, run.sessions, run.caseId));
  } finally {
    await server.stop();
  }
}

/** The p-th percentile (0–100) of `values`, nearest rank. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}
