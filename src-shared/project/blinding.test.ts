import { describe, expect, it } from 'vitest';
import { raterCaseStatus } from './annotationStatus';
import { mayExport, mayFlag, mayManageProject, mayReadAuthorIdentity, mayReadRaterWork, needsAssignmentToAnnotate } from './blinding';
import type { Session } from './types';

const ann: Session = { raterId: 'rater_a', role: 'annotator' };
const rev: Session = { raterId: 'rater_r', role: 'reviewer' };
const adm: Session = { raterId: 'rater_x', role: 'admin' };

describe('blinding rules', () => {
  it('lets an annotator read only their own work; reviewers and admins read all', () => {
    expect([mayReadRaterWork(ann, 'rater_a'), mayReadRaterWork(ann, 'rater_b')]).toEqual([true, false]);
    expect([mayReadRaterWork(rev, 'rater_b'), mayReadRaterWork(adm, 'rater_b')]).toEqual([true, true]);
    expect([mayReadAuthorIdentity(ann, 'rater_r'), mayReadAuthorIdentity(ann, 'rater_a'), mayReadAuthorIdentity(rev, 'rater_x')]).toEqual([
      false,
      true,
      true,
    ]);
  });

  it('grants management to admins, export and flags to reviewers and admins', () => {
    expect(
      [ann, rev, adm].map((s) => [mayManageProject(s.role), mayExport(s.role), mayFlag(s.role), needsAssignmentToAnnotate(s.role)]),
    ).toEqual([
      [false, false, false, true],
      [false, true, true, false],
      [true, true, true, false],
    ]);
  });
});

describe('raterCaseStatus', () => {
  it('distinguishes not started, draft, submitted and no lesion', () => {
    expect(raterCaseStatus(null)).toBe('not-started');
    expect(raterCaseStatus({ status: 'draft', noLesion: false })).toBe('draft');
    expect(raterCaseStatus({ status: 'submitted', noLesion: false })).toBe('submitted');
    expect(raterCaseStatus({ status: 'submitted', noLesion: true })).toBe('no-lesion');
  });
});
