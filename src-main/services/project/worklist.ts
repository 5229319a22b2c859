/**
 * The worklist (issue 6): one row per rater × case with the rater's status, the verdict in force,
 * the reviewers' marks and (for reviewers) the summed time on task, computed by ONE SQL query over
 * the whole project, not a query per case or per rater.
 *
 * Which rows: reviewers and admins see every annotator's assigned cases plus any rater × case that
 * has a version (a reviewer who annotated, a model's saved results); an annotator sees only their
 * own assigned cases, and only flags on their own versions, so nothing of another rater reaches
 * them (blinding). Their rows carry no time on task (reviewers' information).
 *
 * The revision rule: the newest verdict (flag 'accepted' or 'needs-revision', by flag seq) on the
 * rater's versions of the case is in force. A 'needs-revision' verdict stays open until the rater
 * submits a version newer than the one sent back; 'approved' holds only for the newest submitted
 * version.
 */
import path from 'node:path';
import { raterCaseStatus } from '../../../src-shared/project/annotationStatus';
import { seesAllRaters } from '../../../src-shared/project/blinding';
import {
  MARK_KINDS,
  matchesFilter,
  worklistProgress,
  worklistStatus,
  type Worklist,
  type WorklistFilter,
  type WorklistRow,
} from '../../../src-shared/project/reviewSession';
import type { FlagKind, RaterKind, Session, VersionStatus } from '../../../src-shared/project/types';
import type { StoreContext } from './context';
import { int, numOrNull, text, textOrNull, type Row } from './sqlite';

const MARKS_SQL = MARK_KINDS.map((k) => `'${k}'`).join(', ');

const WORKLIST_SQL = `
WITH pairs AS (
  SELECT a.case_id, a.rater_id FROM assignments a JOIN raters r ON r.rater_id = a.rater_id
   WHERE CASE WHEN :all = 1 THEN r.role = 'annotator' ELSE a.rater_id = :me END AND (CAST(:case AS TEXT) IS NULL OR a.case_id = :case)
  UNION
  SELECT DISTINCT v.case_id, v.rater_id FROM annotation_versions v WHERE :all = 1 AND (CAST(:case AS TEXT) IS NULL OR v.case_id = :case)
),
newest AS (SELECT case_id, rater_id, MAX(seq) AS seq FROM annotation_versions GROUP BY case_id, rater_id),
submitted AS (SELECT case_id, rater_id, MAX(seq) AS seq FROM annotation_versions WHERE status = 'submitted' GROUP BY case_id, rater_id),
verdicts AS (
  SELECT v.case_id, v.rater_id, f.kind, f.note, f.created_at, f.version_id, v.seq AS version_seq,
         ROW_NUMBER() OVER (PARTITION BY v.case_id, v.rater_id ORDER BY f.seq DESC) AS newest_first
    FROM review_flags f JOIN annotation_versions v ON v.version_id = f.version_id
   WHERE f.kind IN ('accepted', 'needs-revision')
),
last_verdict AS (SELECT * FROM verdicts WHERE newest_first = 1),
marks AS (
  SELECT v.case_id, v.rater_id, group_concat(DISTINCT f.kind) AS kinds
    FROM review_flags f JOIN annotation_versions v ON v.version_id = f.version_id
   WHERE f.kind IN (${MARKS_SQL}) GROUP BY v.case_id, v.rater_id
),
case_marks AS (
  SELECT case_id, group_concat(DISTINCT kind) AS kinds FROM review_flags
   WHERE version_id IS NULL AND kind IN (${MARKS_SQL}) AND :all = 1 GROUP BY case_id
),
work AS (
  SELECT case_id, rater_id, SUM(active_ms) AS ms, COUNT(*) AS n FROM work_sessions
   WHERE mode = 'annotate' AND :all = 1 GROUP BY case_id, rater_id
)
SELECT p.case_id, c.name AS case_name, s0.path AS case_path, p.rater_id, r.name AS rater_name, r.kind AS rater_kind,
       nv.version_id, nv.status, nv.no_lesion, nv.created_at AS updated_at,
       sv.version_id AS submitted_version_id, sv.seq AS submitted_seq,
       lv.kind AS verdict_kind, lv.version_id AS verdict_version_id, lv.version_seq AS verdict_version_seq,
       lv.note AS verdict_note, lv.created_at AS verdict_at,
       mk.kinds AS marks, cm.kinds AS case_marks, w.ms AS active_ms, w.n AS work_sessions
  FROM pairs p
  JOIN cases c ON c.case_id = p.case_id
  JOIN raters r ON r.rater_id = p.rater_id
  LEFT JOIN series s0 ON s0.case_id = p.case_id AND s0.ordinal = 0
  LEFT JOIN newest n ON n.case_id = p.case_id AND n.rater_id = p.rater_id
  LEFT JOIN annotation_versions nv ON nv.seq = n.seq
  LEFT JOIN submitted sm ON sm.case_id = p.case_id AND sm.rater_id = p.rater_id
  LEFT JOIN annotation_versions sv ON sv.seq = sm.seq
  LEFT JOIN last_verdict lv ON lv.case_id = p.case_id AND lv.rater_id = p.rater_id
  LEFT JOIN marks mk ON mk.case_id = p.case_id AND mk.rater_id = p.rater_id
  LEFT JOIN case_marks cm ON cm.case_id = p.case_id
  LEFT JOIN work w ON w.case_id = p.case_id AND w.rater_id = p.rater_id
 ORDER BY c.name, r.name COLLATE NOCASE, p.rater_id`;

