/**
 * A pool of metrics workers for the dataset dashboard: N workers (created lazily, reused across
 * runs), a queue of jobs, results streamed back one by one as they finish, progress after every
 * job, and cancellation through an AbortSignal.
 *
 * A job's input is built only when a worker is free to take it (`prepare`), so at most N cases'
 * arrays are alive at once whatever the cohort size, and its buffers are transferred, never copied.
 * Cancelling terminates the workers that are busy (a computation cannot be interrupted from
 * outside) and drops the queue; idle workers stay for the next run.
 *
 * Each slot is one worker client (taskWorker.ts), which transfers the buffers, ends a job whose
 * worker crashed with a failed reply and stops a busy worker on cancel. The pool knows nothing of the
 * worker's protocol beyond `readReply`, so it serves any request/reply worker keyed by job id; no DOM
 * beyond the Worker-like interface, so it is unit-tested in Node with fake workers.
 */
import { createTaskWorker, TaskCancelledError, type TaskWorker, type WorkerLike } from './taskWorker';

export interface PreparedJob {
  readonly message: unknown;
  readonly transfer: Transferable[];
}

export interface PoolJob {
  readonly id: string;
  /** Builds the worker message (loads or decodes the case) when a worker is free to take it. */
  prepare(signal: AbortSignal): Promise<PreparedJob>;
}

/** A worker reply read by the protocol: a job's result or failure; null for anything else (e.g. progress). */
export type PoolReply<R> =
  { readonly id: string; readonly ok: true; readonly value: R } | { readonly id: string; readonly ok: false; readonly error: string };

export interface PoolProgress {
  readonly total: number;
  readonly done: number;
  readonly failed: number;
  readonly running: number;
}

export interface PoolRunOptions<R> {
  readonly signal?: AbortSignal;
  onResult?(id: string, value: R): void;
  onError?(id: string, message: string): void;
  onProgress?(p: PoolProgress): void;
}

export interface PoolRunOutcome {
  readonly done: number;
  readonly failed: number;
  readonly cancelled: boolean;
}

export interface MetricsPool<R> {
  /** Runs every job; resolves when all have finished or failed, or at once on cancellation. One run at a time. */
  run(jobs: readonly PoolJob[], opts?: PoolRunOptions<R>): Promise<PoolRunOutcome>;
  /** Workers alive now (idle or busy). */
  size(): number;
  dispose(): void;
}

export interface MetricsPoolOptions<R> {
  /** Number of workers; at least 1. */
  readonly size: number;
  readonly createWorker: () => WorkerLike;
  readonly readReply: (data: unknown) => PoolReply<R> | null;
}

/** A sensible default: leave one core to the UI thread, at most 4 workers (each holds one case). */
export function defaultPoolSize(hardwareConcurrency: number | undefined): number {
  const cores = hardwareConcurrency && hardwareConcurrency > 0 ? hardwareConcurrency : 2;
  return Math.max(1, Math.min(4, cores - 1));
}

/** The pool's one task: a job's message, answered by one reply. */
type PoolTasks<R> = { job: { request: unknown; progress: never; result: PoolReply<R> } };

