/**
 * Opaque session tokens for the API layer. The renderer never sends a rater id as proof of who it
 * is: it signs in once with the person's secret (signIn.ts), keeps the random token, and each
 * request carries it. The handler turns the token back into the Session and passes that to the
 * store, which re-checks the role in the database.
 *
 * A token is 32 random bytes, bound to one person, and expires: after `idleMs` without a request,
 * and `maxAgeMs` after sign-in whatever the activity (then the person signs in again). Sessions
 * live in the open project's database (sessionTable.ts), as the sha256 of their token, and every
 * request reads its row (one primary-key lookup): so every server process on one database knows
 * every session, a sign-out anywhere is refused everywhere at the next request, and restarting the
 * server signs nobody out. There is no cache to go stale.
 *
 * The last-seen time is written at most once per `idleMs / 60` (a minute by default), not on every
 * request: on SQLite each write is a synchronous commit. So a session may end up to that much before
 * a full idle period, never later.
 *
 * Plain Node.
 */
import { randomBytes } from 'node:crypto';
import type { Session } from '../../../src-shared/project/types';
import { fail, ProjectError } from './errors';
import { sha256Hex } from './annotationFiles';
import type { SessionGrant, SessionRow, SessionTable } from './sessionTable';

export interface SessionPolicy {
  /** A session ends after this long without a request. */
  readonly idleMs: number;
  /** …and this long after sign-in, however active. */
  readonly maxAgeMs: number;
}

export const DEFAULT_SESSION_POLICY: SessionPolicy = { idleMs: 60 * 60_000, maxAgeMs: 12 * 60 * 60_000 };

export interface SessionRegistry {
  /** A new token for an authenticated person. */
  issue(session: Session): Promise<string>;
  /** The session for a token, or a `forbidden` error saying the caller must sign in. */
  resolve(token: string | undefined | null): Promise<Session>;
  signOut(token: string): Promise<void>;
  /**
   * Ends every session of one person (their secret was reset, or they signed out everywhere), except
   * `keep` (the one that asked). With `by` (who asked), the audit log records it.
   */
  endSessionsOf(raterId: string, keep?: string, by?: string): Promise<void>;
  /** Ends every session of the open project, e.g. when the host switches to another project. */
  clear(): Promise<void>;
  /** Records that the session behind `token` opened a case or file, whose URL carries `key`. */
  grant(token: string, key: string, grant: SessionGrant): Promise<void>;
  /** What a URL's `key` grants, and to whom, while that session stands; null otherwise. Any server process on the database answers. */
  granted(key: string): Promise<{ session: Session; grant: SessionGrant } | null>;
}

/**
 * The registry over the open project's sessions table; `table` is asked on every call, so a switch
 * of project switches the sessions with it.
 */
export function createSessionRegistry(
  table: () => Promise<SessionTable>,
  nowMs: () => number = Date.now,
  policy: SessionPolicy = DEFAULT_SESSION_POLICY,
): SessionRegistry {
  const touchEveryMs = policy.idleMs / 60;

  /** The session row behind a token hash if it stands (its last-seen time refreshed), else the `forbidden` reason. */
  async function live(sessions: SessionTable, hash: string): Promise<SessionRow> {
    const row = (await sessions.find(hash)) ?? fail('forbidden', 'not signed in, or the session ended: sign in again');
    const now = nowMs();
    if (now - row.lastSeenMs > policy.idleMs || now - row.createdMs > policy.maxAgeMs) {
      await sessions.remove(hash, false);
      fail('forbidden', 'the session expired: sign in again');
    }
    if (now - row.lastSeenMs >= touchEveryMs) await sessions.touch(hash, now);
    return row;
  }

  return {
    async issue(session) {
      const token = randomBytes(32).toString('base64url');
      const now = nowMs();
      const sessions = await table();
      // Housekeeping at sign-in: rows of sessions that ended by time go (resolve refuses them anyway).
      await sessions.removeExpired(now - policy.idleMs, now - policy.maxAgeMs);
      await sessions.insert(sha256Hex(token), session.raterId, now);
      return token;
    },
    async resolve(token) {
      if (!token) fail('forbidden', 'not signed in, or the session ended: sign in again');
      const row = await live(await table(), sha256Hex(token));
      return row.session;
    },
    async signOut(token) {
      await (await table()).remove(sha256Hex(token), true);
    },
    async endSessionsOf(raterId, keep, by) {
      await (await table()).removeOf(raterId, keep === undefined ? null : sha256Hex(keep), by ?? null);
    },
    async clear() {
      await (await table()).removeAll();
    },
    async grant(token, key, grant) {
      await (await table()).grant(key, sha256Hex(token), grant);
    },
    async granted(key) {
      const sessions = await table();
      const found = await sessions.findGrant(key);
      if (found === null) return null;
      try {
        return { session: (await live(sessions, found.tokenHash)).session, grant: found.grant };
      } catch (err) {
        if (err instanceof ProjectError) return null;
        throw err;
      }
    },
  };
}
