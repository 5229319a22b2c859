/**
 * One client for the renderer's request/answer workers (inference, the metrics panel): typed by the
 * protocol's request and event unions, tasks keyed by the id each message carries, progress events
 * passed to the task that asked, buffers transferred, and a crash or a stop ending every pending
 * task with the protocol's own failure event, so no caller waits forever. The worker is spawned on
 * the first request and again after a stop. No DOM beyond WorkerLike, so it is unit-tested in Node
 * with fake workers. (The dashboard's pool, metricsPool.ts, schedules many workers over one queue.)
 */
import type { WorkerLike } from './metricsPool';

export interface TaskProtocol<Ev> {
  /** The task an event answers. */
  idOf(event: Ev): string;
  /** Whether an event ends its task; the others (progress) go to the task's onProgress. */
  isFinal(event: Ev): boolean;
  /** The event a pending task ends with when the worker crashed or was stopped, with the reason. */
  failure(id: string, message: string, cause: 'crashed' | 'stopped'): Ev;
}

interface TaskOptions<Ev> {
  /** Buffers handed over to the worker (not copied; unusable here afterwards). */
  readonly transfer?: Transferable[];
  onProgress?(event: Ev): void;
}

interface TaskWorker<Req, Ev> {
  /** Posts `request` (which carries `id`); resolves with its final event, progress going to onProgress. */
  request(id: string, request: Req, options?: TaskOptions<Ev>): Promise<Ev>;
  /** Posts a message no task waits on (a cancel); nothing when no worker is running. */
  send(message: Req): void;
  /** Terminates the worker; every pending task ends with the failure event, cause 'stopped'. */
  stop(message: string): void;
}

interface Pending<Ev> {
  onProgress?(event: Ev): void;
  resolve(event: Ev): void;
}

/** `onLost` runs when the worker crashed or was stopped: whatever state it held (a loaded model) is gone. */
export function createTaskWorker<Req, Ev>(spawn: () => WorkerLike, protocol: TaskProtocol<Ev>, onLost?: () => void): TaskWorker<Req, Ev> {
  let worker: WorkerLike | null = null;
  const pending = new Map<string, Pending<Ev>>();

  function end(id: string, event: Ev): void {
    const task = pending.get(id);
    pending.delete(id);
    task?.resolve(event);
  }

  function lose(message: string, cause: 'crashed' | 'stopped'): void {
    worker?.terminate();
    worker = null;
    onLost?.();
    for (const id of [...pending.keys()]) end(id, protocol.failure(id, message, cause));
  }

  function running(): WorkerLike {
    if (worker) return worker;
    const w = spawn();
    w.addEventListener('message', (e) => {
      if (w !== worker) return;
      const event = e.data as Ev;
      const id = protocol.idOf(event);
      if (protocol.isFinal(event)) end(id, event);
      else pending.get(id)?.onProgress?.(event);
    });
    w.addEventListener('error', (e) => {
      if (w === worker) lose(e.message ?? 'unknown error', 'crashed');
    });
    worker = w;
    return w;
  }

  return {
    request(id, request, options = {}) {
      if (pending.has(id)) return Promise.reject(new Error(`task worker: task ${id} is already pending`));
      return new Promise<Ev>((resolve) => {
        pending.set(id, { resolve, ...(options.onProgress ? { onProgress: options.onProgress } : {}) });
        running().postMessage(request, options.transfer ?? []);
      });
    },
    send(message) {
      worker?.postMessage(message, []);
    },
    stop(message) {
      lose(message, 'stopped');
    },
  };
}
