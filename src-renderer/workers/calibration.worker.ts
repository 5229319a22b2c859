/**
 * The calibration Web Worker (issue 17): builds the fit input from the reviewed cases and runs the
 * cross-validated fit (src-shared/calibration) off the UI thread, posting progress after each fit.
 */
import { fitReviewedCases } from '../../src-shared/calibration';
import type { CalibrationWorkerEvent, CalibrationWorkerTask } from '../../src-shared/calibration/workerProtocol';

interface WorkerScope {
  postMessage(message: CalibrationWorkerEvent): void;
  addEventListener(type: 'message', listener: (e: MessageEvent<CalibrationWorkerTask>) => void): void;
}
const scope = self as unknown as WorkerScope;

scope.addEventListener('message', (e) => {
  const { requestId } = e.data;
  try {
    const report = fitReviewedCases(e.data, (done, total) => scope.postMessage({ type: 'progress', requestId, done, total }));
    scope.postMessage({ type: 'done', requestId, report });
  } catch (err) {
    scope.postMessage({ type: 'error', requestId, message: err instanceof Error ? err.message : String(err) });
  }
});
