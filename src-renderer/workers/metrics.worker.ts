/**
 * The metrics Web Worker (issue 7): runs evaluateCase (src-shared/evaluation) off the UI thread for
 * the per-case panel and, one per pool slot, for the dataset dashboard. Messages and their
 * semantics: src-shared/evaluation/workerProtocol.ts; state and handling: metricsWorkerCore.ts.
 * Replies carry only plain data (numbers, strings, arrays), so nothing needs transferring back.
 */
import { createMetricsWorkerCore } from '../../src-shared/evaluation/metricsWorkerCore';
import type { MetricsWorkerReply, MetricsWorkerRequest } from '../../src-shared/evaluation/workerProtocol';

interface WorkerScope {
  postMessage(message: MetricsWorkerReply): void;
  addEventListener(type: 'message', listener: (e: MessageEvent<MetricsWorkerRequest>) => void): void;
}
const scope = self as unknown as WorkerScope;
const core = createMetricsWorkerCore();

scope.addEventListener('message', (e) => scope.postMessage(core.handle(e.data)));
