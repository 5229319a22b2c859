/**
 * Open enrolment: a project-level policy that assigns every rater to every case. The demo project
 * of browser mode and Electron uses it, because there a rater who signs in for the first time has
 * nobody to assign cases to them (self-created identities are annotators, and annotators only see
 * assigned cases). A project made for a real study leaves it off and an admin assigns cases.
 *
 * The policy is a row in project_meta; it is switched by the app (the composition root), not by a
 * session, and audited. The enrol functions run inside the caller's transaction, so a new rater or
 * case and its assignments commit together.
 */
import { appendAudit } from './audit';
import { nowIso, type StoreContext } from './context';
import { text } from './sqlite';

const KEY = 'open_enrolment';

export async function isOpenEnrolment(ctx: StoreContext): Promise<boolean> {
  const row = await ctx.db.get('SELECT value FROM project_meta WHERE key = ?', [KEY]);
  return row !== null && text(row, 'value') === '1';
}

/** Turns the policy on or off (app-level; audited with no actor) and, when on, enrols everyone now. */
export async function setOpenEnrolment(ctx: StoreContext, on: boolean): Promise<void> {
  if ((await isOpenEnrolment(ctx)) === on) return;
  await ctx.db.transaction(async () => {
    await ctx.db.run('INSERT INTO project_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value', [
      KEY,
      on ? '1' : '0',
    ]);
    await appendAudit(ctx, { actorRaterId: null, action: 'project.open-enrolment', detail: { on } });
    if (on)
      for (const r of await ctx.db.all("SELECT rater_id FROM raters WHERE kind = 'human'")) await enrolRater(ctx, text(r, 'rater_id'));
  });
}

/** Assigns every case the rater is not yet assigned to (no-op when the policy is off). Call inside a transaction. */
export async function enrolRater(ctx: StoreContext, raterId: string): Promise<void> {
  if (!(await isOpenEnrolment(ctx))) return;
  await ctx.db.run(
    `INSERT INTO assignments (rater_id, case_id, assigned_at)
     SELECT ?, c.case_id, ? FROM cases c WHERE NOT EXISTS (SELECT 1 FROM assignments a WHERE a.rater_id = ? AND a.case_id = c.case_id)`,
    [raterId, nowIso(), raterId],
  );
}

/** Assigns a new case to every rater (no-op when the policy is off). Call inside a transaction. */
export async function enrolCase(ctx: StoreContext, caseId: string): Promise<void> {
  if (!(await isOpenEnrolment(ctx))) return;
  await ctx.db.run(
    `INSERT INTO assignments (rater_id, case_id, assigned_at)
     SELECT r.rater_id, ?, ? FROM raters r WHERE r.kind = 'human' AND NOT EXISTS (SELECT 1 FROM assignments a WHERE a.rater_id = r.rater_id AND a.case_id = ?)`,
    [caseId, nowIso(), caseId],
  );
}
