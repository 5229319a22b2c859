/**
 * The project's label table (issue 14): its migration, reading it, and the admin's edit.
 *
 * The table itself is small and editable (names, colours, which label is "uncertain"), so it is a
 * plain table whose history lives in the audit log (each edit records the table before and after).
 * What may never happen is a stored annotation holding a value the table no longer names: an edit
 * that drops a value is refused while any version's file holds it. Which values a file holds is
 * found by decoding it once; files are immutable and named by their hash, so the answer is cached
 * per hash (`annotation_file_values`) and later edits decode only files saved since.
 */
import type { LabelTable } from '../../../src-shared/project/labelTable';
import { labelTableProblems, normaliseLabelTable, tableValues } from '../../../src-shared/project/labelTable';
import { ANY_LABEL_VALUE, type LabelValueSet } from '../../../src-shared/project/labels';
import { mayManageProject } from '../../../src-shared/project/blinding';
import type { Session } from '../../../src-shared/project/types';
import { AnnotationFileError } from './annotationFiles';
import { appendAudit } from './audit';
import { referenceGeometry } from './cases';
import type { StoreContext } from './context';
import { labelTables, SQLITE } from './ddl';
import { fail } from './errors';
import { decodeMask } from './maskCodec';
import type { Migration } from './schema';
import { int, text, type Params } from './sqlite';

/**
 * Migration 7: the label table, filled with the stroke table (1 lesion, 2 uncertain), which is what
 * every mask saved before it means; nothing else changes.
 */
export const labelTableMigration: Migration = {
  version: 7,
  description: 'label table: value, name, colour and the uncertain flag of each label; existing projects get lesion = 1, uncertain = 2',
  up(db) {
    db.exec(labelTables(SQLITE));
  },
};

const INSERT_LABEL = 'INSERT INTO label_table (value, ordinal, name, colour, uncertain) VALUES (?, ?, ?, ?, ?)';

/** The table's rows as INSERT_LABEL parameters, for an edit of the table. */
function labelRows(table: LabelTable): Params[] {
  return table.map((l, ordinal) => [l.value, ordinal, l.name, l.colour, l.uncertain ? 1 : 0]);
}

export async function readLabelTable(ctx: StoreContext): Promise<LabelTable> {
  return (await ctx.db.all('SELECT * FROM label_table ORDER BY ordinal')).map((r) => ({
    value: int(r, 'value'),
    name: text(r, 'name'),
    colour: text(r, 'colour'),
    uncertain: int(r, 'uncertain') === 1,
  }));
}

/** The values a mask of this project may hold (0 and the table's). */
export async function allowedLabelValues(ctx: StoreContext): Promise<LabelValueSet> {
  return tableValues(await readLabelTable(ctx));
}

/** The distinct non-zero values in a stored file, decoded once per hash. */
async function fileValues(ctx: StoreContext, caseId: string, fileName: string, hash: string): Promise<number[]> {
  const cached = await ctx.db.get('SELECT label_values FROM annotation_file_values WHERE file_hash = ?', [hash]);
  if (cached) return JSON.parse(text(cached, 'label_values')) as number[];
  let bytes: Uint8Array;
  try {
    bytes = await ctx.blobs.read(fileName, hash);
  } catch (err) {
    if (err instanceof AnnotationFileError) fail('corrupt-file', `cannot tell which labels ${fileName} holds: ${err.message}`);
    throw err;
  }
  const labelmap = decodeMask(bytes, await referenceGeometry(ctx, caseId), fileName, ANY_LABEL_VALUE);
  const seen = new Uint8Array(256);
  for (let i = 0; i < labelmap.length; i++) seen[labelmap[i]] = 1;
  const values: number[] = [];
  for (let v = 1; v < 256; v++) if (seen[v]) values.push(v);
  // Another caller may have decoded the same file meanwhile: the values are the same, keep the first.
  await ctx.db.run('INSERT INTO annotation_file_values (file_hash, label_values) VALUES (?, ?) ON CONFLICT (file_hash) DO NOTHING', [
    hash,
    JSON.stringify(values),
  ]);
  return values;
}

/** For each of `dropped`, how many annotation versions (of any rater, model results included) hold it. */
async function versionsUsing(ctx: StoreContext, dropped: ReadonlySet<number>): Promise<Map<number, number>> {
  const uses = new Map<number, number>();
  const rows = await ctx.db.all(
    'SELECT case_id, MIN(file_name) AS file_name, file_hash, COUNT(*) AS n FROM annotation_versions WHERE file_hash IS NOT NULL GROUP BY file_hash, case_id',
  );
  for (const r of rows) {
    for (const v of await fileValues(ctx, text(r, 'case_id'), text(r, 'file_name'), text(r, 'file_hash'))) {
      if (dropped.has(v)) uses.set(v, (uses.get(v) ?? 0) + int(r, 'n'));
    }
  }
  return uses;
}

/**
 * Replaces the table (admins; `null`: the app itself, seeding a demo project). Refused, with nothing changed, when the table breaks a rule or drops
 * a value that an annotation version holds: the message names each such value and its version count.
 */
export async function setLabelTable(ctx: StoreContext, viewer: Session | null, table: LabelTable): Promise<LabelTable> {
  if (viewer !== null && !mayManageProject(viewer.role)) fail('forbidden', 'only an admin may change the label table');
  const problems = labelTableProblems(table);
  if (problems.length > 0) fail('bad-request', `the label table cannot be used: ${problems.join('; ')}`);
  const next = normaliseLabelTable(table);
  // First outside the transaction, so the cache keeps what was decoded even when the edit is
  // refused; then again inside it, where only files saved meanwhile are decoded, so no save of a
  // dropped value can slip in between the check and the write.
  await droppedValuesInUse(ctx, await readLabelTable(ctx), next);
  return await ctx.db.transaction(async () => {
    const current = await readLabelTable(ctx);
    await droppedValuesInUse(ctx, current, next, true);
    await ctx.db.run('DELETE FROM label_table');
    for (const row of labelRows(next)) await ctx.db.run(INSERT_LABEL, row);
    await appendAudit(ctx, { actorRaterId: viewer?.raterId ?? null, action: 'labels.set', detail: { before: current, after: next } });
    return next;
  });
}

/** Counts the versions holding each value `next` drops from `before`; with `refuse`, fails naming them. */
async function droppedValuesInUse(ctx: StoreContext, before: LabelTable, next: LabelTable, refuse = false): Promise<void> {
  const kept = new Set(next.map((l) => l.value));
  const dropped = new Set(before.map((l) => l.value).filter((v) => !kept.has(v)));
  if (dropped.size === 0) return;
  const uses = await versionsUsing(ctx, dropped);
  if (!refuse || uses.size === 0) return;
  const list = [...uses.entries()]
    .sort(([a], [b]) => a - b)
    .map(([v, n]) => `${v} (${before.find((l) => l.value === v)?.name ?? '?'}) in ${n} version${n === 1 ? '' : 's'}`);
  fail('bad-labels', `the new table drops label values that annotations use: ${list.join(', ')}; keep those values in the table`);
}
