/**
 * The append-only audit log: every change to the project adds one row in the same transaction as
 * the change. SQL triggers (schema.ts) abort any UPDATE or DELETE on it.
 */
import type { AuditEntry, Session } from '../../../src-shared/project/types';
import type { StoreContext } from './context';
import { nowIso } from './context';
import { int, text, textOrNull, type Row } from './sqlite';

export interface AuditInput {
  actorRaterId: string | null;
  action: string;
  caseId?: string | null;
  subjectId?: string | null;
  detail?: Record<string, unknown>;
}

export function appendAudit(ctx: StoreContext, e: AuditInput): void {
  ctx.db.run('INSERT INTO audit_log (at, actor_rater_id, action, case_id, subject_id, detail) VALUES (?, ?, ?, ?, ?, ?)', [
    nowIso(),
    e.actorRaterId,
    e.action,
    e.caseId ?? null,
    e.subjectId ?? null,
    JSON.stringify(e.detail ?? {}),
  ]);
}

function toEntry(r: Row): AuditEntry {
  return {
    seq: int(r, 'seq'),
    at: text(r, 'at'),
    actorRaterId: textOrNull(r, 'actor_rater_id'),
    action: text(r, 'action'),
    caseId: textOrNull(r, 'case_id'),
    subjectId: textOrNull(r, 'subject_id'),
    detail: text(r, 'detail'),
  };
}

/** Newest first. An annotator sees only their own actions (entries about others would break blinding). */
export function readAudit(ctx: StoreContext, viewer: Session, limit = 500): AuditEntry[] {
  const rows =
    viewer.role === 'annotator'
      ? ctx.db.all('SELECT * FROM audit_log WHERE actor_rater_id = ? ORDER BY seq DESC LIMIT ?', [viewer.raterId, limit])
      : ctx.db.all('SELECT * FROM audit_log ORDER BY seq DESC LIMIT ?', [limit]);
  return rows.map(toEntry);
}
