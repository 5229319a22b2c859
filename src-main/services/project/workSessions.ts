/**
 * Time on task (issue 6): append-only segments of active time a signed-in rater spent on a case.
 * The renderer measures a segment with src-shared/project/activeTime.ts (idle pause, window hidden)
 * and reports it when it stops (case switch, submit, hidden, sign-out, checkpoint); the store
 * checks it is plausible and keeps it. Sums per rater × case are computed when read (worklist.ts,
 * the CSV export here), never stored, so nothing is ever updated.
 *
 * A rater records only their own time, on a case they may open. Reviewers' time in review mode is
 * kept apart (mode 'review') from annotation time.
 */
import { randomBytes } from 'node:crypto';
import { mayExport, seesAllRaters } from '../../../src-shared/project/blinding';
import type { Session } from '../../../src-shared/project/types';
import { appendAudit } from './audit';
import { getCase } from './cases';
import { nowIso, type StoreContext } from './context';
import { toCsv } from './csv';
import { fail } from './errors';
import { int, text } from './sqlite';

export type WorkMode = 'annotate' | 'review';
export const WORK_END_REASONS = ['switch', 'submit', 'hidden', 'sign-out', 'checkpoint', 'close'] as const;
export type WorkEndReason = (typeof WORK_END_REASONS)[number];

/** A segment may not be longer than this: a longer one is a clock or client fault, not work. */
export const MAX_SEGMENT_MS = 24 * 3600_000;
/** How far a client's clock may run ahead of ours. */
const CLOCK_SKEW_MS = 5 * 60_000;
/** Rounding between the client's active time and its own timestamps. */
const SLACK_MS = 1_000;

export interface WorkSessionInput {
  caseId: string;
  mode: WorkMode;
  startedAt: string;
  endedAt: string;
  activeMs: number;
  endReason: WorkEndReason;
}

export interface WorkSessionRecorded {
  sessionId: string;
  /** The rater's summed active time on this case in this mode, this segment included. */
  totalActiveMs: number;
}

function parseTime(label: string, iso: string): number {
  const t = typeof iso === 'string' ? Date.parse(iso) : NaN;
  if (!Number.isFinite(t)) fail('bad-request', `${label} must be an ISO date-time, got "${String(iso)}"`);
  return t;
}

export async function recordWorkSession(
  ctx: StoreContext,
  viewer: Session,
  input: WorkSessionInput,
  now: () => number = Date.now,
): Promise<WorkSessionRecorded> {
  if (input.mode !== 'annotate' && input.mode !== 'review')
    fail('bad-request', `mode must be "annotate" or "review", not "${String(input.mode)}"`);
  if (input.mode === 'review' && !seesAllRaters(viewer.role)) fail('forbidden', 'only reviewers and admins record review time');
  if (!WORK_END_REASONS.includes(input.endReason)) fail('bad-request', `end reason must be one of ${WORK_END_REASONS.join(', ')}`);
  await getCase(ctx, viewer, input.caseId); // not-found for a case this rater may not open
  const start = parseTime('startedAt', input.startedAt);
  const end = parseTime('endedAt', input.endedAt);
  if (end < start) fail('bad-request', `the segment ends (${input.endedAt}) before it starts (${input.startedAt})`);
  if (end - start > MAX_SEGMENT_MS)
    fail('bad-request', `a timed segment cannot be longer than 24 h (got ${Math.round((end - start) / 3600_000)} h)`);
  if (end > now() + CLOCK_SKEW_MS) fail('bad-request', `the segment ends in the future (${input.endedAt}): check the computer's clock`);
  if (!Number.isInteger(input.activeMs) || input.activeMs < 0)
    fail('bad-request', `active time must be a whole number of ms ≥ 0, got ${String(input.activeMs)}`);
  if (input.activeMs > end - start + SLACK_MS)
    fail('bad-request', `active time ${input.activeMs} ms is longer than the segment itself (${end - start} ms)`);
  // Same shape as context.ts's ids (prefix + 64 random bits).
  const sessionId = `work_${randomBytes(8).toString('hex')}`;
  await ctx.db.transaction(async () => {
    await ctx.db.run(
      'INSERT INTO work_sessions (session_id, rater_id, case_id, mode, started_at, ended_at, active_ms, end_reason, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      [
        sessionId,
        viewer.raterId,
        input.caseId,
        input.mode,
        new Date(start).toISOString(),
        new Date(end).toISOString(),
        input.activeMs,
        input.endReason,
        nowIso(),
      ],
    );
    await appendAudit(ctx, {
      actorRaterId: viewer.raterId,
      action: 'work.session',
      caseId: input.caseId,
      subjectId: sessionId,
      detail: { mode: input.mode, activeMs: input.activeMs, endReason: input.endReason },
    });
  });
  const sum = await ctx.db.get(
    'SELECT COALESCE(SUM(active_ms), 0) AS ms FROM work_sessions WHERE rater_id = ? AND case_id = ? AND mode = ?',
    [viewer.raterId, input.caseId, input.mode],
  );
  return { sessionId, totalActiveMs: sum ? int(sum, 'ms') : input.activeMs };
}

export const TIME_ON_TASK_CSV_HEADER = [
  'case_id',
  'case_name',
  'rater_id',
  'rater_name',
  'mode',
  'active_ms',
  'active_minutes',
  'segments',
  'first_started_at',
  'last_ended_at',
] as const;

/** Time on task summed per rater × case × mode, for reviewers and admins (the project export). */
export async function timeOnTaskCsv(ctx: StoreContext, viewer: Session): Promise<{ csv: string; rows: number }> {
  if (!mayExport(viewer.role)) fail('forbidden', 'time on task covers every rater: reviewers and admins only');
  const rows = await ctx.db.all(
    `SELECT w.case_id, c.name AS case_name, w.rater_id, r.name AS rater_name, w.mode, SUM(w.active_ms) AS ms, COUNT(*) AS n,
            MIN(w.started_at) AS first_started, MAX(w.ended_at) AS last_ended
       FROM work_sessions w JOIN cases c ON c.case_id = w.case_id JOIN raters r ON r.rater_id = w.rater_id
      GROUP BY w.case_id, w.rater_id, w.mode ORDER BY c.name, r.name COLLATE NOCASE, w.mode`,
  );
  const csv = toCsv(
    TIME_ON_TASK_CSV_HEADER,
    rows.map((r) => [
      text(r, 'case_id'),
      text(r, 'case_name'),
      text(r, 'rater_id'),
      text(r, 'rater_name'),
      text(r, 'mode'),
      int(r, 'ms'),
      (int(r, 'ms') / 60_000).toFixed(2),
      int(r, 'n'),
      text(r, 'first_started'),
      text(r, 'last_ended'),
    ]),
  );
  return { csv, rows: rows.length };
}
