/**
 * Invitation links (issue 13): an admin invites a new or existing person with a role; the link
 * carries a one-time token of 32 random bytes, and the database keeps only its sha256, so neither a
 * copy of the database nor its audit log holds a working link. Opening the link lets the person set
 * their password; accepting checks the invitation, uses it up and stores the password in one
 * transaction, so of two accepts racing (two tabs, two server processes) exactly one wins.
 *
 * The role is given when the invitation is made (an admin's act, with setRole's rules), so the
 * admin screen shows it at once; the invitation records it. While an invitation is open, the
 * person's first sign-in by name is refused (accounts.ts `invited`): the link is the way in.
 *
 * Plain Node.
 */
import { randomBytes } from 'node:crypto';
import type { Invitation, PersonSummary } from '../../../src-shared/api/adminChannels';
import { mayManageProject } from '../../../src-shared/project/blinding';
import type { Role, Session } from '../../../src-shared/project/types';
import { sqliteAccounts } from './accounts';
import { sha256Hex } from './annotationFiles';
import { appendAudit } from './audit';
import { newId, nowIso, type StoreContext } from './context';
import { fail } from './errors';
import { createRater, findPersonByName, setRole } from './identity';
import { int, text, textOrNull, type Row } from './sqlite';

/** How long a link works: a week covers a weekend and a slow mailbox, and is short enough to be forgotten safely. */
export const INVITATION_VALID_MS = 7 * 24 * 60 * 60_000;

/** The SQL condition for an invitation that still works at `:now` (epoch ms). */
const OPEN = 'i.used_at IS NULL AND i.revoked_at IS NULL AND i.expires_at_ms > :now';

function toInvitation(r: Row, nowMs: number): Invitation {
  const expiresAtMs = int(r, 'expires_at_ms');
  const state =
    textOrNull(r, 'used_at') !== null
      ? 'used'
      : textOrNull(r, 'revoked_at') !== null
        ? 'revoked'
        : expiresAtMs <= nowMs
          ? 'expired'
          : 'open';
  return {
    invitationId: text(r, 'invitation_id'),
    raterId: text(r, 'rater_id'),
    name: text(r, 'name'),
    role: text(r, 'role') as Role,
    createdAt: text(r, 'created_at'),
    expiresAt: new Date(expiresAtMs).toISOString(),
    state,
  };
}

const SELECT = 'SELECT i.*, r.name FROM invitations i JOIN raters r ON r.rater_id = i.rater_id';

function requireAdmin(actor: Session, what: string): void {
  if (!mayManageProject(actor.role)) fail('forbidden', `only an admin may ${what}`);
}

/** Invites `name` (created with `role` when new, given `role` when not): the token is returned here only. */
export async function createInvitation(
  ctx: StoreContext,
  actor: Session,
  input: { name: string; role: Role },
  nowMs: number,
): Promise<{ invitation: Invitation; token: string }> {
  requireAdmin(actor, 'invite people');
  const token = randomBytes(32).toString('base64url');
  return await ctx.db.transaction(async () => {
    const existing = await findPersonByName(ctx, input.name);
    const rater = existing ?? (await createRater(ctx, actor, input.name, input.role));
    if (existing && existing.role !== input.role) await setRole(ctx, actor, existing.raterId, input.role);
    const invitationId = newId('inv');
    await ctx.db.run(
      'INSERT INTO invitations (invitation_id, token_sha256, rater_id, role, created_at, created_by, expires_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?)',
      [invitationId, sha256Hex(token), rater.raterId, input.role, nowIso(), actor.raterId, nowMs + INVITATION_VALID_MS],
    );
    await appendAudit(ctx, {
      actorRaterId: actor.raterId,
      action: 'invitation.create',
      subjectId: rater.raterId,
      detail: { invitationId, role: input.role },
    });
    const row = (await ctx.db.get(`${SELECT} WHERE i.invitation_id = ?`, [invitationId])) ?? fail('not-found', 'the invitation vanished');
    return { invitation: toInvitation(row, nowMs), token };
  });
}

export async function listInvitations(ctx: StoreContext, actor: Session, nowMs: number): Promise<Invitation[]> {
  requireAdmin(actor, 'see invitations');
  return (await ctx.db.all(`${SELECT} ORDER BY i.created_at DESC, i.invitation_id`)).map((r) => toInvitation(r, nowMs));
}

