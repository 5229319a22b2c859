/**
 * User Timing marks for "open a file → first rendered image", the number `npm run bench` reports.
 * A harness (or DevTools) reads `performance.getEntriesByName('quorum:open-to-first-image')`; each
 * measure's `detail` names the case.
 *
 * The stages inside that interval (API round trip, voxel fetch, Cornerstone volume creation, the
 * first render of each viewport…) are measures named `quorum:<stage>`, so the benchmark can say
 * where the time goes. They cost one performance.measure call per stage per open.
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

/** Records stage `quorum:<stage>` from `start` (a performance.now() value) to now. */
export function measureStage(stage: string, start: number): void {
  performance.measure(`quorum:${stage}`, { start, end: performance.now() });
}

/** Runs `fn` and records its duration as stage `quorum:<stage>`. */
export function timeStage<T>(stage: string, fn: () => T): T {
  const start = performance.now();
  try {
    return fn();
  } finally {
    measureStage(stage, start);
  }
}

/** Awaits `fn` and records the time until it settles as stage `quorum:<stage>`. */
export async function timeStageAsync<T>(stage: string, fn: () => Promise<T>): Promise<T> {
  const start = performance.now();
  try {
    return await fn();
  } finally {
    measureStage(stage, start);
  }
}
