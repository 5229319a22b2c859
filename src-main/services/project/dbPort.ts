/**
 * The asynchronous database port every store module talks to: statements, typed rows (the readers
 * of sqlite.ts) and a transaction helper. Asynchronous because a team server keeps the project in
 * PostgreSQL, whose clients are; the single-user store implements it over the synchronous SQLite
 * connection (`SqlitePort` below), so the domain modules are one copy for both.
 *
 * SQL is written once, with `?` or `:name` parameters; each implementation binds them its own way.
 *
 * Plain Node.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { text, type Db, type Params, type Row } from './sqlite';

export interface DbPort {
  run(sql: string, params?: Params): Promise<{ changes: number }>;
  all(sql: string, params?: Params): Promise<Row[]>;
  get(sql: string, params?: Params): Promise<Row | null>;
  /**
   * Runs `fn` in one transaction that holds the write lock from its start (SQLite: BEGIN
   * IMMEDIATE), committed when `fn` resolves and rolled back when it throws. Calls made while `fn`
   * runs, nested transactions included, join it; statements of other, concurrent callers wait
   * until it ends.
   */
  transaction<T>(fn: () => Promise<T>): Promise<T>;
  /** The engine's own consistency check: ["ok"] when healthy, else its findings. */
  integrityCheck(): Promise<string[]>;
}

/**
 * The port over the project's one SQLite connection. A connection has a single transaction, so
 * while one is open a statement from another asynchronous caller would silently become part of it
 * (and be rolled back with it): such callers wait for it to end. Which caller is "inside" is known
 * from the async context the transaction started, not from a counter.
 */
export class SqlitePort implements DbPort {
  private readonly inside = new AsyncLocalStorage<true>();
  private open: Promise<unknown> | null = null;

  constructor(private readonly db: Db) {}

  /**
   * Runs `statement` once no transaction of another caller is open (never waiting inside one). The
   * check and the statement run with no await between them, so no transaction can begin in between.
   */
  private async outside<T>(statement: () => T): Promise<T> {
    while (this.open !== null && this.inside.getStore() === undefined) await this.open.catch(() => undefined);
    return statement();
  }

  run(sql: string, params?: Params): Promise<{ changes: number }> {
    return this.outside(() => ({ changes: this.db.run(sql, params).changes }));
  }

  all(sql: string, params?: Params): Promise<Row[]> {
    return this.outside(() => this.db.all(sql, params));
  }

  get(sql: string, params?: Params): Promise<Row | null> {
    return this.outside(() => this.db.get(sql, params));
  }

  async integrityCheck(): Promise<string[]> {
    return (await this.all('PRAGMA integrity_check')).map((r) => text(r, 'integrity_check'));
  }

  async transaction<T>(fn: () => Promise<T>): Promise<T> {
    if (this.inside.getStore() !== undefined) return fn();
    // Nothing awaits between this loop's last check and claiming `open`, so no other caller slips in.
    while (this.open !== null) await this.open.catch(() => undefined);
    const done = this.inside.run(true, async () => {
      try {
        this.db.exec('BEGIN IMMEDIATE');
        const out = await fn();
        this.db.exec('COMMIT');
        return out;
      } catch (err) {
        if (this.db.inTransaction) this.db.exec('ROLLBACK');
        throw err;
      }
    });
    this.open = done;
    const release = (): void => {
      if (this.open === done) this.open = null;
    };
    done.then(release, release);
    return done;
  }
}

/** A UNIQUE constraint refused a row; `constraint` names it, for the store to say what it means. */
export class UniqueViolation extends Error {
  constructor(
    readonly constraint: string,
    message: string,
  ) {
    super(message);
    this.name = 'UniqueViolation';
  }
}
