/**
 * The native inference worker thread: one onnxruntime-node CPU session per ensemble member and the
 * same pipeline the browser's worker runs (src-shared/inference/pipeline.ts), on the channels the
 * main thread sends. Progress goes back after every model run; the result's arrays are transferred.
 *
 * onnxruntime-node is imported here, dynamically, so a missing or broken native add-on becomes an
 * error message (the caller falls back to WASM) rather than a crash of the server.
 *
 * Plain Node (worker_threads).
 */
import { parentPort } from 'node:worker_threads';
import { InferenceCancelledError, ortRunner, runSegmentation, type OrtSessionLike } from '../../../src-shared/inference';
import type { NativeWorkerEvent, NativeWorkerRun } from './workerMessages';

const port = parentPort;
if (!port) throw new Error('nativeInferenceWorker.ts runs as a worker thread only');

function post(event: NativeWorkerEvent, transfer: ArrayBuffer[] = []): void {
  port?.postMessage(event, transfer);
}

async function loadOrt(): Promise<typeof import('onnxruntime-node')> {
  try {
    return await import('onnxruntime-node');
  } catch (e) {
    throw new Error(`onnxruntime-node could not be loaded (${e instanceof Error ? e.message.split('\n')[0] : String(e)})`);
  }
}

async function run(req: NativeWorkerRun): Promise<void> {
  const ort = await loadOrt();
  const flag = new Int32Array(req.cancelFlag);
  const signal = {
    get aborted() {
      return Atomics.load(flag, 0) !== 0;
    },
  };
  let sessionRunMs = 0;
  const sessions: Awaited<ReturnType<typeof ort.InferenceSession.create>>[] = [];
  try {
    for (const m of req.members) {
      sessions.push(
        await ort.InferenceSession.create(m.bytes, {
          executionProviders: ['cpu'],
          graphOptimizationLevel: 'all',
          intraOpNumThreads: req.threads,
          interOpNumThreads: 1,
          executionMode: 'sequential',
        }),
      );
    }
    // session.run alone is timed, so the caller can set the pipeline against the pure model time.
    const timed = (s: OrtSessionLike): OrtSessionLike => ({
      inputNames: s.inputNames,
      outputNames: s.outputNames,
      run: async (feeds) => {
        const t0 = performance.now();
        const out = await s.run(feeds);
        sessionRunMs += performance.now() - t0;
        return out;
      },
    });
    const runners = sessions.map((s, i) =>
      ortRunner(timed(s), (data, dims) => new ort.Tensor('float32', data, dims), req.members[i].inputName, req.members[i].outputName),
    );
    const result = await runSegmentation({
      manifest: req.manifest,
      runners,
      dims: req.dims,
      spacingMm: req.spacingMm,
      direction: req.direction,
      sources: req.sources,
      signal,
      now: () => performance.now(),
      ...(req.ttaFlipAxes ? { ttaFlipAxes: req.ttaFlipAxes } : {}),
      onProgress: (progress) => post({ type: 'progress', progress }),
    });
    const { probabilities, mask, entropy, mutualInformation, variance } = result;
    const arrays = [...probabilities, mask, entropy, ...(mutualInformation ? [mutualInformation] : []), ...(variance ?? [])];
    const buffers = [...new Set(arrays.map((a) => a.buffer as ArrayBuffer))];
    post({ type: 'result', result, sessionRunMs }, buffers);
  } finally {
    await Promise.all(sessions.map((s) => s.release().catch(() => undefined)));
  }
}

port.once('message', (req: NativeWorkerRun) => {
  run(req).catch((e: unknown) => {
    const cancelled = e instanceof InferenceCancelledError;
    post({ type: 'error', message: cancelled ? 'Cancelled.' : e instanceof Error ? e.message : String(e), cancelled });
  });
});