export async function revokeInvitation(ctx: StoreContext, actor: Session, invitationId: string, nowMs: number): Promise<Invitation> {
  requireAdmin(actor, 'revoke invitations');
  return await ctx.db.transaction(async () => {
    const before = await ctx.db.get(`${SELECT} WHERE i.invitation_id = ?`, [invitationId]);
    if (!before) fail('not-found', `no invitation ${invitationId}`);
    const state = toInvitation(before, nowMs).state;
    if (state !== 'open') fail('bad-request', `this invitation is ${state} already: only an open invitation can be revoked`);
    await ctx.db.run('UPDATE invitations SET revoked_at = ?, revoked_by = ? WHERE invitation_id = ?', [
      nowIso(),
      actor.raterId,
      invitationId,
    ]);
    await appendAudit(ctx, {
      actorRaterId: actor.raterId,
      action: 'invitation.revoke',
      subjectId: text(before, 'rater_id'),
      detail: { invitationId },
    });
    return toInvitation((await ctx.db.get(`${SELECT} WHERE i.invitation_id = ?`, [invitationId])) ?? before, nowMs);
  });
}

/** The invitation behind a token if it still works, else a refusal saying why (used, revoked, expired, unknown). */
async function openInvitation(ctx: StoreContext, token: string, nowMs: number): Promise<Invitation> {
  const row = await ctx.db.get(`${SELECT} WHERE i.token_sha256 = ?`, [sha256Hex(token)]);
  if (!row) fail('not-found', 'this invitation link is not valid: ask an admin for a new one');
  const invitation = toInvitation(row, nowMs);
  if (invitation.state === 'used')
    fail('forbidden', 'this invitation was already used: sign in with your password, or ask an admin for a new link');
  if (invitation.state === 'revoked') fail('forbidden', 'this invitation was revoked: ask an admin for a new one');
  if (invitation.state === 'expired') fail('forbidden', `this invitation expired at ${invitation.expiresAt}: ask an admin for a new one`);
  return invitation;
}

export async function inspectInvitation(
  ctx: StoreContext,
  token: string,
  nowMs: number,
): Promise<Pick<Invitation, 'name' | 'role' | 'expiresAt'>> {
  const { name, role, expiresAt } = await openInvitation(ctx, token, nowMs);
  return { name, role, expiresAt };
}

/**
 * Uses the invitation up and makes `secretHash` the person's secret, in one transaction: the
 * conditional UPDATE is what decides a race (SQLite runs one transaction at a time; PostgreSQL's
 * serializable transactions make the loser run again and find it used). Returns the person's id.
 */
export async function acceptInvitation(ctx: StoreContext, token: string, secretHash: string, nowMs: number): Promise<string> {
  return await ctx.db.transaction(async () => {
    const invitation = await openInvitation(ctx, token, nowMs);
    const used = await ctx.db.run(`UPDATE invitations AS i SET used_at = :at WHERE i.invitation_id = :id AND ${OPEN}`, {
      ':at': nowIso(),
      ':id': invitation.invitationId,
      ':now': nowMs,
    });
    if (used.changes !== 1)
      fail('forbidden', 'this invitation was already used: sign in with your password, or ask an admin for a new link');
    await sqliteAccounts(ctx).setSecret(invitation.raterId, secretHash, null);
    await appendAudit(ctx, {
      actorRaterId: invitation.raterId,
      action: 'invitation.accept',
      subjectId: invitation.raterId,
      detail: { invitationId: invitation.invitationId },
    });
    return invitation.raterId;
  });
}

/** Every person with their status, last sign-in and assigned cases: the admin screen's list. */
export async function listPeople(ctx: StoreContext, actor: Session, nowMs: number): Promise<PersonSummary[]> {
  requireAdmin(actor, 'list people and their accounts');
  const rows = await ctx.db.all(
    `SELECT r.rater_id, r.name, r.role,
        CASE WHEN EXISTS (SELECT 1 FROM accounts a WHERE a.rater_id = r.rater_id) THEN 1 ELSE 0 END AS has_secret,
        CASE WHEN EXISTS (SELECT 1 FROM invitations i WHERE i.rater_id = r.rater_id AND ${OPEN}) THEN 1 ELSE 0 END AS invited,
        (SELECT MAX(l.at) FROM audit_log l WHERE l.actor_rater_id = r.rater_id AND l.action = 'session.sign-in') AS last_sign_in,
        (SELECT group_concat(s.case_id) FROM assignments s WHERE s.rater_id = r.rater_id) AS cases
      FROM raters r WHERE r.kind = 'human' ORDER BY r.name COLLATE NOCASE`,
    { ':now': nowMs },
  );
  return rows.map((r) => ({
    raterId: text(r, 'rater_id'),
    name: text(r, 'name'),
    role: text(r, 'role') as Role,
    status: int(r, 'has_secret') === 1 ? 'active' : int(r, 'invited') === 1 ? 'invited' : 'no-password',
    lastSignInAt: textOrNull(r, 'last_sign_in'),
    assignedCaseIds: (textOrNull(r, 'cases') ?? '')
      .split(',')
      .filter((c) => c.length > 0)
      .sort(),
  }));
}
