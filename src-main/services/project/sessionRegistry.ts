/**
 * Opaque session tokens for the API layer. The renderer never sends a rater id as proof of who it
 * is: it signs in once, keeps the random token, and each request carries it (an HTTP header in
 * browser mode, or held per webContents in Electron). The handler turns the token back into the
 * Session and passes that to the store, which re-checks the role in the database.
 *
 * Tokens live in memory only: restarting the app signs everyone out, which is what a local,
 * password-less app should do.
 */
import { randomBytes } from 'node:crypto';
import type { Session } from '../../../src-shared/project/types';
import { fail } from './errors';
import type { ProjectStore } from './ProjectStore';

export interface SessionRegistry {
  signIn(store: ProjectStore, raterId: string): { token: string; session: Session };
  /** The session for a token, or a `forbidden` error saying the caller must sign in. */
  resolve(token: string | undefined | null): Session;
  signOut(token: string): void;
  /** Forget every session, e.g. when the project is closed. */
  clear(): void;
}

export function createSessionRegistry(): SessionRegistry {
  const sessions = new Map<string, Session>();
  return {
    signIn(store, raterId) {
      const session = store.signIn(raterId);
      const token = randomBytes(24).toString('base64url');
      sessions.set(token, session);
      return { token, session };
    },
    resolve(token) {
      const s = token ? sessions.get(token) : undefined;
      if (!s) fail('forbidden', 'not signed in, or the session ended: choose your rater identity again');
      return s;
    },
    signOut(token) {
      sessions.delete(token);
    },
    clear() {
      sessions.clear();
    },
  };
}
