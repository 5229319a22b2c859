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

export async function appendAudit(ctx: StoreContext, e: AuditInput): Promise<void> {
  await ctx.db.run('INSERT INTO audit_log (at, actor_rater_id, action, case_id, subject_id, detail) VALUES (?, ?, ?, ?, ?, ?)', [
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

/**
 * The detail keys an annotator may read about their own actions: facts about their own work only.
 * Everything else is left out, e.g. `fileReused`, which says whether the same mask was already
 * stored by anyone: a guess-confirmation oracle for another rater's segmentation.
 */
const OWN_DETAIL_KEYS: ReadonlySet<string> = new Set([
  'raterId',
  'fileHash',
  'parent',
  'origin',
  'role',
  'mode',
  'activeMs',
  'endReason',
  'trialId',
  'revision',
  'versionId',
  'kind',
]);

function ownDetail(detail: string): string {
  const parsed: unknown = JSON.parse(detail);
  if (typeof parsed !== 'object' || parsed === null) return '{}';
  return JSON.stringify(Object.fromEntries(Object.entries(parsed).filter(([key]) => OWN_DETAIL_KEYS.has(key))));
}

/**
 * Newest first. Reviewers and admins see the whole log. An annotator sees only their own actions,
 * numbered 1, 2, 3… among themselves: the global sequence numbers would count, by their gaps,
 * everyone else's actions in between, and the detail keeps only facts about their own work.
 */
export async function readAudit(ctx: StoreContext, viewer: Session, limit = 500): Promise<AuditEntry[]> {
  if (viewer.role !== 'annotator') return (await ctx.db.all('SELECT * FROM audit_log ORDER BY seq DESC LIMIT ?', [limit])).map(toEntry);
  const rows = await ctx.db.all(
    'SELECT *, ROW_NUMBER() OVER (ORDER BY seq) AS own_seq FROM audit_log WHERE actor_rater_id = ? ORDER BY seq DESC LIMIT ?',
    [viewer.raterId, limit],
  );
  return rows.map((r) => ({ ...toEntry(r), seq: int(r, 'own_seq'), detail: ownDetail(text(r, 'detail')) }));
}
