/**
 * The sessions table (migration 9): who is signed in, kept in the project database so that every
 * server process on one database knows every session (the team server is stateless), a restart
 * signs nobody out, and a sign-out through one process is refused by the others at their next
 * request. Rows hold the sha256 of the token, never the token: whoever reads the database (or a
 * backup of it) cannot act as anyone. Sessions are not history: a row is deleted when its session
 * ends; the audit log keeps the sign-ins and sign-outs.
 *
 * `session_grants` ties what a session opened (a case's volume URL, a NIfTI case's file URL) to
 * the session, so another process can serve the URL after checking the grant here; the grants go
 * with their session (ON DELETE CASCADE). They too hold the sha256 of the URL's key, not the key.
 *
 * The expiry rules (idle, maximum age) are sessionRegistry.ts's; this module only stores rows.
 *
 * Plain Node.
 */
import type { Role, Session } from '../../../src-shared/project/types';
import { sha256Hex } from './annotationFiles';
import { appendAudit } from './audit';
import type { StoreContext } from './context';
import { sessionTables, SQLITE } from './ddl';
import type { Migration } from './schema';
import { int, text, textOrNull } from './sqlite';

export const sessionsMigration: Migration = {
  version: 9,
  description: 'sessions in the database (sha256 of each token, not the token) and what each session opened',
  up(db) {
    db.exec(sessionTables(SQLITE));
  },
};

export interface SessionRow {
  readonly session: Session;
  readonly createdMs: number;
  readonly lastSeenMs: number;
}

/** A case or file a session opened: the key is in its URL (`api/volume/<caseId>/…`, `files/<key>/…`). */
export type SessionGrant =
  | { readonly kind: 'case'; readonly path: string; readonly seriesInstanceUid: string | null }
  | { readonly kind: 'file'; readonly path: string };

export interface SessionTable {
  insert(tokenHash: string, raterId: string, nowMs: number): Promise<void>;
  /** The session with the person's current role (a role changed since sign-in counts at once), or null. */
  find(tokenHash: string): Promise<SessionRow | null>;
  touch(tokenHash: string, nowMs: number): Promise<void>;
  /** Ends one session; `audited` records a sign-out (an expiry is not an action of anyone). */
  remove(tokenHash: string, audited: boolean): Promise<void>;
  /** Ends every session of `raterId` but `keepHash`; with `by`, audited as that person's action. Returns how many ended. */
  removeOf(raterId: string, keepHash: string | null, by: string | null): Promise<number>;
  removeAll(): Promise<void>;
  /** Deletes the sessions that have expired by the given bounds (housekeeping; resolve refuses them anyway). */
  removeExpired(idleSinceMs: number, createdBeforeMs: number): Promise<void>;
  grant(grantKey: string, tokenHash: string, grant: SessionGrant): Promise<void>;
  /** A grant and the token hash of the session that holds it, or null when there is none (never made, or its session ended). */
  findGrant(grantKey: string): Promise<{ tokenHash: string; grant: SessionGrant } | null>;
}

export function sessionTable(ctx: StoreContext): SessionTable {
  const { db } = ctx;
  return {
    async insert(tokenHash, raterId, nowMs) {
      await db.run('INSERT INTO sessions (token_hash, rater_id, created_ms, last_seen_ms) VALUES (?, ?, ?, ?)', [
        tokenHash,
        raterId,
        nowMs,
        nowMs,
      ]);
    },
    async find(tokenHash) {
      const r = await db.get(
        `SELECT s.rater_id, r.role, s.created_ms, s.last_seen_ms FROM sessions s JOIN raters r ON r.rater_id = s.rater_id
         WHERE s.token_hash = ?`,
        [tokenHash],
      );
      if (r === null) return null;
      return {
        session: { raterId: text(r, 'rater_id'), role: text(r, 'role') as Role },
        createdMs: int(r, 'created_ms'),
        lastSeenMs: int(r, 'last_seen_ms'),
      };
    },
    async touch(tokenHash, nowMs) {
      await db.run('UPDATE sessions SET last_seen_ms = ? WHERE token_hash = ? AND last_seen_ms < ?', [nowMs, tokenHash, nowMs]);
    },
    async remove(tokenHash, audited) {
      await db.transaction(async () => {
        const row = await db.get('SELECT rater_id FROM sessions WHERE token_hash = ?', [tokenHash]);
        if (row === null) return;
        await db.run('DELETE FROM sessions WHERE token_hash = ?', [tokenHash]);
        if (audited) await appendAudit(ctx, { actorRaterId: text(row, 'rater_id'), action: 'session.sign-out' });
      });
    },
    async removeOf(raterId, keepHash, by) {
      return await db.transaction(async () => {
        const { changes } = await db.run('DELETE FROM sessions WHERE rater_id = ? AND token_hash <> ?', [raterId, keepHash ?? '']);
        if (by !== null)
          await appendAudit(ctx, {
            actorRaterId: by,
            action: 'session.sign-out-everywhere',
            subjectId: raterId,
            detail: { ended: changes },
          });
        return changes;
      });
    },
    async removeAll() {
      await db.run('DELETE FROM sessions');
    },
    async removeExpired(idleSinceMs, createdBeforeMs) {
      await db.run('DELETE FROM sessions WHERE last_seen_ms < ? OR created_ms < ?', [idleSinceMs, createdBeforeMs]);
    },
    async grant(grantKey, tokenHash, grant) {
      const seriesUid = grant.kind === 'case' ? grant.seriesInstanceUid : null;
      await db.run(
        `INSERT INTO session_grants (grant_hash, token_hash, kind, path, series_uid) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (grant_hash) DO NOTHING`,
        [sha256Hex(grantKey), tokenHash, grant.kind, grant.path, seriesUid],
      );
    },
    async findGrant(grantKey) {
      const r = await db.get('SELECT token_hash, kind, path, series_uid FROM session_grants WHERE grant_hash = ?', [sha256Hex(grantKey)]);
      if (r === null) return null;
      const path = text(r, 'path');
      const grant: SessionGrant =
        text(r, 'kind') === 'case' ? { kind: 'case', path, seriesInstanceUid: textOrNull(r, 'series_uid') } : { kind: 'file', path };
      return { tokenHash: text(r, 'token_hash'), grant };
    },
  };
}
