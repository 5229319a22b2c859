/**
 * Native CPU inference jobs (issue 16): each run gets its own worker thread (nativeInferenceWorker.ts)
 * running onnxruntime-node and the shared pipeline, so the thread answering requests never runs a
 * model or a sliding window. The job table keeps what the polling caller needs: the last progress,
 * then the result's summary and its arrays as bytes until they are fetched or freed.
 *
 * A job belongs to the session that started it (status and cancel from another session are
 * not-found); its arrays are served by id like case volumes (the id is random, 128 bits). A session
 * has at most one job: starting another cancels or frees the previous one. A finished job's arrays
 * are freed by cancel (the caller's "done with it") or after `keepResultMs`.
 *
 * Cancel raises a shared flag the pipeline reads before every patch; a worker that has not stopped
 * within `cancelGraceMs` (one long session.run) is terminated.
 *
 * Plain Node; no Electron.
 */
import { randomBytes } from 'node:crypto';
import type { Worker } from 'node:worker_threads';
import type { NativeJobStatus } from '../../../src-shared/api/nativeInferenceChannels';
import type { Result } from '../../../src-shared/api/contract';
import { inferenceProvenance, type ChannelSources, type LoadedModel } from '../../../src-shared/inference';
import type { Geometry } from '../../../src-shared/volume/types';
import { fail, ok } from '../apiResult';
import { startWorker, type NativeWorkerEntry } from './startWorker';
import type { NativeWorkerEvent, NativeWorkerRun } from './workerMessages';

/** `direction` is the case's orientation: a MONAI-order model reorients to RAS by it. */
interface NativeRunInput extends Pick<Geometry, 'dims' | 'spacingMm' | 'direction'> {
  readonly model: LoadedModel;
  readonly sources: ChannelSources;
  readonly ttaFlipAxes?: readonly number[];
}

interface NativeInferenceOptions {
  readonly worker: NativeWorkerEntry;
  /** onnxruntime-node intra-op threads. */
  readonly threads: number;
  readonly cancelGraceMs?: number;
  readonly keepResultMs?: number;
}

export interface NativeInference {
  start(owner: string, input: NativeRunInput): Result<{ jobId: string; threads: number }>;
  status(owner: string, jobId: string): Result<NativeJobStatus>;
  /** Stops a running job, or frees a finished one's arrays. */
  cancel(owner: string, jobId: string): Result<Record<string, never>>;
  /** Array `index` of a finished job, for `api/inference/<jobId>/<index>`. */
  readArray(jobId: string, index: number): Result<Uint8Array>;
  /** Stops every worker (the server is closing). */
  close(): Promise<void>;
}

interface Job {
  readonly id: string;
  readonly owner: string;
  status: NativeJobStatus;
  worker: Worker | null;
  readonly cancelFlag: Int32Array;
  arrays: Uint8Array[];
  timer: ReturnType<typeof setTimeout> | null;
}

const bytesOf = (a: Float32Array | Uint8Array): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

