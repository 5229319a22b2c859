/**
 * Review sessions (issue 6): the worklist's records and the pure rules the store, the API and the
 * renderer share — a row's status (the annotation status, overridden by an open revision request),
 * the filters, the progress counts and "next case".
 *
 * A row is one rater on one case. Reviewers and admins get every rater's row; an annotator gets
 * only their own rows (the store builds the list that way; nothing here widens it).
 */
import type { FlagKind, RaterCaseStatus, RaterKind } from './types';

/** Where a rater stands on a case in the worklist. */
export type WorklistStatus =
  | RaterCaseStatus
  /** A reviewer sent the rater's submitted version back with a comment; cleared by the rater's next submit. */
  | 'revision-requested';

export const WORKLIST_STATUSES: readonly WorklistStatus[] = ['not-started', 'draft', 'revision-requested', 'submitted', 'no-lesion'];

/** What a reviewer can do to one annotation version. */
export type ReviewAction =
  /** Accept the version (a flag 'accepted'). */
  | 'approve'
  /** Send it back to its rater with a comment (a flag 'needs-revision' + the comment). */
  | 'request-revision'
  /** Mark the case as difficult (a flag 'difficult' on the version). */
  | 'difficult';

export const REVIEW_ACTIONS: readonly ReviewAction[] = ['approve', 'request-revision', 'difficult'];

/** The worklist's flag filter: the verdict in force, or a mark present on the row. */
export type WorklistFlag = 'approved' | 'revision-requested' | 'difficult' | 'image-problem' | 'other';

export const WORKLIST_FLAGS: readonly WorklistFlag[] = ['approved', 'revision-requested', 'difficult', 'image-problem', 'other'];

/** Marks that stay on a row once given (verdicts are not marks: a newer verdict overrules them). */
export const MARK_KINDS: readonly FlagKind[] = ['difficult', 'image-problem', 'other'];

/** An open revision request: what the reviewer asked for, on which version (the reviewer is not named). */
export interface RevisionRequest {
  versionId: string;
  comment: string;
  requestedAt: string;
}

export interface WorklistRow {
  caseId: string;
  caseName: string;
  /** The path the viewer opens the case from (series 0). */
  casePath: string;
  raterId: string;
  raterName: string;
  raterKind: RaterKind;
  status: WorklistStatus;
  /** The rater's newest version, if any. */
  versionId: string | null;
  /** The rater's newest submitted version: what reviewer actions apply to. */
  submittedVersionId: string | null;
  /** When the newest version was saved. */
  updatedAt: string | null;
  /** The newest verdict is an approval of the newest submitted version. */
  approved: boolean;
  revision: RevisionRequest | null;
  /** Marks on the rater's versions (and, for reviewers, on the case), distinct, in MARK_KINDS order. */
  marks: FlagKind[];
  /** Summed active annotation time in ms and the number of timed segments; null for annotators (reviewers see time on task). */
  activeMs: number | null;
  workSessions: number | null;
}

export interface WorklistProgress {
  /** Rows (rater × case). */
  total: number;
  byStatus: Record<WorklistStatus, number>;
  /** Rows whose work is handed in: submitted or no lesion. */
  done: number;
  approved: number;
}

export interface WorklistFilter {
  status?: WorklistStatus;
  raterId?: string;
  flag?: WorklistFlag;
  caseId?: string;
}

export interface Worklist {
  /** Every case the session may see, in name order, also those without any rater. */
  cases: Array<{ caseId: string; name: string; path: string }>;
  /** Every rater with a visible row (the rater filter's choices), by name. */
  raters: Array<{ raterId: string; name: string }>;
  /** The rows that pass the filter, by case name then rater name. */
  rows: WorklistRow[];
  /** Over all visible rows, not just the filtered ones (with a case filter: that case's rows). */
  progress: WorklistProgress;
}

/** The row's status: an open revision request overrides whatever the rater's newest version says. */
export function worklistStatus(base: RaterCaseStatus, revisionOpen: boolean): WorklistStatus {
  return revisionOpen ? 'revision-requested' : base;
}

/** Whether the rater still has work to do on the row. */
function needsWork(status: WorklistStatus): boolean {
  return status === 'not-started' || status === 'draft' || status === 'revision-requested';
}

export function rowFlags(row: Pick<WorklistRow, 'approved' | 'revision' | 'marks'>): WorklistFlag[] {
  const out: WorklistFlag[] = [];
  if (row.approved) out.push('approved');
  if (row.revision) out.push('revision-requested');
  for (const m of row.marks) if (m === 'difficult' || m === 'image-problem' || m === 'other') out.push(m);
  return out;
}

export function matchesFilter(row: WorklistRow, f: WorklistFilter): boolean {
  if (f.status !== undefined && row.status !== f.status) return false;
  if (f.raterId !== undefined && row.raterId !== f.raterId) return false;
  if (f.caseId !== undefined && row.caseId !== f.caseId) return false;
  if (f.flag !== undefined && !rowFlags(row).includes(f.flag)) return false;
  return true;
}

export function worklistProgress(rows: readonly WorklistRow[]): WorklistProgress {
  const byStatus = Object.fromEntries(WORKLIST_STATUSES.map((s) => [s, 0])) as Record<WorklistStatus, number>;
  let approved = 0;
  for (const r of rows) {
    byStatus[r.status]++;
    if (r.approved) approved++;
  }
  return { total: rows.length, byStatus, done: byStatus.submitted + byStatus['no-lesion'], approved };
}

/**
 * The next case needing `raterId`'s work after `currentCaseId`, in worklist order, wrapping around;
 * the current case itself only when it is the only one left. Revision requests come first: the
 * reviewer is waiting on them.
 */
export function nextCaseRow(rows: readonly WorklistRow[], raterId: string, currentCaseId: string | null): WorklistRow | null {
  const mine = rows.filter((r) => r.raterId === raterId);
  const start = currentCaseId === null ? -1 : mine.findIndex((r) => r.caseId === currentCaseId);
  const ordered = [...mine.slice(start + 1), ...mine.slice(0, start + 1)];
  const others = ordered.filter((r) => r.caseId !== currentCaseId);
  const pick = (list: readonly WorklistRow[]) =>
    list.find((r) => r.status === 'revision-requested') ?? list.find((r) => needsWork(r.status)) ?? null;
  return pick(others) ?? pick(ordered);
}

/** Handed in and waiting for a reviewer: submitted or no lesion, neither approved nor sent back. */
function awaitsReview(row: Pick<WorklistRow, 'status' | 'approved'>): boolean {
  return (row.status === 'submitted' || row.status === 'no-lesion') && !row.approved;
}

/** A reviewer's "next case": the next case after `currentCaseId` with a row awaiting review, wrapping around. */
export function nextReviewRow(rows: readonly WorklistRow[], currentCaseId: string | null): WorklistRow | null {
  const caseIds = [...new Set(rows.map((r) => r.caseId))];
  const start = currentCaseId === null ? -1 : caseIds.indexOf(currentCaseId);
  const ordered = [...caseIds.slice(start + 1), ...caseIds.slice(0, start + 1)];
  for (const caseId of ordered) {
    const row = rows.find((r) => r.caseId === caseId && awaitsReview(r));
    if (row) return row;
  }
  return null;
}
