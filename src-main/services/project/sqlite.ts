/**
 * The SQLite connection the project store uses: node-sqlite3-wasm (SQLite compiled to WASM with a
 * Node fs VFS), so the same code runs in Vitest, the browser-mode server and Electron's main process
 * without a native rebuild per runtime. Wraps it with a transaction helper and typed row readers, so
 * the rest of the store never handles untyped rows.
 */
import sqlite3 from 'node-sqlite3-wasm';

type RawDatabase = InstanceType<typeof sqlite3.Database>;
export type SqlValue = number | bigint | string | Uint8Array | null;
export type Row = Record<string, SqlValue>;
export type Params = Record<string, SqlValue | boolean> | Array<SqlValue | boolean>;

export class Db {
  private readonly raw: RawDatabase;
  private depth = 0;

  /**
   * Every connection holds the lock for its whole life (exclusive locking) and writes through a
   * write-ahead log. Not the rollback journal: this VFS answers xCheckReservedLock from its lock
   * directory, which the opening connection has itself just created, so SQLite never finds a journal
   * hot and never plays it back, and a commit killed between its database page writes would stay half
   * applied (README, "Crash safety"). In WAL mode a commit only appends to `-wal`, and the next open replays its committed
   * frames and drops a torn tail, with no lock check involved. WAL needs shared memory only when
   * several connections share a file; with exclusive locking set first SQLite keeps the WAL index in
   * the process (the VFS has no xShmMap), which is also why a connection without it cannot open a
   * WAL database. FULL sync: a committed version survives power loss.
   */
  constructor(path: string) {
    this.raw = new sqlite3.Database(path);
    try {
      this.raw.exec('PRAGMA locking_mode = EXCLUSIVE');
      const mode = this.get('PRAGMA journal_mode = WAL');
      // SQLite answers with the mode it kept rather than failing; anything else would be unsafe here.
      if (mode?.journal_mode !== 'wal') throw new Error(`${path}: SQLite kept journal mode ${String(mode?.journal_mode)}, not WAL`);
      this.raw.exec('PRAGMA synchronous = FULL');
    } catch (err) {
      this.raw.close();
      throw err;
    }
  }

  get isOpen(): boolean {
    return this.raw.isOpen;
  }

  get inTransaction(): boolean {
    return this.raw.inTransaction;
  }

  exec(sql: string): void {
    this.raw.exec(sql);
  }

  run(sql: string, params?: Params): { changes: number; lastInsertRowid: number | bigint } {
    return this.raw.run(sql, params);
  }

  all(sql: string, params?: Params): Row[] {
    return this.raw.all(sql, params) as Row[];
  }

  get(sql: string, params?: Params): Row | null {
    return (this.raw.get(sql, params) as Row | null) ?? null;
  }

  /**
   * Runs `fn` in one transaction: BEGIN IMMEDIATE takes the write lock up front, so the transaction
   * cannot fail half-way for lack of a lock. Nested calls join the outer transaction.
   */
  transaction<T>(fn: () => T): T {
    if (this.depth > 0) return fn();
    this.raw.exec('BEGIN IMMEDIATE');
    this.depth++;
    try {
      const out = fn();
      this.raw.exec('COMMIT');
      return out;
    } catch (err) {
      if (this.raw.inTransaction) this.raw.exec('ROLLBACK');
      throw err;
    } finally {
      this.depth--;
    }
  }

  close(): void {
    if (this.raw.isOpen) this.raw.close();
  }
}

export function text(row: Row, col: string): string {
  const v = row[col];
  if (typeof v !== 'string') throw new Error(`column ${col}: expected text, got ${v === null ? 'NULL' : typeof v}`);
  return v;
}

export function textOrNull(row: Row, col: string): string | null {
  const v = row[col];
  if (v === null || v === undefined) return null;
  if (typeof v !== 'string') throw new Error(`column ${col}: expected text or NULL, got ${typeof v}`);
  return v;
}

export function int(row: Row, col: string): number {
  const v = row[col];
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  throw new Error(`column ${col}: expected an integer, got ${v === null ? 'NULL' : typeof v}`);
}

export function numOrNull(row: Row, col: string): number | null {
  const v = row[col];
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  throw new Error(`column ${col}: expected a number or NULL, got ${typeof v}`);
}
