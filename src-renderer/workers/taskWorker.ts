/**
 * The one client for the renderer's workers (ADC, calibration, inference, the metrics panel, and each
 * slot of the dashboard's pool): a worker's tasks are declared in one table (per task the request it
 * posts, the progress events it reports and the final event it ends with), tasks are keyed by the id
 * each message carries, progress goes to the task that asked, buffers are transferred, and an
 * AbortSignal cancels a task. A crash or a stop ends every pending task with the protocol's own
 * failure event, so no caller waits forever. The worker is spawned on the first task and again after
 * a stop. No DOM beyond WorkerLike, so it is unit-tested in Node with fake workers.
 */

/** The part of `Worker` the client uses. */
export interface WorkerLike {
  postMessage(message: unknown, transfer: Transferable[]): void;
  addEventListener(type: 'message', listener: (e: { data: unknown }) => void): void;
  addEventListener(type: 'error', listener: (e: { message?: string }) => void): void;
  terminate(): void;
}

/** One task of a worker: the message that starts it, the events it reports on the way, the event that ends it. */
export interface TaskType {
  readonly request: unknown;
  readonly progress: unknown;
  readonly result: unknown;
}

/** A worker's tasks by name, e.g. `{ fit: { request: FitRequest; progress: FitProgress; result: FitDone | FitError } }`. */
export type TaskTable<T> = { readonly [K in keyof T]: TaskType };

type EventOf<T extends TaskTable<T>> = { [K in keyof T]: T[K]['progress'] | T[K]['result'] }[keyof T];

export interface TaskProtocol<T extends TaskTable<T>> {
  /** Reads a worker's message as an event, null for one that answers no task; without it every message is taken as an event. */
  read?(data: unknown): EventOf<T> | null;
  /** The task an event answers. */
  idOf(event: EventOf<T>): string;
  /** Whether an event ends its task; the others (progress) go to the task's onProgress. */
  isFinal(event: EventOf<T>): boolean;
  /**
   * The final event a pending task gets when the worker crashed or was stopped, with the reason; it
   * must be a result of every task of the table.
   */
  failure(id: string, message: string, cause: 'crashed' | 'stopped'): { [K in keyof T]: T[K]['result'] }[keyof T];
  /**
   * The message that asks the worker to end task `id` early (it answers with a final event, which is
   * then dropped). Without it the worker cannot be interrupted, and a cancel stops it.
   */
  cancel?(id: string): unknown;
}

export interface TaskOptions<Progress> {
  /** Buffers handed over to the worker (not copied; unusable here afterwards). */
  readonly transfer?: Transferable[];
  onProgress?(event: Progress): void;
  /** Cancels the task: the promise rejects with a TaskCancelledError once the worker has let it go. */
  readonly signal?: AbortSignal;
}

/** A task ended by its AbortSignal; the message is the sentence the UI shows. */
export class TaskCancelledError extends Error {
  override readonly name = 'TaskCancelledError';
  constructor(
    readonly task: string,
    readonly id: string,
  ) {
    super('Cancelled.');
  }
}

export interface TaskWorker<T extends TaskTable<T>> {
  /** Posts `request` (which carries `id`) as task `task`; resolves with its final event, progress going to onProgress. */
  run<K extends keyof T & string>(
    task: K,
    id: string,
    request: T[K]['request'],
    options?: TaskOptions<T[K]['progress']>,
  ): Promise<T[K]['result']>;
  /** Terminates the worker; every pending task ends with the failure event, cause 'stopped' (a cancelled one rejects as cancelled). */
  stop(message: string): void;
}

interface Pending {
  readonly task: string;
  onProgress?(event: unknown): void;
  resolve(event: unknown): void;
  reject(error: Error): void;
  /** Set once its signal fired: whatever the worker answers, the task ends as cancelled. */
  cancelled: boolean;
  detach(): void;
}

/** `onLost` runs when the worker crashed or was stopped: whatever state it held (a loaded model) is gone. */
export function createTaskWorker<T extends TaskTable<T>>(
  spawn: () => WorkerLike,
  protocol: TaskProtocol<T>,
  onLost?: () => void,
): TaskWorker<T> {
  let worker: WorkerLike | null = null;
  const pending = new Map<string, Pending>();

  function end(id: string, event: unknown): void {
    const task = pending.get(id);
    if (!task) return;
    pending.delete(id);
    task.detach();
    if (task.cancelled) task.reject(new TaskCancelledError(task.task, id));
    else task.resolve(event);
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
      const event = protocol.read ? protocol.read(e.data) : (e.data as EventOf<T>);
      if (event === null) return;
      const id = protocol.idOf(event);
      const task = pending.get(id);
      if (protocol.isFinal(event)) end(id, event);
      else if (task && !task.cancelled) task.onProgress?.(event);
    });
    w.addEventListener('error', (e) => {
      if (w === worker) lose(e.message ?? 'unknown error', 'crashed');
    });
    worker = w;
    return w;
  }

  function cancel(id: string): void {
    const task = pending.get(id);
    if (!task || task.cancelled) return;
    task.cancelled = true;
    const message = protocol.cancel?.(id);
    if (message !== undefined && worker) worker.postMessage(message, []);
    else lose('Cancelled.', 'stopped');
  }

  return {
    run(task, id, request, options = {}) {
      const { signal, transfer = [], onProgress } = options;
      if (pending.has(id)) return Promise.reject(new Error(`task worker: task ${id} is already pending`));
      if (signal?.aborted) return Promise.reject(new TaskCancelledError(task, id));
      return new Promise((resolve, reject) => {
        const onAbort = () => cancel(id);
        pending.set(id, {
          task,
          resolve: resolve as (event: unknown) => void,
          reject,
          cancelled: false,
          detach: () => signal?.removeEventListener('abort', onAbort),
          ...(onProgress ? { onProgress: onProgress as (event: unknown) => void } : {}),
        });
        signal?.addEventListener('abort', onAbort);
        running().postMessage(request, transfer);
      });
    },
    stop(message) {
      lose(message, 'stopped');
    },
  };
}
