/**
 * Issue 13, a stateless team server: two real server processes (`npm run serve -- --database …`)
 * on one PostgreSQL database, as behind a load balancer. A session signed in through one process
 * works through the other, what it opened there (volume and file URLs) is served by the other, a
 * save through one is read through the other at once, and a sign-out through either ends the
 * session on both; "sign out everywhere" ends every session of a person on both. Neither process
 * has a per-launch token: accounts let people in. Skipped where PostgreSQL is not installed.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaseDescriptor } from '../../src-shared/api/contract';
import { repoRoot, writeTestProject } from '../services/demoDwiBackend.testSupport';
import { pgUnavailable, startPgCluster, type PgCluster } from '../services/project/pgCluster.testSupport';
import { testSecretOf } from '../services/project/signIn.testSupport';
import { apiCaller, rawRequest, spawnCli, type SpawnedCli } from './testSupport';

const DWI = path.join(repoRoot, 'demo', 'dwi', 'dwi.nii.gz');
const VOXELS = 124 * 152 * 32;

const unavailable = pgUnavailable();
if (unavailable !== null) console.warn(unavailable);

/** One server process: a channel call with no launch token (a team server has none), and a GET of a URL it handed out. */
interface Process {
  value<T>(channel: string, body: unknown): Promise<T>;
  /** The refusal's message of a call that must fail. */
  refusal(channel: string, body: unknown): Promise<string>;
  get(url: string): Promise<{ status: number; body: Buffer }>;
}

function processOn(port: number): Process {
  const call = apiCaller(port, null);
  return {
    value: async <T>(channel: string, body: unknown) => (await call(channel, body)) as T,
    refusal: (channel, body) =>
      call(channel, body).then(
        () => `${channel} on port ${port} was not refused`,
        (err: unknown) => String(err),
      ),
    get: async (url) => await rawRequest(port, `/${url}`),
  };
}

async function signIn(p: Process, name: string): Promise<{ token: string; raterId: string }> {
  const people = await p.value<Array<{ name: string; hasSecret: boolean }>>('rater.identities', {});
  const hasSecret = people.find((x) => x.name === name)?.hasSecret ?? false;
  const signedIn = await p.value<{ token: string; session: { raterId: string } }>('rater.signIn', {
    name,
    secret: testSecretOf(name),
    setSecret: !hasSecret,
  });
  return { token: signedIn.token, raterId: signedIn.session.raterId };
}

