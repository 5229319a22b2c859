/**
 * The database port over PostgreSQL (`pg` Pool), for the team server: several server processes on
 * one database, so everything the single-user store got from SQLite's one-writer lock comes from
 * PostgreSQL here. Transactions run SERIALIZABLE on one pooled client (the async context remembers
 * which, so nested calls join it) and are retried from the start when PostgreSQL reports a
 * serialization failure or deadlock; a unique violation surfaces as `UniqueViolation`, which the
 * store maps to its own errors (two saves on one parent version: a conflict).
 *
 * The SQL of the store modules is written once, with `?` or `:name` parameters; here they become
 * `$1…$n` (string literals left alone). The PostgreSQL schema (pgSchema.ts) supplies the few
 * SQLite spellings the modules use (the `nocase` collation, `group_concat`), so no query is
 * rewritten beyond its parameters. BIGINT and NUMERIC come back as JS numbers (counts, sums of
 * milliseconds: far below 2^53), BYTEA as Uint8Array.
 *
 * Plain Node.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import pg from 'pg';
import { UniqueViolation, type DbPort } from './dbPort';
import { ProjectError } from './errors';
import type { Params, Row, SqlValue } from './sqlite';

const PG_INT8 = 20;
const PG_NUMERIC = 1700;
/** PostgreSQL's SQLSTATEs for a transaction to run again: serialization_failure, deadlock_detected. */
const RETRY_STATES = new Set(['40001', '40P01']);
const UNIQUE_VIOLATION = '23505';
/**
 * The database is not there to answer: SQLSTATE class 08 (connection exception), 57P01–57P03
 * (shut down by an administrator or a crash, still starting up), a refused or cut socket, and the
 * messages `pg` gives a connection that ended under it (no SQLSTATE at all).
 */
const UNREACHABLE_STATES = /^(08...|57P0[123]|ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT)$/;
const UNREACHABLE_MESSAGES = /Connection terminated|not queryable|timeout exceeded when trying to connect/i;
/**
 * How often a transaction runs before its serialization failure is reported, and the most it waits
 * before the next run. SERIALIZABLE's predicate locks are kept per index page, so raters saving on
 * the same case at once conflict with each other by page, not by data; the waits grow (with
 * jitter) so that a crowd of them spreads out instead of colliding again: with 50 raters saving
 * at once (bench/teamLoad.bench.ts), 20 runs 0–200 ms apart were not enough.
 */
const MAX_ATTEMPTS = 30;
const MAX_RETRY_WAIT_MS = 500;

const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === PG_INT8 || oid === PG_NUMERIC) return (v: string) => Number(v);
    return pg.types.getTypeParser(oid, format);
  },
} as pg.CustomTypesConfig;

/** `?` and `:name` placeholders → `$n`, outside quoted strings and identifiers; named ones share a number per name. */
function toPgSql(sql: string, params: Params | undefined): { text: string; values: unknown[] } {
  const values: unknown[] = [];
  const named = new Map<string, number>();
  let positional = 0;
  let out = '';
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i];
    if (c === "'" || c === '"') {
      const end = sql.indexOf(c, i + 1);
      if (end < 0) throw new Error(`unterminated ${c} in SQL: ${sql}`);
      out += sql.slice(i, end + 1);
      i = end;
    } else if (c === '?') {
      if (!Array.isArray(params)) throw new Error(`SQL has ? placeholders but no parameter list: ${sql}`);
      values.push(pgValue(params[positional++]));
      out += `$${values.length}`;
    } else if (c === ':' && sql[i + 1] !== ':' && sql[i - 1] !== ':' && /[A-Za-z_]/.test(sql[i + 1] ?? '')) {
      const name = /^:[A-Za-z_][A-Za-z0-9_]*/.exec(sql.slice(i))?.[0] ?? ':';
      if (Array.isArray(params) || params === undefined || !(name in params)) throw new Error(`SQL parameter ${name} has no value`);
      let n = named.get(name);
      if (n === undefined) {
        values.push(pgValue(params[name]));
        n = values.length;
        named.set(name, n);
      }
      out += `$${n}`;
      i += name.length - 1;
    } else out += c;
  }
  if (Array.isArray(params) && positional !== params.length)
    throw new Error(`SQL has ${positional} placeholders for ${params.length} values: ${sql}`);
  return { text: out, values };
}

function pgValue(v: SqlValue | boolean | undefined): unknown {
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
  return v ?? null;
}

