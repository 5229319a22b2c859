/**
 * Accounts: where a person's secret and sign-in throttle are kept. `AccountStore` is the whole
 * interface the sign-in rules (signIn.ts) use, so a team server can back it with PostgreSQL (the
 * same `accounts` table as migration 5 in schema.ts) while the rules stay one copy; this file
 * is the SQLite implementation inside a project. Only people (raters of kind 'human') have
 * accounts: a model cannot sign in.
 *
 * Plain Node.
 */
import { appendAudit } from './audit';
import { nowIso, type StoreContext } from './context';
import { int, text, textOrNull, type Row } from './sqlite';

export interface Account {
  readonly raterId: string;
  readonly name: string;
  /** The scrypt text of secrets.ts, or null before the person's first sign-in. */
  readonly secretHash: string | null;
  /** Consecutive failed attempts since the last success (or secret change). */
  readonly failedAttempts: number;
  /** Attempts are refused until then (epoch ms); null when not locked. */
  readonly lockedUntilMs: number | null;
  /** An invitation not used or revoked yet (invitations.ts): the link, not a first sign-in, sets the secret. */
  readonly invited: boolean;
}

export interface AccountStore {
  /** The person with this name (case-insensitive), or null; models are not accounts. */
  findByName(name: string): Promise<Account | null>;
  findById(raterId: string): Promise<Account | null>;
  /** Sets (or replaces) the secret, clears the throttle; `setBy` is null for the person themself on first sign-in. */
  setSecret(raterId: string, secretHash: string, setBy: string | null): Promise<void>;
  /** A person's first secret, unless one was set meanwhile (then false): of two first sign-ins, the first wins. */
  setFirstSecret(raterId: string, secretHash: string): Promise<boolean>;
  /**
   * Counts an attempt that may fail (counted before the check), reading and writing the count in
   * one transaction so parallel attempts each count; `pauseFor` gives the pause a count sets. An
   * attempt made while a pause is in force is not counted: `pausedUntilMs` says until when.
   */
  recordFailure(raterId: string, nowMs: number, pauseFor: (failedAttempts: number) => number | null): Promise<FailureCount>;
  /** A successful sign-in: clears the throttle and audits it. */
  recordSuccess(raterId: string): Promise<void>;
  /** Names of people, for the sign-in picker, and whether each has set a secret yet. */
  listPeople(): Promise<Array<{ name: string; hasSecret: boolean }>>;
}

export type FailureCount =
  | { readonly pausedUntilMs: number }
  | { readonly pausedUntilMs: null; readonly failedAttempts: number; readonly lockedUntilMs: number | null };

function toAccount(r: Row): Account {
  const lockedUntil = r.locked_until_ms;
  return {
    raterId: text(r, 'rater_id'),
    name: text(r, 'name'),
    secretHash: textOrNull(r, 'secret_hash'),
    failedAttempts: r.failed_attempts === null ? 0 : int(r, 'failed_attempts'),
    lockedUntilMs: lockedUntil === null || lockedUntil === undefined ? null : Number(lockedUntil),
    invited: int(r, 'invited') === 1,
  };
}

const SELECT = `SELECT r.rater_id, r.name, a.secret_hash, a.failed_attempts, a.locked_until_ms,
    CASE WHEN EXISTS (SELECT 1 FROM invitations i WHERE i.rater_id = r.rater_id AND i.used_at IS NULL AND i.revoked_at IS NULL) THEN 1 ELSE 0 END AS invited
  FROM raters r LEFT JOIN accounts a ON a.rater_id = r.rater_id WHERE r.kind = 'human'`;

/** The SQLite implementation over an open project. */
export function sqliteAccounts(ctx: StoreContext): AccountStore {
  const accounts: AccountStore = {
    async findByName(name) {
      const r = await ctx.db.get(`${SELECT} AND r.name = ? COLLATE NOCASE`, [name.trim()]);
      return r ? toAccount(r) : null;
    },
    async findById(raterId) {
      const r = await ctx.db.get(`${SELECT} AND r.rater_id = ?`, [raterId]);
      return r ? toAccount(r) : null;
    },
    async setFirstSecret(raterId, secretHash) {
      return await ctx.db.transaction(async () => {
        if ((await accounts.findById(raterId))?.secretHash !== null) return false;
        await accounts.setSecret(raterId, secretHash, null);
        return true;
      });
    },
    async setSecret(raterId, secretHash, setBy) {
      await ctx.db.transaction(async () => {
        await ctx.db.run(
          `INSERT INTO accounts (rater_id, secret_hash, secret_set_at, secret_set_by, failed_attempts, locked_until_ms) VALUES (?, ?, ?, ?, 0, NULL)
           ON CONFLICT (rater_id) DO UPDATE SET secret_hash = excluded.secret_hash, secret_set_at = excluded.secret_set_at,
             secret_set_by = excluded.secret_set_by, failed_attempts = 0, locked_until_ms = NULL`,
          [raterId, secretHash, nowIso(), setBy],
        );
        // The hash itself never enters the audit log.
        await appendAudit(ctx, {
          actorRaterId: setBy ?? raterId,
          action: setBy === null ? 'account.secret-set' : 'account.secret-reset',
          subjectId: raterId,
        });
      });
    },
    async recordFailure(raterId, nowMs, pauseFor) {
      return await ctx.db.transaction(async (): Promise<FailureCount> => {
        const current = await accounts.findById(raterId);
        if (current?.lockedUntilMs != null && nowMs < current.lockedUntilMs) return { pausedUntilMs: current.lockedUntilMs };
        const failedAttempts = (current?.failedAttempts ?? 0) + 1;
        const lockedUntilMs = pauseFor(failedAttempts);
        await ctx.db.run('UPDATE accounts SET failed_attempts = ?, locked_until_ms = ? WHERE rater_id = ?', [
          failedAttempts,
          lockedUntilMs,
          raterId,
        ]);
        if (lockedUntilMs !== null)
          await appendAudit(ctx, { actorRaterId: null, action: 'account.locked', subjectId: raterId, detail: { failedAttempts } });
        return { pausedUntilMs: null, failedAttempts, lockedUntilMs };
      });
    },
    async recordSuccess(raterId) {
      await ctx.db.transaction(async () => {
        await ctx.db.run('UPDATE accounts SET failed_attempts = 0, locked_until_ms = NULL WHERE rater_id = ?', [raterId]);
        await appendAudit(ctx, { actorRaterId: raterId, action: 'session.sign-in' });
      });
    },
    async listPeople() {
      return (await ctx.db.all(`${SELECT} ORDER BY r.name COLLATE NOCASE`))
        .map(toAccount)
        .map((a) => ({ name: a.name, hasSecret: a.secretHash !== null }));
    },
  };
  return accounts;
}
