/**
 * The per-(rater, case) status rule, as a pure function of the rater's newest version, so the
 * store, the API and the renderer's case list agree on it. "No lesion" is an explicit submitted
 * answer and so differs from both an empty draft and "not started".
 */
import type { AnnotationVersion, RaterCaseStatus } from './types';

export function raterCaseStatus(newest: Pick<AnnotationVersion, 'status' | 'noLesion'> | null): RaterCaseStatus {
  if (!newest) return 'not-started';
  if (newest.status === 'draft') return 'draft';
  return newest.noLesion ? 'no-lesion' : 'submitted';
}
