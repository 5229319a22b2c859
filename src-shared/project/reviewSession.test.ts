import { describe, expect, it } from 'vitest';
import {
  matchesFilter,
  nextCaseRow,
  nextReviewRow,
  rowFlags,
  worklistProgress,
  type WorklistRow,
  type WorklistStatus,
} from './reviewSession';

function row(caseName: string, raterId: string, status: WorklistStatus, extra: Partial<WorklistRow> = {}): WorklistRow {
  return {
    caseId: `case_${caseName}`,
    caseName,
    casePath: `/data/${caseName}.nii.gz`,
    raterId,
    raterName: raterId,
    raterKind: 'human',
    status,
    versionId: status === 'not-started' ? null : `ver_${caseName}_${raterId}`,
    submittedVersionId: status === 'submitted' || status === 'no-lesion' ? `ver_${caseName}_${raterId}` : null,
    updatedAt: null,
    approved: false,
    revision: null,
    marks: [],
    activeMs: null,
    workSessions: null,
    ...extra,
  };
}

describe('worklist rules', () => {
  it('counts progress per status; handed in = submitted + no lesion', () => {
    const rows = [
      row('a', 'r1', 'submitted', { approved: true }),
      row('a', 'r2', 'no-lesion'),
      row('b', 'r1', 'draft'),
      row('b', 'r2', 'revision-requested'),
      row('c', 'r1', 'not-started'),
    ];
    expect(worklistProgress(rows)).toEqual({
      total: 5,
      byStatus: { 'not-started': 1, draft: 1, 'revision-requested': 1, submitted: 1, 'no-lesion': 1 },
      done: 2,
      approved: 1,
    });
    expect(worklistProgress([])).toMatchObject({ total: 0, done: 0 });
  });

  it('flags: the verdict in force and the marks', () => {
    const r = row('a', 'r1', 'revision-requested', {
      revision: { versionId: 'v', comment: 'c', requestedAt: 't' },
      marks: ['difficult', 'image-problem'],
    });
    expect(rowFlags(r)).toEqual(['revision-requested', 'difficult', 'image-problem']);
    expect(matchesFilter(r, { flag: 'difficult', status: 'revision-requested', raterId: 'r1' })).toBe(true);
    expect(matchesFilter(r, { flag: 'approved' })).toBe(false);
    expect(matchesFilter(r, { raterId: 'r2' })).toBe(false);
  });

  it("a rater's next case skips handed-in work and the current case, and wraps around", () => {
    const rows = [
      row('a', 'me', 'submitted'),
      row('b', 'me', 'draft'),
      row('c', 'me', 'no-lesion'),
      row('d', 'me', 'not-started'),
      row('b', 'other', 'not-started'),
    ];
    expect(nextCaseRow(rows, 'me', 'case_b')?.caseName).toBe('d');
    expect(nextCaseRow(rows, 'me', 'case_d')?.caseName).toBe('b');
    expect(nextCaseRow(rows, 'me', null)?.caseName).toBe('b');
    // Only the current case is left: stay on it; nothing left at all: null.
    expect(nextCaseRow([row('a', 'me', 'draft')], 'me', 'case_a')?.caseName).toBe('a');
    expect(nextCaseRow([row('a', 'me', 'submitted')], 'me', null)).toBeNull();
    // Another rater's rows never count.
    expect(nextCaseRow([row('a', 'other', 'draft')], 'me', null)).toBeNull();
  });

  it("a reviewer's next case is the next with work awaiting review (not approved, not sent back)", () => {
    const rows = [
      row('a', 'r1', 'submitted', { approved: true }),
      row('b', 'r1', 'draft'),
      row('b', 'r2', 'revision-requested'),
      row('c', 'r1', 'no-lesion'),
      row('d', 'r2', 'submitted'),
    ];
    expect(nextReviewRow(rows, null)?.caseName).toBe('c');
    expect(nextReviewRow(rows, 'case_c')?.caseName).toBe('d');
    expect(nextReviewRow(rows, 'case_d')?.caseName).toBe('c');
    expect(nextReviewRow([rows[0], rows[1]], null)).toBeNull();
  });
});
