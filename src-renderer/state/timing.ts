/**
 * User Timing marks for "open a file → first rendered image", the number `npm run bench` reports.
 * A harness (or DevTools) reads `performance.getEntriesByName('quorum:open-to-first-image')`; each
 * measure's `detail` names the case.
 */

const OPEN_MARK = 'quorum:case-open';

export function markCaseOpenStart(path: string): void {
  performance.clearMarks(OPEN_MARK);
  performance.mark(OPEN_MARK, { detail: { path } });
}

/** Called once the first volume of a freshly opened case has been rendered. */
export function markFirstImage(caseId: string, path: string): void {
  if (performance.getEntriesByName(OPEN_MARK, 'mark').length === 0) return;
  performance.measure('quorum:open-to-first-image', { start: OPEN_MARK, detail: { caseId, path } });
  performance.clearMarks(OPEN_MARK);
}
