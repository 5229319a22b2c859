/**
 * Synthetic raters the app seeds into its demo project (demoCohortSeed.ts). They are ordinary human
 * annotators — blinded, enrolled, signing in like anyone — except that they are not people who came
 * to the project: the bootstrap rule "the first identity of a project is its admin" must still make
 * the first *person* the admin, so they are listed in a project_meta row and left out of that count.
 */
import type { StoreContext } from './context';
import { int, text } from './sqlite';

const KEY = 'seeded_raters';

export async function seededRaterIds(ctx: StoreContext): Promise<string[]> {
  const row = await ctx.db.get('SELECT value FROM project_meta WHERE key = ?', [KEY]);
  if (!row) return [];
  const parsed: unknown = JSON.parse(text(row, 'value'));
  return Array.isArray(parsed) ? parsed.filter((x): x is string => typeof x === 'string') : [];
}

/** Human raters that count for the bootstrap admin rule: everyone but the app's seeded raters. */
export async function peopleCount(ctx: StoreContext): Promise<number> {
  const seeded = await seededRaterIds(ctx);
  const total = int((await ctx.db.get("SELECT COUNT(*) AS n FROM raters WHERE kind = 'human'")) ?? { n: 0 }, 'n');
  if (seeded.length === 0) return total;
  const marks = seeded.map(() => '?').join(', ');
  const among = int(
    (await ctx.db.get(`SELECT COUNT(*) AS n FROM raters WHERE kind = 'human' AND rater_id IN (${marks})`, seeded)) ?? { n: 0 },
    'n',
  );
  return total - among;
}

/** Marks a rater as seeded by the app (call in the transaction that creates it). */
export async function markSeeded(ctx: StoreContext, raterId: string): Promise<void> {
  const ids = [...(await seededRaterIds(ctx)), raterId];
  await ctx.db.run('INSERT INTO project_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value', [
    KEY,
    JSON.stringify(ids),
  ]);
}

/** Raters with any version on the case (app-level, no blinding: the seeder asks what is there already). */
export async function ratersWithVersions(ctx: StoreContext, caseId: string): Promise<Array<{ raterId: string; kind: string }>> {
  return (
    await ctx.db.all(
      'SELECT DISTINCT r.rater_id, r.kind FROM annotation_versions v JOIN raters r ON r.rater_id = v.rater_id WHERE v.case_id = ? ORDER BY r.rater_id',
      [caseId],
    )
  ).map((r) => ({ raterId: text(r, 'rater_id'), kind: text(r, 'kind') }));
}
