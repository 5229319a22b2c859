/**
 * Accounts and sessions attacked over HTTP, as a rater holding the launch token would (issue 18,
 * findings 1 and 2): the real browser-mode server on a free port, the real backend and project
 * store; only the clock is the test's, so expiry and sign-in pauses are reached without waiting.
 * - signing in as someone else by their id, or without their secret, is refused; so is a wrong secret;
 * - repeated failures pause sign-in for that person (parallel guesses included), even with the right secret;
 * - the sign-in picker carries names only; the database never holds a secret in clear;
 * - sessions expire (idle and maximum age) and end when an admin resets the person's secret;
 * - only an admin may re-open or switch the project; a re-open keeps every session, a switch ends them;
 * - an annotator is refused reviewer and admin channels and another rater's versions, and no response
 *   an annotator receives names another annotator or carries their work (the leak scan).
 * All of it twice: on the single-user server (SQLite, HTTP on loopback) and on the team server
 * (PostgreSQL on a throw-away cluster, HTTPS with a generated certificate), the same code.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Result } from '../../src-shared/api/contract';
import { findLeaks } from '../../src-shared/study/blinding';
import { CRASH_GRID } from '../services/project/crash/autosavePattern';
import { startPgCluster, type PgCluster } from '../services/project/pgCluster.testSupport';
import { CHANNEL_ACCESS } from '../services/channelAccess';
import { createTestBackend, writeTestProject } from '../services/demoDwiBackend.testSupport';
import { DB_FILE } from '../services/project/ProjectStore';
import { storeKinds } from '../services/project/testSupport';
import type { Backend } from './backend';
import type { BrowserServer } from './httpServer';
import { rawRequest, selfSignedCertificate, serveBackend } from './testSupport';

const TOKEN = 'accounts-test-token-0123456789';
const IDLE_MS = 60_000;
const MAX_AGE_MS = 10 * 60_000;
const MAX_FAILURES = 3;
const LOCKOUT_MS = 30_000;

const START_OF_TEST = Date.UTC(2026, 11, 6, 12);

let tmp: string;
let backend: Backend;
let server: BrowserServer;
/** The team server's certificate (HTTPS); undefined on the single-user server (HTTP). */
let ca: Buffer | undefined;
/** Every text the store keeps, for the scan for secrets in clear. */
let storedText: () => Promise<Buffer>;
let now = START_OF_TEST;
/** Every answer, with the session that asked: the leak scan reads what one person received. */
let received: Array<{ session: unknown; channel: string; request: string; body: Buffer }> = [];

async function post<T = unknown>(channel: string, body: unknown): Promise<{ status: number; result: Result<T> }> {
  const request = JSON.stringify(body);
  const res = await rawRequest(server.port, `/api/${channel}`, { method: 'POST', headers: { 'X-Quorum-Token': TOKEN }, api: body }, ca);
  received.push({ session: (body as { session?: unknown }).session, channel, request, body: res.body });
  return { status: res.status, result: res.json<Result<T>>() };
}

/** Every row of every table of the project's database, as JSON text: what a stolen database would show. */
async function everyRowAsText(url: string): Promise<Buffer> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows: tables } = await client.query<{ tablename: string }>("SELECT tablename FROM pg_tables WHERE schemaname = 'public'");
    const dumps = await Promise.all(
      tables.map(async ({ tablename }) => JSON.stringify((await client.query(`SELECT * FROM "${tablename}"`)).rows)),
    );
    return Buffer.from(dumps.join('\n'));
  } finally {
    await client.end();
  }
}

async function must<T>(channel: string, body: unknown): Promise<T> {
  const { result } = await post<T>(channel, body);
  if (!result.ok) throw new Error(`${channel}: ${result.error.code}: ${result.error.message}`);
  return result.value;
}

/** The refusal of a request that must fail: its HTTP status and message. */
async function refused(channel: string, body: unknown): Promise<{ status: number; code: string; message: string }> {
  const { status, result } = await post(channel, body);
  if (result.ok) throw new Error(`${channel} succeeded but should have been refused: ${JSON.stringify(result.value).slice(0, 200)}`);
  return { status, code: result.error.code, message: result.error.message };
}

const signIn = (name: string, secret: string) =>
  must<{ token: string; session: { raterId: string; role: string } }>('rater.signIn', { name, secret });