function markList(...csv: Array<string | null>): FlagKind[] {
  const present = new Set(csv.flatMap((s) => (s ? s.split(',') : [])));
  return MARK_KINDS.filter((k) => present.has(k));
}

function casePathOf(projectDir: string, stored: string | null): string {
  return stored === null ? '' : path.resolve(projectDir, stored);
}

function toRow(r: Row, withTime: boolean, projectDir: string): WorklistRow {
  const versionId = textOrNull(r, 'version_id');
  const base = raterCaseStatus(
    versionId === null ? null : { status: text(r, 'status') as VersionStatus, noLesion: int(r, 'no_lesion') === 1 },
  );
  const verdict = textOrNull(r, 'verdict_kind');
  const submittedSeq = numOrNull(r, 'submitted_seq');
  const verdictVersionSeq = numOrNull(r, 'verdict_version_seq');
  // Open until a submission newer than the version that was sent back.
  const revisionOpen =
    verdict === 'needs-revision' && verdictVersionSeq !== null && (submittedSeq === null || submittedSeq <= verdictVersionSeq);
  const submittedVersionId = textOrNull(r, 'submitted_version_id');
  return {
    caseId: text(r, 'case_id'),
    caseName: text(r, 'case_name'),
    // Stored relative when inside the project (an archive case's copy in archive/): the viewer opens absolute paths only.
    casePath: casePathOf(projectDir, textOrNull(r, 'case_path')),
    raterId: text(r, 'rater_id'),
    raterName: text(r, 'rater_name'),
    raterKind: text(r, 'rater_kind') as RaterKind,
    status: worklistStatus(base, revisionOpen),
    versionId,
    submittedVersionId,
    updatedAt: textOrNull(r, 'updated_at'),
    approved: verdict === 'accepted' && submittedVersionId !== null && textOrNull(r, 'verdict_version_id') === submittedVersionId,
    revision: revisionOpen
      ? { versionId: text(r, 'verdict_version_id'), comment: text(r, 'verdict_note'), requestedAt: text(r, 'verdict_at') }
      : null,
    marks: markList(textOrNull(r, 'marks'), textOrNull(r, 'case_marks')),
    activeMs: withTime ? (numOrNull(r, 'active_ms') ?? 0) : null,
    workSessions: withTime ? (numOrNull(r, 'work_sessions') ?? 0) : null,
  };
}

/**
 * The session's worklist: rows passing `filter`, and progress over every visible row — except with
 * a case filter, which the query itself applies (the viewer asks for the open case's rows on every
 * case switch), so progress and raters are then that case's.
 */
export async function worklist(ctx: StoreContext, viewer: Session, filter: WorklistFilter = {}): Promise<Worklist> {
  const all = seesAllRaters(viewer.role);
  const rows = (await ctx.db.all(WORKLIST_SQL, { ':all': all ? 1 : 0, ':me': viewer.raterId, ':case': filter.caseId ?? null })).map((r) =>
    toRow(r, all, ctx.dir),
  );
  // Annotators: their own rows only, whatever rater they ask for (the query already returns nothing else).
  const effective: WorklistFilter = all ? filter : { ...filter, raterId: viewer.raterId };
  const cases = (
    all
      ? await ctx.db.all(
          'SELECT c.case_id, c.name, s.path FROM cases c LEFT JOIN series s ON s.case_id = c.case_id AND s.ordinal = 0 ORDER BY c.name',
        )
      : await ctx.db.all(
          'SELECT c.case_id, c.name, s.path FROM cases c JOIN assignments a ON a.case_id = c.case_id AND a.rater_id = ? LEFT JOIN series s ON s.case_id = c.case_id AND s.ordinal = 0 ORDER BY c.name',
          [viewer.raterId],
        )
  ).map((r) => ({ caseId: text(r, 'case_id'), name: text(r, 'name'), path: textOrNull(r, 'path') ?? '' }));
  const raters = [...new Map(rows.map((r) => [r.raterId, r.raterName])).entries()]
    .map(([raterId, name]) => ({ raterId, name }))
    .sort((a, b) => a.name.localeCompare(b.name));
  return { cases, raters, rows: rows.filter((r) => matchesFilter(r, effective)), progress: worklistProgress(rows) };
}
