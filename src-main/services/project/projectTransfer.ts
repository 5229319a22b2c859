/**
 * Moving a whole project between the two stores (issue 13, migration): a single-user folder
 * (SQLite + annotation files) pushed into an empty PostgreSQL database, and a team database pulled
 * back into a new folder. Every table row and every annotation blob is copied, in one transaction
 * on the target, and then checked: each table's rows are digested on both sides (sha256 over the
 * rows in a canonical form, independent of row order and of the store's value types), and every
 * blob's bytes are read back from the target and hashed against their name. A target that already
 * holds anything (a person, a case, an annotation, an audit row, a blob) is refused, so nothing is
 * ever merged into, or overwritten in, someone's project.
 *
 * Plain Node.
 */
import { createHash } from 'node:crypto';
import { sha256Hex } from './annotationFiles';
import type { StoreContext } from './context';
import { fail } from './errors';
import { PgPort } from './pgPort';
import { int, type Row } from './sqlite';

/**
 * Every table of the schema in an order that satisfies its foreign keys (annotation bytes are not a
 * table here: AnnotationBlobs moves them). transfer.test.ts checks the list against the schema, so
 * a table added by a later migration cannot be left behind.
 */
export const TRANSFER_TABLES = [
  'project_meta',
  'raters',
  'accounts',
  'cases',
  'sequences',
  'series',
  'assignments',
  'annotation_versions',
  'annotation_file_values',
  'inference_results',
  'review_comments',
  'review_flags',
  'audit_log',
  'work_sessions',
  'label_table',
  'studies',
  'study_states',
  'study_segmentations',
  'study_trials',
  'study_views',
  'study_answers',
  'invitations',
] as const;

/**
 * Tables of the schema that are not moved: who is signed in where (migration 9). A session belongs
 * to the server that issued it; after a move everyone signs in to the new one.
 */
export const NOT_TRANSFERRED = ['sessions', 'session_grants'] as const;

/** Rows a freshly opened project has before anyone used it (its id, the starting label table): replaced, not counted. */
const REPLACED_ON_COPY: ReadonlySet<string> = new Set(['project_meta', 'label_table']);

/** Columns that point at a table copied later (a case's reference sequence): filled in, by the row's key, after it. */
const LATER_COLUMNS: Readonly<Record<string, { readonly key: string; readonly columns: readonly string[] }>> = {
  cases: { key: 'case_id', columns: ['reference_sequence_id'] },
};

interface TableDigest {
  readonly table: string;
  readonly rows: number;
  readonly sha256: string;
}

export interface TransferReport {
  readonly tables: TableDigest[];
  readonly blobs: Array<{ readonly name: string; readonly sha256: string; readonly bytes: number }>;
}

/** One value as text that is the same whichever store read it (SQLite and PostgreSQL number and byte types differ). */
function canonicalValue(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'bigint') return `n:${v.toString()}`;
  if (typeof v === 'number') return `n:${Number.isInteger(v) ? v.toFixed(0) : String(v)}`;
  if (typeof v === 'boolean') return `n:${v ? 1 : 0}`;
  if (v instanceof Uint8Array) return `x:${Buffer.from(v).toString('hex')}`;
  return `s:${JSON.stringify(String(v))}`;
}

function canonicalRow(row: Row): string {
  return Object.keys(row)
    .sort()
    .map((k) => `${k}=${canonicalValue(row[k])}`)
    .join('\u0001');
}

async function digestTable(ctx: StoreContext, table: string): Promise<TableDigest> {
  const lines = (await ctx.db.all(`SELECT * FROM ${table}`)).map(canonicalRow).sort();
  const hash = createHash('sha256');
  for (const line of lines) hash.update(line).update('\n');
  return { table, rows: lines.length, sha256: hash.digest('hex') };
}

/** Every table's digest, in transfer order. */
async function digestProject(ctx: StoreContext): Promise<TableDigest[]> {
  const out: TableDigest[] = [];
  for (const table of TRANSFER_TABLES) out.push(await digestTable(ctx, table));
  return out;
}

