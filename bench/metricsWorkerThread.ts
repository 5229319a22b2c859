/**
 * The metrics worker's core on a Node worker thread, wired as src-renderer/workers/metrics.worker.ts
 * wires it to a Web Worker's `self`: the edit-recompute bench (editRecompute.bench.ts) talks to it
 * with the panel's own messages and transfer lists.
 */
import { parentPort } from 'node:worker_threads';
import { createMetricsWorkerCore } from '../src-shared/evaluation/metricsWorkerCore';
import type { MetricsWorkerRequest } from '../src-shared/evaluation/workerProtocol';

const core = createMetricsWorkerCore();
parentPort?.on('message', (req: MetricsWorkerRequest) => parentPort?.postMessage(core.handle(req)));