export function createMetricsPool<R>(opts: MetricsPoolOptions<R>): MetricsPool<R> {
  if (!Number.isInteger(opts.size) || opts.size < 1) throw new Error(`metrics pool: size must be a whole number ≥ 1, got ${opts.size}`);
  /** One worker client per slot; a slot whose worker crashed or was stopped leaves the pool. */
  const slots: TaskWorker<PoolTasks<R>>[] = [];
  let running = false;
  let disposed = false;
  /** Ends the run in progress as cancelled (dispose does). */
  let cancelRun: (() => void) | null = null;

  function spawn(): TaskWorker<PoolTasks<R>> {
    const slot = createTaskWorker<PoolTasks<R>>(
      opts.createWorker,
      {
        read: opts.readReply,
        idOf: (reply) => reply.id,
        isFinal: () => true,
        failure: (id, message) => ({ id, ok: false, error: `metrics worker crashed: ${message}` }),
      },
      () => {
        const i = slots.indexOf(slot);
        if (i >= 0) slots.splice(i, 1);
      },
    );
    slots.push(slot);
    return slot;
  }

  /** A job on a slot: its reply, a failed load as a failed reply, or null when the run was cancelled. */
  async function runJob(slot: TaskWorker<PoolTasks<R>>, job: PoolJob, signal: AbortSignal): Promise<PoolReply<R> | null> {
    let prepared: PreparedJob;
    try {
      prepared = await job.prepare(signal);
    } catch (e) {
      return { id: job.id, ok: false, error: `could not load the case: ${e instanceof Error ? e.message : String(e)}` };
    }
    try {
      // Cancelling ends the busy workers (a computation cannot be interrupted from outside).
      return await slot.run('job', job.id, prepared.message, { transfer: prepared.transfer, signal });
    } catch (e) {
      if (e instanceof TaskCancelledError) return null;
      return { id: job.id, ok: false, error: e instanceof Error ? e.message : String(e) };
    }
  }

  async function run(jobs: readonly PoolJob[], ro: PoolRunOptions<R> = {}): Promise<PoolRunOutcome> {
    if (disposed) throw new Error('metrics pool: used after dispose()');
    if (running) throw new Error('metrics pool: a run is already in progress');
    const ids = new Set<string>();
    for (const j of jobs) {
      if (ids.has(j.id)) throw new Error(`metrics pool: job id ${j.id} appears twice`);
      ids.add(j.id);
    }
    running = true;
    const queue = [...jobs];
    const total = jobs.length;
    let done = 0;
    let failed = 0;
    let busy = 0;
    const abort = new AbortController();
    const progress = () => ro.onProgress?.({ total, done, failed, running: busy });

    return new Promise<PoolRunOutcome>((resolve) => {
      let settled = false;
      const finish = (cancelled: boolean) => {
        if (settled) return;
        settled = true;
        running = false;
        cancelRun = null;
        ro.signal?.removeEventListener('abort', onAbort);
        resolve({ done, failed, cancelled });
      };
      const onAbort = () => {
        queue.length = 0;
        abort.abort();
        finish(true);
      };
      if (ro.signal?.aborted) {
        onAbort();
        return;
      }
      ro.signal?.addEventListener('abort', onAbort);
      cancelRun = onAbort;

      const feed = (slot: TaskWorker<PoolTasks<R>>) => {
        if (settled) return;
        const job = queue.shift();
        if (!job) {
          if (busy === 0) finish(false);
          return;
        }
        busy++;
        void runJob(slot, job, abort.signal).then((reply) => {
          if (settled || reply === null) return;
          busy--;
          if (reply.ok) {
            done++;
            ro.onResult?.(reply.id, reply.value);
          } else {
            failed++;
            ro.onError?.(reply.id, reply.error);
          }
          progress();
          // A crashed worker left the pool: continue on a fresh one.
          feed(slots.includes(slot) ? slot : spawn());
        });
      };

      progress();
      if (queue.length === 0) {
        finish(false);
        return;
      }
      while (slots.length < Math.min(opts.size, queue.length)) spawn();
      for (const s of slots.slice(0, Math.min(opts.size, queue.length))) feed(s);
    });
  }

  return {
    run,
    size: () => slots.length,
    dispose() {
      disposed = true;
      cancelRun?.();
      for (const s of [...slots]) s.stop('The metrics pool was disposed.');
    },
  };
}

/** The dashboard's pool over the shared metrics worker (src-renderer/workers/metrics.worker.ts). */
export function createMetricsWorkerPool<R>(size: number): MetricsPool<R> {
  return createMetricsPool<R>({
    size,
    // Vite bundles the worker from this exact `new Worker(new URL(…), …)` form.
    createWorker: () => new Worker(new URL('./metrics.worker.ts', import.meta.url), { type: 'module' }) as unknown as WorkerLike,
    readReply: (data) => {
      const d = data as { type?: unknown; id?: unknown; ok?: unknown };
      return d !== null && typeof d === 'object' && d.type === 'result' && typeof d.id === 'string' && typeof d.ok === 'boolean'
        ? (data as PoolReply<R>)
        : null;
    },
  });
}