function toRow(r: Record<string, unknown>): Row {
  for (const [k, v] of Object.entries(r)) {
    if (Buffer.isBuffer(v)) r[k] = new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  }
  return r as Row;
}

function pgCode(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : undefined;
}

function isUnreachable(err: unknown): boolean {
  if (err instanceof ProjectError) return err.code === 'unavailable';
  return UNREACHABLE_STATES.test(pgCode(err) ?? '') || (err instanceof Error && UNREACHABLE_MESSAGES.test(err.message));
}

/**
 * What the caller hears when the database is away (restarting, connection cut): the request can be
 * tried again. A write whose COMMIT was cut may or may not be stored, so a client re-reads before
 * it builds on it (the save's parent check refuses a stale base either way).
 */
function unavailable(err: unknown): ProjectError {
  if (err instanceof ProjectError) return err;
  const why = err instanceof Error ? err.message : String(err);
  return new ProjectError(
    'unavailable',
    `The project database cannot be reached right now (${why}). Try again in a moment; a save that got this answer may or may not be stored, so reload the versions before building on it.`,
  );
}

export class PgPort implements DbPort {
  private readonly client = new AsyncLocalStorage<pg.PoolClient>();
  readonly pool: pg.Pool;

  constructor(connectionString: string, max = 10) {
    this.pool = new pg.Pool({ connectionString, max, types });
    // An idle pooled connection that the database cut (a restart) reports here; the pool drops it
    // and opens a fresh one on demand. Without a listener the event would end the whole server.
    this.pool.on('error', (err) => console.warn(`PostgreSQL dropped an idle connection: ${err.message}`));
  }

  private async query(sql: string, params?: Params): Promise<pg.QueryResult> {
    const { text, values } = toPgSql(sql, params);
    try {
      return await (this.client.getStore() ?? this.pool).query(text, values);
    } catch (err) {
      if (pgCode(err) === UNIQUE_VIOLATION) {
        const e = err as { constraint?: string; message: string };
        throw new UniqueViolation(e.constraint ?? '', e.message);
      }
      throw isUnreachable(err) ? unavailable(err) : err;
    }
  }

  async run(sql: string, params?: Params): Promise<{ changes: number }> {
    return { changes: (await this.query(sql, params)).rowCount ?? 0 };
  }

  async all(sql: string, params?: Params): Promise<Row[]> {
    return (await this.query(sql, params)).rows.map(toRow);
  }

  async get(sql: string, params?: Params): Promise<Row | null> {
    const rows = await this.all(sql, params);
    return rows[0] ?? null;
  }

  async transaction<T>(fn: () => Promise<T>): Promise<T> {
    if (this.client.getStore() !== undefined) return fn();
    const client = await this.pool.connect().catch((err: unknown) => {
      throw isUnreachable(err) ? unavailable(err) : err;
    });
    // A connection the database cut is destroyed on release, not handed to the next caller. A cut
    // between two statements arrives as an event (unheard, it would end the server); the next
    // statement then fails and says so.
    let cut: Error | undefined;
    const onCut = (err: Error): void => {
      cut ??= unavailable(err);
    };
    client.on('error', onCut);
    try {
      for (let attempt = 1; ; attempt++) {
        try {
          await client.query('BEGIN ISOLATION LEVEL SERIALIZABLE');
          const out = await this.client.run(client, fn);
          await client.query('COMMIT');
          return out;
        } catch (err) {
          if (isUnreachable(err)) {
            cut = unavailable(err);
            throw cut;
          }
          await client.query('ROLLBACK');
          // Another transaction committed something this one read: run it again on the new state.
          if (!RETRY_STATES.has(pgCode(err) ?? '') || attempt >= MAX_ATTEMPTS) throw err;
          await new Promise((r) => setTimeout(r, Math.random() * Math.min(MAX_RETRY_WAIT_MS, 5 * 2 ** attempt)));
        }
      }
    } finally {
      client.off('error', onCut);
      client.release(cut);
    }
  }

  /**
   * PostgreSQL checksums and checks its pages itself as it reads them, and has no statement that
   * checks a whole database without the amcheck extension: reported healthy.
   */
  async integrityCheck(): Promise<string[]> {
    return ['ok'];
  }

  /** Runs DDL or several statements at once (migrations), outside the placeholder translation. */
  async exec(sql: string): Promise<void> {
    await (this.client.getStore() ?? this.pool).query(sql);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