const ADA = { name: 'Ada Admin', secret: 'correct horse battery' };
const ALICE = { name: 'Alice Annotator', secret: 'alice-secret-1' };
const BOB = { name: 'Bob Blinded', secret: '204863' }; // a PIN

let adaId: string;

/** The single-user server on SQLite over HTTP, and the team server on PostgreSQL over HTTPS. */
const SERVERS = storeKinds().map((store) => ({ store, label: store === 'sqlite' ? 'SQLite over HTTP' : 'PostgreSQL over HTTPS' }));

describe.each(SERVERS)('accounts attacked on $label', ({ store }) => {
  let cluster: PgCluster | null = null;
  beforeAll(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'quorum-accounts-'));
    now = START_OF_TEST;
    received = [];
    // One case, for the annotators' work in the leak scan.
    const voxels = CRASH_GRID.dims[0] * CRASH_GRID.dims[1] * CRASH_GRID.dims[2];
    writeTestProject(tmp, [{ name: 'case', file: 'case.nii.gz', volume: { geometry: CRASH_GRID, data: new Int16Array(voxels) } }]);
    let databaseUrl: string | undefined;
    if (store === 'postgres') {
      cluster = await startPgCluster();
      const url = await cluster.createDatabase();
      databaseUrl = url;
      storedText = () => everyRowAsText(url);
    } else {
      // The database and its write-ahead log, which holds the newest transactions until a checkpoint.
      const project = path.join(tmp, 'data', 'projects', 'demo');
      storedText = async () => Buffer.concat(await Promise.all([DB_FILE, `${DB_FILE}-wal`].map((f) => readFile(path.join(project, f)))));
    }
    backend = await createTestBackend(tmp, {
      ...(databaseUrl === undefined ? {} : { databaseUrl }),
      accounts: {
        nowMs: () => now,
        sessionPolicy: { idleMs: IDLE_MS, maxAgeMs: MAX_AGE_MS },
        signInPolicy: { maxFailures: MAX_FAILURES, lockoutMs: LOCKOUT_MS, maxLockoutMs: 4 * LOCKOUT_MS },
      },
    });
    let tls: { cert: Buffer; key: Buffer } | undefined;
    if (store === 'postgres') {
      const { certFile, keyFile } = selfSignedCertificate(tmp);
      tls = { cert: await readFile(certFile), key: await readFile(keyFile) };
    }
    ca = tls?.cert;
    server = await serveBackend(backend, { token: TOKEN, ...(tls ? { tls } : {}) });
    // The first person bootstraps as admin; each self-registration sets its secret at once.
    adaId = (await must<{ raterId: string; role: string }>('rater.create', ADA)).raterId;
    await must('rater.create', ALICE);
    await must('rater.create', BOB);
  }, 120_000);

  afterAll(async () => {
    await server?.close();
    backend?.close();
    cluster?.stop();
    await rm(tmp, { recursive: true, force: true });
  });

  describe('identity', () => {
    it('lists names only in the sign-in picker, and never stores a secret in clear', async () => {
      const people = await must<Array<Record<string, unknown>>>('rater.identities', {});
      expect(people.map((p) => p.name)).toEqual([ADA.name, ALICE.name, BOB.name]);
      for (const p of people) expect(Object.keys(p).sort()).toEqual(['hasSecret', 'name']);
      expect(JSON.stringify(people)).not.toMatch(/rater_[0-9a-f]/);

      const db = await storedText();
      for (const { secret } of [ADA, ALICE, BOB]) expect(db.includes(Buffer.from(secret))).toBe(false);
      expect(db.includes(Buffer.from('scrypt$ln=15,r=8,p=1$'))).toBe(true);
    });

    it("refuses to sign in as someone by their id, by their name alone, or by claiming their account's first sign-in", async () => {
      const byId = await refused('rater.signIn', { raterId: adaId });
      expect([byId.status, byId.code]).toEqual([400, 'bad-request']);
      const noSecret = await refused('rater.signIn', { name: ADA.name, raterId: adaId });
      expect(noSecret.status).toBe(400);
      const takeOver = await refused('rater.signIn', { name: ADA.name, secret: 'attacker-chosen', setSecret: true });
      expect([takeOver.status, takeOver.message]).toEqual([401, expect.stringMatching(/already has a password/)]);
      const again = await refused('rater.create', { name: 'ada admin', secret: 'attacker-chosen' });
      expect(again.message).toMatch(/already exists/);
      // A session is a random token from sign-in: a rater id is not one.
      const forged = await refused('rater.list', { session: adaId });
      expect([forged.status, forged.message]).toEqual([401, expect.stringMatching(/not signed in/)]);
      const { session } = await signIn(ADA.name, ADA.secret);
      expect(session).toEqual({ raterId: adaId, role: 'admin' });
    });

    it('refuses a wrong secret, and pauses sign-in after repeated failures even for the right one', async () => {
      const wrong = await refused('rater.signIn', { name: ALICE.name, secret: 'alice-secret-2' });
      expect([wrong.status, wrong.message]).toEqual([
        401,
        expect.stringMatching(/wrong password or PIN for Alice Annotator \(2 more before a pause\)/),
      ]);
      await refused('rater.signIn', { name: ALICE.name, secret: 'alice-secret-3' });
      const third = await refused('rater.signIn', { name: ALICE.name, secret: 'alice-secret-4' });
      expect(third.message).toMatch(/sign-in paused for 30 s/);
      const paused = await refused('rater.signIn', ALICE);
      expect([paused.status, paused.message]).toEqual([
        401,
        expect.stringMatching(/too many failed sign-ins for Alice Annotator: try again in 30 s/),
      ]);

      // After the pause one attempt is allowed; another failure doubles the pause.
      now += LOCKOUT_MS + 1;
      expect((await refused('rater.signIn', { name: ALICE.name, secret: 'alice-secret-5' })).message).toMatch(/paused for 60 s/);
      now += LOCKOUT_MS + 1;
      expect((await refused('rater.signIn', ALICE)).message).toMatch(/try again in 30 s/);
      now += LOCKOUT_MS;
      const { token } = await signIn(ALICE.name, ALICE.secret);
      expect(await must('rater.current', { session: token })).toMatchObject({ name: ALICE.name, session: { role: 'annotator' } });
      // Success clears the count: a new mistake has the full allowance again.
      expect((await refused('rater.signIn', { name: ALICE.name, secret: 'nope-nope-nope' })).message).toMatch(/2 more before a pause/);
    });

    it('counts parallel guesses before checking them: no more than the allowance is ever tried', async () => {
      const guesses = await Promise.all(
        Array.from({ length: 12 }, (_, i) => refused('rater.signIn', { name: BOB.name, secret: String(100000 + i) })),
      );
      const checked = guesses.filter((g) => /wrong password/.test(g.message));
      expect(checked).toHaveLength(MAX_FAILURES);
      expect(guesses.filter((g) => /too many failed sign-ins/.test(g.message))).toHaveLength(12 - MAX_FAILURES);
      expect((await refused('rater.signIn', BOB)).message).toMatch(/too many failed sign-ins/);
    });

    it('lets a person without a secret set it at first sign-in, once, under the password policy', async () => {
      const admin = (await signIn(ADA.name, ADA.secret)).token;
      const rita = await must<{ raterId: string }>('rater.create', { name: 'Rita Reviewer', role: 'reviewer', session: admin });
      expect(
        (await must<Array<{ name: string; hasSecret: boolean }>>('rater.identities', {})).find((p) => p.name === 'Rita Reviewer')
          ?.hasSecret,
      ).toBe(false);
      expect((await refused('rater.signIn', { name: 'Rita Reviewer', secret: 'anything-at-all' })).message).toMatch(/has no password yet/);
      const weak = await refused('rater.signIn', { name: 'Rita Reviewer', secret: 'short', setSecret: true });
      expect([weak.status, weak.message]).toEqual([400, expect.stringMatching(/at least 8 characters/)]);
      expect((await refused('rater.signIn', { name: 'Rita Reviewer', secret: '12345', setSecret: true })).message).toMatch(
        /PIN needs at least 6 digits/,
      );
      const first = await must<{ session: { raterId: string; role: string } }>('rater.signIn', {
        name: 'Rita Reviewer',
        secret: 'rita-chosen-1',
        setSecret: true,
      });
      expect(first.session).toEqual({ raterId: rita.raterId, role: 'reviewer' });
      expect((await refused('rater.signIn', { name: 'Rita Reviewer', secret: 'attacker-chosen', setSecret: true })).message).toMatch(
        /already has a password/,
      );
      await signIn('Rita Reviewer', 'rita-chosen-1');
    });

    it("an admin's reset of a secret ends that person's sessions and lifts a pause; a person changes their own only with the current one", async () => {
      const admin = (await signIn(ADA.name, ADA.secret)).token;
      const bobId = (await must<Array<{ raterId: string; name: string }>>('rater.list', { session: admin })).find(
        (r) => r.name === BOB.name,
      )?.raterId;
      const alice = await signIn(ALICE.name, ALICE.secret);
      expect((await refused('rater.setSecret', { session: alice.token, raterId: bobId, secret: 'alice-owns-bob' })).status).toBe(401);
      expect(
        (await refused('rater.setSecret', { session: alice.token, raterId: alice.session.raterId, secret: 'new-alice-secret' })).message,
      ).toMatch(/current password/);
      expect(
        (
          await refused('rater.setSecret', {
            session: alice.token,
            raterId: alice.session.raterId,
            secret: 'new-alice-secret',
            currentSecret: 'wrong-wrong',
          })
        ).status,
      ).toBe(401);

      // Bob is paused (previous test); the admin resets his PIN.
      await must('rater.setSecret', { session: admin, raterId: bobId, secret: '731904' });
      expect((await refused('rater.signIn', BOB)).message).toMatch(/wrong password/);
      const bob = await signIn(BOB.name, '731904');
      await must('rater.setSecret', { session: admin, raterId: bobId, secret: BOB.secret });
      expect((await refused('rater.current', { session: bob.token })).message).toMatch(/not signed in/);
      await signIn(BOB.name, BOB.secret);
    });

    it('expires sessions after the idle time and after the maximum age', async () => {
      const idle = (await signIn(ALICE.name, ALICE.secret)).token;
      const signedInAt = now;
      const busy = (await signIn(BOB.name, BOB.secret)).token;
      now += IDLE_MS - 1000;
      await must('rater.current', { session: busy });
      now += 2000;
      const expired = await refused('projectCase.list', { session: idle });
      expect([expired.status, expired.message]).toEqual([401, expect.stringMatching(/session expired/)]);
      // Bob keeps making requests, never idle, until the maximum age has passed.
      for (;;) {
        now += IDLE_MS / 2;
        const { status, result } = await post('rater.current', { session: busy });
        if (now - signedInAt <= MAX_AGE_MS) {
          expect(result.ok).toBe(true);
          continue;
        }
        expect([status, !result.ok && result.error.message]).toEqual([401, expect.stringMatching(/session expired/)]);
        break;
      }
    });
  });

  describe("an annotator against other people's work", () => {
    it("refuses reviewer and admin channels and another annotator's versions; no answer an annotator receives names the other or carries their work", async () => {
      const alice = await signIn(ALICE.name, ALICE.secret);
      const bob = await signIn(BOB.name, BOB.secret);
      const [{ caseId }] = await must<Array<{ caseId: string }>>('projectCase.list', { session: bob.token });
      const voxels = CRASH_GRID.dims[0] * CRASH_GRID.dims[1] * CRASH_GRID.dims[2];
      const mask = (at: number): Uint8Array => {
        const lm = new Uint8Array(voxels);
        lm.fill(1, at, at + 40);
        return lm;
      };
      const bobsMask = mask(1000);
      const bobs = await must<{ versionId: string; fileHash: string }>('annotation.save', {
        session: bob.token,
        caseId,
        labelmap: bobsMask,
        status: 'submitted',
        parentVersionId: null,
      });
      const scanFrom = received.length;
      await must('annotation.save', { session: alice.token, caseId, labelmap: mask(5000), status: 'draft', parentVersionId: null });

      // Bob's version through Alice's session: not hers, so not there.
      const read = await refused('annotation.read', { session: alice.token, versionId: bobs.versionId });
      expect([read.status, read.code]).toEqual([404, 'not-found']);
      expect(await must<Array<{ raterId: string }>>('annotation.list', { session: alice.token, caseId })).toEqual([
        expect.objectContaining({ raterId: alice.session.raterId }),
      ]);

      // Every channel the permission table keeps from annotators, refused before any work.
      const notForAnnotators = Object.entries(CHANNEL_ACCESS)
        .filter(([, access]) => access.who === 'signed-in' && !access.roles.includes('annotator'))
        .map(([channel]) => channel.slice('quorum:'.length));
      expect(notForAnnotators).toEqual(
        expect.arrayContaining(['review.act', 'export.case', 'rater.setRole', 'import.folder', 'study.list']),
      );
      for (const channel of notForAnnotators) {
        const r = await refused(channel, { session: alice.token, caseId, raterId: bob.session.raterId, versionId: bobs.versionId });
        expect([channel, r.status, r.code]).toEqual([channel, 401, 'unauthorized']);
      }
      // An admin-only act inside a channel every role may call: creating an account for someone else.
      expect(
        (await refused('rater.create', { session: alice.token, name: 'Mallory', role: 'admin', secret: 'mallory-secret' })).status,
      ).toBe(401);

      // What an annotator's screens ask for, and the leak scan over every answer she received.
      for (const [channel, body] of [
        ['rater.list', {}],
        ['projectCase.list', {}],
        ['projectCase.statuses', {}],
        ['worklist.get', {}],
        ['annotation.list', { caseId }],
        ['review.comments', { caseId }],
        ['review.flags', { caseId }],
        ['audit.list', {}],
        ['evaluation.caseSources', { caseId }],
        ['rater.current', {}],
      ] as const) {
        await post(channel, { session: alice.token, ...body });
      }
      const hers = received.slice(scanFrom).filter((r) => r.session === alice.token);
      expect(hers.length).toBeGreaterThan(notForAnnotators.length + 10);
      // Bob's mask itself cannot reach her without a binary answer, and every answer below is parsed as JSON (a frame would throw).
      const bobsTraces = [BOB.name, bob.session.raterId, bobs.versionId, bobs.fileHash];
      const leaks = hers.flatMap((r) =>
        findLeaks(JSON.parse(r.body.toString('utf8')), bobsTraces)
          // A refusal may quote what she sent herself (the version id she tried): that is no leak.
          .filter((l) => l.kind === 'identifier' && !r.request.includes(l.match))
          .map((l) => `${r.channel} ${l.path}: ${l.match}`),
      );
      expect(leaks).toEqual([]);
      // The scan can see: the reviewer's answers carry Bob's work.
      const rita = await signIn('Rita Reviewer', 'rita-chosen-1');
      const seen = await must<unknown>('annotation.list', { session: rita.token, caseId });
      expect(findLeaks(seen, bobsTraces).filter((l) => l.kind === 'identifier').length).toBeGreaterThan(0);
    });
  });

  describe('project.open', () => {
    it('tells anyone which project is open, but only an admin may re-open or switch it; a re-open keeps every session', async () => {
      const alice = (await signIn(ALICE.name, ALICE.secret)).token;
      const admin = (await signIn(ADA.name, ADA.secret)).token;
      const opened = await must<{ dir: string; projectId: string }>('project.open', {});
      const other = path.join(tmp, 'other-project');

      const byAnnotator = await refused('project.open', { path: opened.dir, session: alice });
      expect([byAnnotator.status, byAnnotator.message]).toEqual([
        401,
        expect.stringMatching(/only an admin may re-open or switch the project/),
      ]);
      expect((await refused('project.open', { path: other, create: true, session: alice })).status).toBe(401);
      expect((await refused('project.open', { path: other, create: true })).status).toBe(401);
      // Nothing was switched and nobody was signed out.
      expect((await must<{ name: string }>('rater.current', { session: alice })).name).toBe(ALICE.name);

      const reopened = await must<{ dir: string; projectId: string }>('project.open', { path: opened.dir, session: admin });
      expect(reopened.projectId).toBe(opened.projectId);
      expect((await must<{ name: string }>('rater.current', { session: alice })).name).toBe(ALICE.name);
      expect((await must<{ name: string }>('rater.current', { session: admin })).name).toBe(ADA.name);

      if (store === 'postgres') {
        // Every process of a team server serves its database's project: a switch to a folder would
        // be state kept in one process alone, so even an admin is refused, and nobody is signed out.
        const switchRefused = await refused('project.open', { path: other, create: true, session: admin });
        expect(switchRefused.message).toMatch(/serves its database's project only/);
        expect((await must<{ name: string }>('rater.current', { session: alice })).name).toBe(ALICE.name);
        return;
      }
      // A switch to another project ends the sessions of this one's people.
      const switched = await must<{ projectId: string }>('project.open', { path: other, create: true, session: admin });
      expect(switched.projectId).not.toBe(opened.projectId);
      expect((await refused('rater.current', { session: alice })).message).toMatch(/not signed in/);
      expect((await refused('rater.current', { session: admin })).message).toMatch(/not signed in/);
    });
  });
});
