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
import { LABEL_PRESETS, labelTableProblems, normaliseLabelTable, tableValues } from '../../../src-shared/project/labelTable';
import { ANY_LABEL_VALUE, type LabelValueSet } from '../../../src-shared/project/labels';
import { mayManageProject } from '../../../src-shared/project/blinding';
import type { Session } from '../../../src-shared/project/types';
import { AnnotationFileError, readAnnotationFile } from './annotationFiles';
import { appendAudit } from './audit';
import { referenceGeometry } from './cases';
import type { StoreContext } from './context';
import { fail } from './errors';
import { decodeMask } from './maskCodec';
import type { Migration } from './schema';
import { int, text } from './sqlite';

/**
 * Migration 7: the label table, filled with the stroke table (1 lesion, 2 uncertain), which is what
 * every mask saved before it means; nothing else changes.
 */
export const labelTableMigration: Migration = {
  version: 7,
  description: 'label table: value, name, colour and the uncertain flag of each label; existing projects get lesion = 1, uncertain = 2',
  up(db) {
    db.exec(`
      CREATE TABLE label_table (
        value     INTEGER PRIMARY KEY CHECK (value BETWEEN 1 AND 255),
        ordinal   INTEGER NOT NULL UNIQUE CHECK (ordinal >= 0),
        name      TEXT NOT NULL UNIQUE COLLATE NOCASE CHECK (length(name) BETWEEN 1 AND 40),
        colour    TEXT NOT NULL CHECK (colour GLOB '#[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]'),
        uncertain INTEGER NOT NULL CHECK (uncertain IN (0, 1))
      );
      CREATE UNIQUE INDEX label_table_one_uncertain ON label_table (uncertain) WHERE uncertain = 1;
      CREATE TABLE annotation_file_values (
        file_hash TEXT PRIMARY KEY,
        label_values TEXT NOT NULL
      );
    `);
    insertTable(db, LABEL_PRESETS.stroke.labels);
  },
};

function insertTable(db: StoreContext['db'], table: LabelTable): void {
  table.forEach((l, ordinal) =>
    db.run('INSERT INTO label_table (value, ordinal, name, colour, uncertain) VALUES (?, ?, ?, ?, ?)', [
      l.value,
      ordinal,
      l.name,
      l.colour,
      l.uncertain ? 1 : 0,
    ]),
  );
}

export function readLabelTable(ctx: StoreContext): LabelTable {
  return ctx.db.all('SELECT * FROM label_table ORDER BY ordinal').map((r) => ({
    value: int(r, 'value'),
    name: text(r, 'name'),
    colour: text(r, 'colour'),
    uncertain: int(r, 'uncertain') === 1,
  }));
}

/** The values a mask of this project may hold (0 and the table's). */
export function allowedLabelValues(ctx: StoreContext): LabelValueSet {
  return tableValues(readLabelTable(ctx));
}

/** The distinct non-zero values in a stored file, decoded once per hash. */
function fileValues(ctx: StoreContext, caseId: string, fileName: string, hash: string): number[] {
  const cached = ctx.db.get('SELECT label_values FROM annotation_file_values WHERE file_hash = ?', [hash]);
  if (cached) return JSON.parse(text(cached, 'label_values')) as number[];
  let bytes: Uint8Array;
  try {
    bytes = readAnnotationFile(ctx.annotationsDir, fileName, hash);
  } catch (err) {
    if (err instanceof AnnotationFileError) fail('corrupt-file', `cannot tell which labels ${fileName} holds: ${err.message}`);
    throw err;
  }
  const labelmap = decodeMask(bytes, referenceGeometry(ctx, caseId), fileName, ANY_LABEL_VALUE);
  const seen = new Uint8Array(256);
  for (let i = 0; i < labelmap.length; i++) seen[labelmap[i]] = 1;
  const values: number[] = [];
  for (let v = 1; v < 256; v++) if (seen[v]) values.push(v);
  ctx.db.run('INSERT INTO annotation_file_values (file_hash, label_values) VALUES (?, ?)', [hash, JSON.stringify(values)]);
  return values;
}

/** For each of `dropped`, how many annotation versions (of any rater, model results included) hold it. */
function versionsUsing(ctx: StoreContext, dropped: ReadonlySet<number>): Map<number, number> {
  const uses = new Map<number, number>();
  const rows = ctx.db.all(
    'SELECT case_id, file_name, file_hash, COUNT(*) AS n FROM annotation_versions WHERE file_hash IS NOT NULL GROUP BY file_hash, case_id',
  );
  for (const r of rows) {
    for (const v of fileValues(ctx, text(r, 'case_id'), text(r, 'file_name'), text(r, 'file_hash'))) {
      if (dropped.has(v)) uses.set(v, (uses.get(v) ?? 0) + int(r, 'n'));
    }
  }
  return uses;
}

/**
 * Replaces the table (admins). Refused, with nothing changed, when the table breaks a rule or drops
 * a value that an annotation version holds: the message names each such value and its version count.
 */
export function setLabelTable(ctx: StoreContext, viewer: Session, table: LabelTable): LabelTable {
  if (!mayManageProject(viewer.role)) fail('forbidden', 'only an admin may change the label table');
  const problems = labelTableProblems(table);
  if (problems.length > 0) fail('bad-request', `the label table cannot be used: ${problems.join('; ')}`);
  const next = normaliseLabelTable(table);
  const before = readLabelTable(ctx);
  const kept = new Set(next.map((l) => l.value));
  const dropped = new Set(before.map((l) => l.value).filter((v) => !kept.has(v)));
  // Outside the transaction, so the cache keeps what was decoded even when the edit is refused; the
  // store is synchronous and has one owner process, so no save can slip in before the write below.
  const uses = dropped.size > 0 ? versionsUsing(ctx, dropped) : new Map<number, number>();
  if (uses.size > 0) {
    const list = [...uses.entries()]
      .sort(([a], [b]) => a - b)
      .map(([v, n]) => `${v} (${before.find((l) => l.value === v)?.name ?? '?'}) in ${n} version${n === 1 ? '' : 's'}`);
    fail('bad-labels', `the new table drops label values that annotations use: ${list.join(', ')}; keep those values in the table`);
  }
  return ctx.db.transaction(() => {
    ctx.db.run('DELETE FROM label_table');
    insertTable(ctx.db, next);
    appendAudit(ctx, { actorRaterId: viewer.raterId, action: 'labels.set', detail: { before, after: next } });
    return next;
  });
}
