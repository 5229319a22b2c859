/**
 * Invitation links and the admin screen's channels (issue 13), attacked over HTTP as a caller
 * holding only the launch token and a session of their own would: the real browser-mode server, the
 * real backend and project store, on SQLite and on PostgreSQL (a throw-away cluster); only the clock
 * is the test's, so expiry is reached without waiting.
 */
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Result } from '../../src-shared/api/contract';
import { createTestBackend } from '../services/demoDwiBackend.testSupport';
import { INVITATION_VALID_MS } from '../services/project/invitations';
import { startPgCluster, type PgCluster } from '../services/project/pgCluster.testSupport';
import { DB_FILE } from '../services/project/ProjectStore';
import { GRID, storeKinds } from '../services/project/testSupport';
import type { Backend } from './backend';
import type { BrowserServer } from './httpServer';
import { rawRequest, serveBackend } from './testSupport';

const TOKEN = 'invitations-test-token-0123456789';
const ADA = { name: 'Ada Admin', secret: 'correct horse battery' };

describe.each(storeKinds())('invitations on %s', (kind) => {
  let tmp: string;
  let cluster: PgCluster | null = null;
  let databaseUrl: string | undefined;
  let backend: Backend;
  let server: BrowserServer;
  let now = Date.UTC(2026, 11, 7, 9);
  let ada: string;

  async function post<T = unknown>(channel: string, body: unknown): Promise<Result<T>> {
    const res = await rawRequest(server.port, `/api/${channel}`, {
      method: 'POST',
      headers: { 'X-Quorum-Token': TOKEN, 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    return res.json<Result<T>>();
  }
  async function must<T>(channel: string, body: unknown): Promise<T> {
    const result = await post<T>(channel, body);
    if (!result.ok) throw new Error(`${channel}: ${result.error.code}: ${result.error.message}`);
    return result.value;
  }
  async function refused(channel: string, body: unknown): Promise<string> {
    const result = await post(channel, body);
    if (result.ok) throw new Error(`${channel} succeeded but should have been refused`);
    return result.error.message;
  }
  const invite = (name: string, role: string) =>
    must<{ invitation: { invitationId: string; raterId: string; state: string }; token: string }>('invitation.create', {
      session: ada,
      name,
      role,
    });
  const accept = (token: string, secret: string) =>
    post<{ token: string; session: { raterId: string; role: string }; name: string }>('invitation.accept', { token, secret });

  beforeAll(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'quorum-invitations-'));
    await mkdir(path.join(tmp, 'images'));
    if (kind === 'postgres') {
      cluster = await startPgCluster();
      databaseUrl = await cluster.createDatabase();
    }
    backend = await createTestBackend(tmp, {
      ...(databaseUrl === undefined ? {} : { databaseUrl }),
      accounts: { nowMs: () => now },
    });
    server = await serveBackend(backend, { token: TOKEN });
    await must('rater.create', ADA);
    ada = (await must<{ token: string }>('rater.signIn', ADA)).token;
  }, 120_000);

  afterAll(async () => {
    await server?.close();
    backend?.close();
    cluster?.stop();
    await rm(tmp, { recursive: true, force: true });
  });

  it('a link works once: it sets the password and signs the person in; a second use is refused', async () => {
    const { invitation, token } = await invite('Nora New', 'annotator');
    expect(invitation.state).toBe('open');
    expect(await must('invitation.inspect', { token })).toMatchObject({ name: 'Nora New', role: 'annotator' });
    // Until the link is used, nobody can claim the account by name at a first sign-in.
    expect(await refused('rater.signIn', { name: 'Nora New', secret: 'attacker-chosen', setSecret: true })).toMatch(
      /was invited: open the invitation link/,
    );

    const accepted = await accept(token, 'nora-password-1');
    if (!accepted.ok) throw new Error(accepted.error.message);
    expect(accepted.value).toMatchObject({ name: 'Nora New', session: { raterId: invitation.raterId, role: 'annotator' } });
    expect(await must('rater.current', { session: accepted.value.token })).toMatchObject({ name: 'Nora New' });

    const again = await accept(token, 'someone-elses-password');
    expect(again.ok ? null : again.error.message).toMatch(/this invitation was already used/);
    // The password is the one the first accept set.
    await must('rater.signIn', { name: 'Nora New', secret: 'nora-password-1' });
    expect(await refused('rater.signIn', { name: 'Nora New', secret: 'someone-elses-password' })).toMatch(/wrong password/);

    const people = await must<Array<{ name: string; status: string; lastSignInAt: string | null }>>('admin.people', { session: ada });
    expect(people.find((p) => p.name === 'Nora New')).toMatchObject({ status: 'active' });
    expect(people.find((p) => p.name === 'Nora New')?.lastSignInAt).not.toBeNull();
    const actions = (await must<Array<{ action: string; subjectId: string | null }>>('audit.list', { session: ada }))
      .filter((e) => e.subjectId === invitation.raterId)
      .map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['invitation.create', 'invitation.accept']));
  });

  it('an expired link is refused, and so is a revoked one; the audit log records the revocation', async () => {
    const late = await invite('Lena Late', 'reviewer');
    now += INVITATION_VALID_MS + 1;
    try {
      expect((await accept(late.token, 'lena-password-1')).ok).toBe(false);
      expect(await refused('invitation.inspect', { token: late.token })).toMatch(/this invitation expired/);
    } finally {
      now -= INVITATION_VALID_MS + 1;
    }
    const listed = await must<Array<{ invitationId: string; state: string }>>('invitation.list', { session: ada });
    expect(listed.find((i) => i.invitationId === late.invitation.invitationId)?.state).toBe('open');

    const revoked = await must<{ state: string }>('invitation.revoke', { session: ada, invitationId: late.invitation.invitationId });
    expect(revoked.state).toBe('revoked');
    expect(await refused('invitation.accept', { token: late.token, secret: 'lena-password-1' })).toMatch(/was revoked/);
    expect(await refused('invitation.revoke', { session: ada, invitationId: late.invitation.invitationId })).toMatch(/revoked already/);
    const audit = await must<Array<{ action: string; subjectId: string | null }>>('audit.list', { session: ada });
    expect(audit.some((e) => e.action === 'invitation.revoke' && e.subjectId === late.invitation.raterId)).toBe(true);
  });

  it('only an admin creates, lists or revokes invitations, or sees the people list', async () => {
    const { token } = await invite('Ann Annotator', 'annotator');
    const ann = (await accept(token, 'ann-password-1')) as { ok: true; value: { token: string } };
    for (const [channel, body] of [
      ['invitation.create', { session: ann.value.token, name: 'Mallory', role: 'admin' }],
      ['invitation.list', { session: ann.value.token }],
      ['invitation.revoke', { session: ann.value.token, invitationId: 'inv_0000000000000000' }],
      ['admin.people', { session: ann.value.token }],
      ['projectCase.unassign', { session: ann.value.token, raterId: 'x', caseId: 'y' }],
    ] as const) {
      const res = await rawRequest(server.port, `/api/${channel}`, {
        method: 'POST',
        headers: { 'X-Quorum-Token': TOKEN, 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
      expect(res.status, channel).toBe(401);
    }
    const names = (await must<Array<{ name: string }>>('rater.identities', {})).map((p) => p.name);
    expect(names).not.toContain('Mallory');
  });

  it('keeps only the sha256 of the token, never the token itself', async () => {
    const { token, invitation } = await invite('Hana Hashed', 'annotator');
    const hash = createHash('sha256').update(token, 'utf8').digest('hex');
    if (kind === 'postgres') {
      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      try {
        const { rows } = await client.query('SELECT * FROM invitations WHERE invitation_id = $1', [invitation.invitationId]);
        expect(rows).toHaveLength(1);
        expect(rows[0].token_sha256).toBe(hash);
        expect(JSON.stringify(rows[0])).not.toContain(token);
        const everything = await client.query("SELECT string_agg(t::text, '|') AS all FROM invitations t");
        expect(String(everything.rows[0].all)).not.toContain(token);
      } finally {
        await client.end();
      }
    } else {
      // The database and its write-ahead log, which holds the newest transactions until a checkpoint.
      const project = path.join(tmp, 'data', 'projects', 'demo');
      const db = Buffer.concat(await Promise.all([DB_FILE, `${DB_FILE}-wal`].map((f) => readFile(path.join(project, f)))));
      expect(db.includes(Buffer.from(hash))).toBe(true);
      expect(db.includes(Buffer.from(token))).toBe(false);
    }
  });

  it('of two accepts racing, exactly one wins', async () => {
    const { token } = await invite('Rae Racer', 'annotator');
    const results = await Promise.all([accept(token, 'first-password-1'), accept(token, 'second-password-2')]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    const loser = results.find((r) => !r.ok);
    expect(loser?.ok === false ? loser.error.message : '').toMatch(/already used/);
    const winner = results.findIndex((r) => r.ok);
    await must('rater.signIn', { name: 'Rae Racer', secret: winner === 0 ? 'first-password-1' : 'second-password-2' });
  });

  it('an invitation for an existing person gives them the role and a new password, ending their other sessions', async () => {
    const first = await invite('Eve Existing', 'annotator');
    const eve = (await accept(first.token, 'eve-password-1')) as { ok: true; value: { token: string } };
    const again = await invite('Eve Existing', 'reviewer');
    expect(again.invitation.raterId).toBe(first.invitation.raterId);
    const accepted = await accept(again.token, 'eve-password-2');
    expect(accepted.ok && accepted.value.session.role).toBe('reviewer');
    expect(await refused('rater.current', { session: eve.value.token })).toMatch(/sign in again/);
  });

  it('assigns and unassigns cases, and the people list shows it', async () => {
    const { token } = await invite('Cara Cases', 'annotator');
    const cara = (await accept(token, 'cara-password-1')) as { ok: true; value: { token: string; session: { raterId: string } } };
    const added = await must<{ caseId: string }>('projectCase.add', {
      session: ada,
      name: 'case-assign',
      source: 'nifti',
      series: [{ label: 'T1', path: 'images/none.nii.gz', geometry: GRID }],
    });
    const raterId = cara.value.session.raterId;
    const assigned = async () =>
      (await must<Array<{ raterId: string; assignedCaseIds: string[] }>>('admin.people', { session: ada })).find(
        (p) => p.raterId === raterId,
      )?.assignedCaseIds;
    await must('projectCase.assign', { session: ada, raterId, caseId: added.caseId });
    expect(await assigned()).toContain(added.caseId);
    expect((await must<Array<{ caseId: string }>>('projectCase.list', { session: cara.value.token })).map((c) => c.caseId)).toContain(
      added.caseId,
    );
    await must('projectCase.unassign', { session: ada, raterId, caseId: added.caseId });
    expect(await assigned()).not.toContain(added.caseId);
    expect((await must<Array<{ caseId: string }>>('projectCase.list', { session: cara.value.token })).map((c) => c.caseId)).not.toContain(
      added.caseId,
    );
  });
});