describe.skipIf(unavailable !== null)('two server processes on one PostgreSQL database', () => {
  let cluster: PgCluster;
  let tmp: string;
  const spawned: SpawnedCli[] = [];
  let a: Process;
  let b: Process;

  /** Starts a server on `url`, waits for its URL line, and checks that the URL carries no launch token. */
  async function serve(url: string): Promise<Process> {
    const cli = spawnCli([
      '--listen',
      '127.0.0.1:0',
      '--database',
      url,
      '--project',
      path.join(tmp, 'images'),
      '--renderer',
      path.join(tmp, 'renderer'),
      '--data-dir',
      path.join(tmp, `data-${spawned.length}`),
    ]);
    spawned.push(cli);
    const line = (await cli.stdout).trim();
    const match = /^Quorum browser mode: http:\/\/127\.0\.0\.1:(\d+)\/$/.exec(line);
    if (match === null) throw new Error(`unexpected first line: ${line}; stderr: ${cli.stderr()}`);
    return processOn(Number(match[1]));
  }

  beforeAll(async () => {
    cluster = await startPgCluster();
    tmp = await mkdtemp(path.join(os.tmpdir(), 'quorum-team-sessions-'));
    writeTestProject(tmp, [{ name: 'DWI', path: DWI, kind: 'nifti' }]);
    await mkdir(path.join(tmp, 'renderer'));
    await writeFile(path.join(tmp, 'renderer', 'index.html'), '<!doctype html><title>team</title>');
    const url = await cluster.createDatabase();
    // One after the other: the first sets the database up (and registers the case), the second finds it ready.
    a = await serve(url);
    b = await serve(url);
    const ada = await signIn(
      a,
      (await a.value<{ name: string }>('rater.create', { name: 'Ada Admin', secret: testSecretOf('Ada Admin') })).name,
    );
    for (const name of ['Alice Annotator', 'Bob Annotator'])
      await a.value('rater.create', { name, role: 'annotator', secret: testSecretOf(name), session: ada.token });
  }, 180_000);

  afterAll(async () => {
    for (const cli of spawned) {
      cli.child.kill('SIGTERM');
      await cli.exit;
    }
    cluster?.stop();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it('a session signed in on A opens a case and saves through B; B serves its image, A reads the save at once; a sign-out on B ends it on A', async () => {
    const alice = await signIn(a, 'Alice Annotator');
    const [dwi] = await b.value<Array<{ caseId: string }>>('projectCase.list', { session: alice.token });

    // Opened through A: B has never seen the case, yet serves its volume and file URLs, byte for byte.
    const opened = await a.value<CaseDescriptor>('case.open', { session: alice.token, path: DWI });
    const volumeUrl = opened.volumes[0].url;
    const [viaA, viaB] = [await a.get(volumeUrl), await b.get(volumeUrl)];
    expect([viaA.status, viaB.status]).toEqual([200, 200]);
    expect(viaB.body.equals(viaA.body)).toBe(true);
    expect(opened.fileUrl).toBeDefined();
    const [fileA, fileB] = [await a.get(opened.fileUrl ?? ''), await b.get(opened.fileUrl ?? '')];
    expect([fileA.status, fileB.status]).toEqual([200, 200]);
    expect(fileB.body.equals(fileA.body)).toBe(true);
    // A key nobody was granted stays refused on both.
    const forged = `api/volume/${'f'.repeat(32)}/${opened.volumes[0].volumeId}`;
    expect([(await a.get(forged)).status, (await b.get(forged)).status]).toEqual([404, 404]);

    const labelmap = new Uint8Array(VOXELS);
    labelmap[4242] = 1;
    const saved = await b.value<{ versionId: string }>('annotation.save', {
      session: alice.token,
      caseId: dwi.caseId,
      labelmap,
      status: 'draft',
      parentVersionId: null,
    });
    const listedOnA = await a.value<Array<{ versionId: string }>>('annotation.list', { session: alice.token, caseId: dwi.caseId });
    expect(listedOnA.map((v) => v.versionId)).toEqual([saved.versionId]);

    await b.value('rater.signOut', { session: alice.token });
    expect(await a.refusal('rater.current', { session: alice.token })).toMatch(/not signed in/);
    expect(await b.refusal('annotation.list', { session: alice.token, caseId: dwi.caseId })).toMatch(/not signed in/);
  });

  it('"sign out everywhere" ends every session of the person on both processes, and only an admin may do it for someone else', async () => {
    const onA = await signIn(a, 'Bob Annotator');
    const onB = await signIn(b, 'Bob Annotator');
    const alice = await signIn(b, 'Alice Annotator');
    for (const [p, token] of [
      [a, onB.token],
      [b, onA.token],
    ] as const)
      expect((await p.value<{ name: string }>('rater.current', { session: token })).name).toBe('Bob Annotator');

    // An annotator cannot end another person's sessions.
    expect(await b.refusal('rater.signOutEverywhere', { session: alice.token, raterId: onA.raterId })).toMatch(/only an admin/);
    expect((await b.value<{ name: string }>('rater.current', { session: onA.token })).name).toBe('Bob Annotator');

    await a.value('rater.signOutEverywhere', { session: onA.token });
    for (const p of [a, b])
      for (const token of [onA.token, onB.token]) expect(await p.refusal('rater.current', { session: token })).toMatch(/not signed in/);
    // Nobody else was signed out.
    expect((await a.value<{ name: string }>('rater.current', { session: alice.token })).name).toBe('Alice Annotator');

    // An admin ends Alice's sessions; the audit log says who did it, through the other process.
    const ada = await signIn(b, 'Ada Admin');
    await b.value('rater.signOutEverywhere', { session: ada.token, raterId: alice.raterId });
    expect(await a.refusal('rater.current', { session: alice.token })).toMatch(/not signed in/);
    const audit = await a.value<Array<{ action: string; actorRaterId: string | null; subjectId: string | null }>>('audit.list', {
      session: ada.token,
    });
    expect(audit.filter((e) => e.action === 'session.sign-out-everywhere').map((e) => [e.actorRaterId, e.subjectId])).toEqual(
      expect.arrayContaining([
        [onA.raterId, onA.raterId],
        [ada.raterId, alice.raterId],
      ]),
    );
  });

  it('no process switches to another project: that would be state of that process alone', async () => {
    const ada = await signIn(b, 'Ada Admin');
    expect(await b.refusal('project.open', { session: ada.token, path: path.join(tmp, 'elsewhere'), create: true })).toMatch(
      /team server serves its database's project only/,
    );
    // Asking which project is open stays anyone's, and both processes name the same one.
    const [onA, onB] = [await a.value<{ projectId: string }>('project.open', {}), await b.value<{ projectId: string }>('project.open', {})];
    expect(onB.projectId).toBe(onA.projectId);
  });
});
