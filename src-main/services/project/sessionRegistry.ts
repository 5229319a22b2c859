/**
 * Opaque session tokens for the API layer. The renderer never sends a rater id as proof of who it
 * is: it signs in once with the person's secret (signIn.ts), keeps the random token, and each
 * request carries it. The handler turns the token back into the Session and passes that to the
 * store, which re-checks the role in the database.
 *
 * A token is 32 random bytes, bound to one person, and expires: after `idleMs` without a request,
 * and `maxAgeMs` after sign-in whatever the activity (then the person signs in again). Tokens live
 * in memory only: restarting the server signs everyone out. The host (projectHost.ts) forgets them
 * all when another project is opened, and keeps them when the same project is re-opened.
 *
 * Plain Node.
 */
import { randomBytes } from 'node:crypto';
import type { Session } from '../../../src-shared/project/types';
import { fail } from './errors';

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
  /** Ends every session of one person (their secret was reset), except `keep` (the one that changed it). */
  endSessionsOf(raterId: string, keep?: string): Promise<void>;
  /** Forget every session, e.g. when another project is opened. */
  clear(): Promise<void>;
}

interface Entry {
  readonly session: Session;
  readonly issuedAtMs: number;
  lastSeenMs: number;
}

export function createSessionRegistry(nowMs: () => number = Date.now, policy: SessionPolicy = DEFAULT_SESSION_POLICY): SessionRegistry {
  const sessions = new Map<string, Entry>();
  return {
    async issue(session) {
      const token = randomBytes(32).toString('base64url');
      const now = nowMs();
      sessions.set(token, { session: Object.freeze({ raterId: session.raterId, role: session.role }), issuedAtMs: now, lastSeenMs: now });
      return token;
    },
    async resolve(token) {
      const entry = token ? sessions.get(token) : undefined;
      if (!entry || !token) fail('forbidden', 'not signed in, or the session ended: sign in again');
      const now = nowMs();
      if (now - entry.lastSeenMs > policy.idleMs || now - entry.issuedAtMs > policy.maxAgeMs) {
        sessions.delete(token);
        fail('forbidden', 'the session expired: sign in again');
      }
      entry.lastSeenMs = now;
      return entry.session;
    },
    async signOut(token) {
      sessions.delete(token);
    },
    async endSessionsOf(raterId, keep) {
      for (const [token, entry] of sessions) if (entry.session.raterId === raterId && token !== keep) sessions.delete(token);
    },
    async clear() {
      sessions.clear();
    },
  };
}
