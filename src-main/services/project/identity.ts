/**
 * Raters and sessions. A person signs in with their name and secret (signIn.ts over accounts.ts);
 * `signIn` here is the trusted in-process step after that (and for the app's own seeding and tests),
 * never reachable with a client-given id. So that self-registration cannot bypass blinding, a newly
 * self-created identity is an annotator, except the very first identity of a project, which
 * bootstraps as admin; admins create raters of any role and change roles.
 *
 * `resolveSession` is the gate every store call passes: the role is read from the database, never
 * trusted from the caller's session object.
 */
import { mayManageProject, mayReadRaterWork } from '../../../src-shared/project/blinding';
import { ROLES, type Rater, type RaterKind, type Role, type Session } from '../../../src-shared/project/types';
import { appendAudit } from './audit';
import { peopleCount } from './demoCohortRaters';
import { enrolRater } from './enrolment';
import { newId, nowIso, type StoreContext } from './context';
import { fail } from './errors';
import { int, text, type Row } from './sqlite';

function toRater(r: Row): Rater {
  return {
    raterId: text(r, 'rater_id'),
    name: text(r, 'name'),
    role: text(r, 'role') as Role,
    createdAt: text(r, 'created_at'),
    kind: text(r, 'kind') as RaterKind,
  };
}

async function findRater(ctx: StoreContext, raterId: string): Promise<Rater | null> {
  const r = await ctx.db.get('SELECT * FROM raters WHERE rater_id = ?', [raterId]);
  return r ? toRater(r) : null;
}

/** A person (not a model) by name, case-insensitive: for the app's own seeding, never an API answer. */
export async function findPersonByName(ctx: StoreContext, name: string): Promise<Rater | null> {
  const r = await ctx.db.get("SELECT * FROM raters WHERE kind = 'human' AND name = ? COLLATE NOCASE", [name.trim()]);
  return r ? toRater(r) : null;
}

export async function resolveSession(ctx: StoreContext, session: Session): Promise<Session> {
  const rater = typeof session?.raterId === 'string' ? await findRater(ctx, session.raterId) : null;
  if (!rater) fail('forbidden', 'not signed in: the session names no rater of this project');
  // A model's results are stored under its rater; nobody acts as the model.
  if (rater.kind === 'model') fail('forbidden', `${rater.name} is a model, not a person: it cannot sign in`);
  return Object.freeze({ raterId: rater.raterId, role: rater.role });
}

function checkName(name: string): string {
  const trimmed = typeof name === 'string' ? name.trim() : '';
  if (trimmed.length === 0 || trimmed.length > 80) fail('bad-request', 'a rater name must be 1 to 80 characters');
  return trimmed;
}

function checkRole(role: Role): Role {
  if (!ROLES.includes(role)) fail('bad-request', `unknown role "${String(role)}"; expected one of ${ROLES.join(', ')}`);
  return role;
}

/**
 * Creates a rater. With `actor` null this is self-registration from the sign-in screen: allowed to
 * create an annotator, or anything when the project has no rater yet (bootstrap admin).
 */
export async function createRater(ctx: StoreContext, actor: Session | null, name: string, role: Role): Promise<Rater> {
  const cleanName = checkName(name);
  checkRole(role);
  return await ctx.db.transaction(async () => {
    // Model raters and the app's seeded synthetic raters do not count: the first person still bootstraps as admin.
    const count = await peopleCount(ctx);
    if (actor ? !mayManageProject(actor.role) : count > 0 && role !== 'annotator') {
      fail(
        'forbidden',
        actor
          ? 'only an admin can create raters for others'
          : 'a new identity can only be an annotator; ask an admin for a reviewer or admin role',
      );
    }
    if (await ctx.db.get('SELECT 1 AS x FROM raters WHERE name = ? COLLATE NOCASE', [cleanName])) {
      fail('bad-request', `a rater named "${cleanName}" already exists; sign in as them or choose another name`);
    }
    const rater: Rater = { raterId: newId('rater'), name: cleanName, role, createdAt: nowIso(), kind: 'human' };
    await ctx.db.run('INSERT INTO raters (rater_id, name, role, created_at) VALUES (?, ?, ?, ?)', [
      rater.raterId,
      rater.name,
      rater.role,
      rater.createdAt,
    ]);
    await appendAudit(ctx, {
      actorRaterId: actor?.raterId ?? rater.raterId,
      action: 'rater.create',
      subjectId: rater.raterId,
      detail: { role },
    });
    await enrolRater(ctx, rater.raterId);
    return rater;
  });
}

export async function signIn(ctx: StoreContext, raterId: string): Promise<Session> {
  const session = await resolveSession(ctx, { raterId, role: 'annotator' });
  await ctx.db.transaction(async () => await appendAudit(ctx, { actorRaterId: session.raterId, action: 'session.sign-in' }));
  return session;
}

export async function setRole(ctx: StoreContext, actor: Session, raterId: string, role: Role): Promise<Rater> {
  checkRole(role);
  if (!mayManageProject(actor.role)) fail('forbidden', 'only an admin can change roles');
  return await ctx.db.transaction(async () => {
    const before = (await findRater(ctx, raterId)) ?? fail('not-found', `no rater ${raterId}`);
    if (before.kind === 'model')
      fail('bad-request', `${before.name} is a model rater: its role stays annotator so annotators never see each other's or its work`);
    if (before.role === 'admin' && role !== 'admin') {
      const admins = int((await ctx.db.get("SELECT COUNT(*) AS n FROM raters WHERE role = 'admin'")) ?? { n: 0 }, 'n');
      if (admins <= 1) fail('bad-request', 'cannot remove the last admin of the project');
    }
    await ctx.db.run('UPDATE raters SET role = ? WHERE rater_id = ?', [role, raterId]);
    await appendAudit(ctx, {
      actorRaterId: actor.raterId,
      action: 'rater.set-role',
      subjectId: raterId,
      detail: { from: before.role, to: role },
    });
    return { ...before, role };
  });
}

/** Raters the session may know about: annotators see only themselves. */
export async function listRaters(ctx: StoreContext, viewer: Session): Promise<Rater[]> {
  return (await ctx.db.all('SELECT * FROM raters ORDER BY name COLLATE NOCASE'))
    .map(toRater)
    .filter((r) => mayReadRaterWork(viewer, r.raterId));
}

export async function raterName(ctx: StoreContext, raterId: string): Promise<string> {
  const r = await findRater(ctx, raterId);
  return r ? r.name : raterId;
}