export function createNativeInference(options: NativeInferenceOptions): NativeInference {
  const cancelGraceMs = options.cancelGraceMs ?? 3000;
  const keepResultMs = options.keepResultMs ?? 120_000;
  const jobs = new Map<string, Job>();

  function forget(job: Job): void {
    if (job.timer) clearTimeout(job.timer);
    jobs.delete(job.id);
  }

  function finish(job: Job, status: NativeJobStatus): void {
    if (job.status.state !== 'running') return;
    job.status = status;
    const w = job.worker;
    job.worker = null;
    void w?.terminate();
    // Kept for the caller to fetch, then forgotten even if it never comes back for them.
    job.timer = setTimeout(() => forget(job), keepResultMs);
    job.timer.unref();
  }

  function onEvent(job: Job, input: NativeRunInput, startedAt: string, e: NativeWorkerEvent): void {
    if (e.type === 'progress') {
      if (job.status.state === 'running') job.status = { state: 'running', progress: e.progress };
      return;
    }
    if (e.type === 'error') {
      finish(job, e.cancelled ? { state: 'cancelled' } : { state: 'failed', message: e.message });
      return;
    }
    const r = e.result;
    const list = [...r.probabilities, r.mask, r.entropy, ...(r.mutualInformation ? [r.mutualInformation] : []), ...(r.variance ?? [])];
    job.arrays = list.map(bytesOf);
    const url = (i: number) => `api/inference/${job.id}/${i}`;
    const n = r.probabilities.length;
    const mi = r.mutualInformation ? n + 2 : null;
    const varianceStart = n + 2 + (mi === null ? 0 : 1);
    finish(job, {
      state: 'done',
      arrays: {
        probabilities: r.probabilities.map((_, i) => url(i)),
        mask: url(n),
        entropy: url(n + 1),
        mutualInformation: mi === null ? null : url(mi),
        variance: r.variance ? r.variance.map((_, i) => url(varianceStart + i)) : null,
      },
      samples: r.samples,
      volumes: r.volumes,
      grid: { ...r.grid, targetDims: [...r.grid.targetDims] },
      timings: r.timings,
      sessionRunMs: e.sessionRunMs,
      provenance: inferenceProvenance(input.model.manifest, r, {
        executionProvider: 'cpu-native',
        fallbackReason: null,
        ...(input.ttaFlipAxes ? { ttaFlipAxes: input.ttaFlipAxes } : {}),
        startedAt,
      }),
    });
  }

  function ownJob(owner: string, jobId: string): Result<Job> {
    const job = jobs.get(jobId);
    // Another session's job answers like a missing one: its owner's work is not for others to see.
    return job && job.owner === owner
      ? ok(job)
      : fail('not-found', `No inference job ${jobId} of yours (finished results are kept ${keepResultMs / 1000} s).`);
  }

  function cancelJob(job: Job): void {
    if (job.status.state !== 'running') {
      forget(job);
      return;
    }
    Atomics.store(job.cancelFlag, 0, 1);
    const grace = setTimeout(() => finish(job, { state: 'cancelled' }), cancelGraceMs);
    grace.unref();
  }

  return {
    start(owner, input) {
      for (const old of jobs.values()) if (old.owner === owner) cancelJob(old);
      const id = randomBytes(16).toString('hex');
      const cancelFlag = new Int32Array(new SharedArrayBuffer(4));
      const job: Job = { id, owner, status: { state: 'running', progress: null }, worker: null, cancelFlag, arrays: [], timer: null };
      jobs.set(id, job);
      const startedAt = new Date().toISOString();
      const worker = startWorker(options.worker);
      job.worker = worker;
      worker.on('message', (e: NativeWorkerEvent) => onEvent(job, input, startedAt, e));
      worker.on('error', (e) => finish(job, { state: 'failed', message: `The native inference worker failed: ${e.message}` }));
      worker.on('exit', (code) => finish(job, { state: 'failed', message: `The native inference worker stopped (exit code ${code}).` }));
      const { model } = input;
      const run: NativeWorkerRun = {
        type: 'run',
        manifest: model.manifest,
        members: model.members.map((m) => ({ bytes: m.bytes, inputName: m.inputName, outputName: m.outputName })),
        dims: input.dims,
        spacingMm: input.spacingMm,
        direction: input.direction,
        sources: input.sources,
        ...(input.ttaFlipAxes ? { ttaFlipAxes: input.ttaFlipAxes } : {}),
        threads: options.threads,
        cancelFlag: cancelFlag.buffer as SharedArrayBuffer,
      };
      // Cloned, not transferred: the case's volumes stay in the server's cache for the viewer.
      worker.postMessage(run);
      return ok({ jobId: id, threads: options.threads });
    },

    status(owner, jobId) {
      const job = ownJob(owner, jobId);
      return job.ok ? ok(job.value.status) : job;
    },

    cancel(owner, jobId) {
      const job = ownJob(owner, jobId);
      if (!job.ok) return job;
      cancelJob(job.value);
      return ok({});
    },

    readArray(jobId, index) {
      const bytes = jobs.get(jobId)?.arrays[index];
      return bytes
        ? ok(bytes)
        : fail('not-found', `No result array ${index} of inference job ${jobId} (finished results are kept ${keepResultMs / 1000} s).`);
    },

    async close() {
      const running = [...jobs.values()].flatMap((j) => (j.worker ? [j.worker] : []));
      for (const j of jobs.values()) forget(j);
      await Promise.all(running.map((w) => w.terminate()));
    },
  };
}