async function refuseNonEmpty(target: StoreContext): Promise<void> {
  const held: string[] = [];
  for (const table of TRANSFER_TABLES) {
    if (REPLACED_ON_COPY.has(table)) continue;
    const n = int((await target.db.get(`SELECT COUNT(*) AS n FROM ${table}`)) ?? { n: 0 }, 'n');
    if (n > 0) held.push(`${table}: ${n} rows`);
  }
  const blobs = (await target.blobs.names()).stored.length;
  if (blobs > 0) held.push(`${blobs} annotation files`);
  if (held.length > 0) fail('bad-request', `the target project is not empty (${held.join(', ')}): copy only into a new, empty one`);
}

/** The rows of a source table in the order they were written (parents before children, seq order kept). */
async function sourceRows(source: StoreContext, table: string): Promise<Row[]> {
  const first = await source.db.get(`SELECT * FROM ${table} LIMIT 1`);
  if (!first) return [];
  const order = 'seq' in first ? 'seq' : source.db instanceof PgPort ? null : 'rowid';
  return await source.db.all(`SELECT * FROM ${table}${order === null ? '' : ` ORDER BY ${order}`}`);
}

async function insertRows(target: StoreContext, table: string, rows: readonly Row[]): Promise<void> {
  const pg = target.db instanceof PgPort;
  const later = LATER_COLUMNS[table]?.columns ?? [];
  for (const row of rows) {
    const columns = Object.keys(row);
    // PostgreSQL's identity columns (`seq`) take the source's numbers only when told to.
    const overriding = pg && 'seq' in row ? ' OVERRIDING SYSTEM VALUE' : '';
    await target.db.run(
      `INSERT INTO ${table} (${columns.join(', ')})${overriding} VALUES (${columns.map(() => '?').join(', ')})`,
      columns.map((c) => (later.includes(c) ? null : (row[c] ?? null))),
    );
  }
  if (pg && rows.some((r) => 'seq' in r))
    // The next row written on the team server continues after the copied ones.
    await target.db.get(`SELECT setval(pg_get_serial_sequence('${table}', 'seq'), (SELECT MAX(seq) FROM ${table})) AS s`);
}

async function fillLaterColumns(target: StoreContext, table: string, rows: readonly Row[]): Promise<void> {
  const later = LATER_COLUMNS[table];
  if (!later) return;
  for (const column of later.columns)
    for (const row of rows)
      if (row[column] !== null && row[column] !== undefined)
        await target.db.run(`UPDATE ${table} SET ${column} = ? WHERE ${later.key} = ?`, [row[column] ?? null, row[later.key] ?? null]);
}

/**
 * Copies every row and annotation blob of `source` into the empty `target` in one transaction on
 * the target, then proves the copy: the table digests must match and every blob must hash to its
 * name. Throws (and the target's transaction rolls back) on any difference.
 */
export async function copyProject(source: StoreContext, target: StoreContext): Promise<TransferReport> {
  const expected = await digestProject(source);
  const names = (await source.blobs.names()).stored.sort();
  const blobs: TransferReport['blobs'] = [];
  await target.db.transaction(async () => {
    await refuseNonEmpty(target);
    // Blobs first: PostgreSQL's versions and model results reference them.
    for (const name of names) {
      const bytes = await source.blobs.read(name, name.slice(0, 64));
      const stored = await target.blobs.store(bytes);
      if (stored.fileName !== name)
        fail('corrupt-file', `annotation ${name} was stored as ${stored.fileName}: its bytes do not match its name`);
    }
    for (const table of REPLACED_ON_COPY) await target.db.run(`DELETE FROM ${table}`);
    const copied: Array<{ table: string; rows: Row[] }> = [];
    for (const table of TRANSFER_TABLES) {
      const rows = await sourceRows(source, table);
      await insertRows(target, table, rows);
      copied.push({ table, rows });
    }
    for (const { table, rows } of copied) await fillLaterColumns(target, table, rows);
    const actual = await digestProject(target);
    for (const [i, want] of expected.entries()) {
      const got = actual[i];
      if (got.sha256 !== want.sha256 || got.rows !== want.rows)
        fail(
          'corrupt-file',
          `table ${want.table} differs after the copy: ${want.rows} rows ${want.sha256} → ${got.rows} rows ${got.sha256}`,
        );
    }
  });
  for (const name of names) {
    const hash = name.slice(0, 64);
    // read() proves the bytes by their hash; hashing again here gives the figure printed.
    const bytes = await target.blobs.read(name, hash);
    blobs.push({ name, sha256: sha256Hex(bytes), bytes: bytes.length });
  }
  return { tables: expected, blobs };
}
