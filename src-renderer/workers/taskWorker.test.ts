import { describe, expect, it } from 'vitest';
import { createTaskWorker, TaskCancelledError, type TaskProtocol, type WorkerLike } from './taskWorker';

type Square = { kind: 'square'; id: string; x: number; steps: number };
type Halve = { kind: 'halve'; id: string; x: number };
type Cancel = { kind: 'cancel'; id: string };
type Progress = { kind: 'progress'; id: string; step: number };
type Failed = { kind: 'failed'; id: string; why: string };
/** The fake worker's table: `square` reports progress, `halve` does not; both may fail. */
type Tasks = {
  square: { request: Square; progress: Progress; result: { kind: 'squared'; id: string; y: number } | Failed };
  halve: { request: Halve; progress: never; result: { kind: 'halved'; id: string; y: number } | Failed };
};

const protocol: TaskProtocol<Tasks> = {
  idOf: (e) => e.id,
  isFinal: (e) => e.kind !== 'progress',
  failure: (id, message, cause) => ({ kind: 'failed', id, why: `${cause}: ${message}` }),
};

/**
 * A fake worker: `square` posts one progress event per step, a macrotask apart, then x²; x = 13
 * crashes it and x < 0 is refused with a failed event; a `cancel` ends a running square between
 * steps; `halve` answers x / 2.
 */
class FakeWorker implements WorkerLike {
  static spawned: FakeWorker[] = [];
  posted: Array<Square | Halve | Cancel> = [];
  transfers: Transferable[][] = [];
  terminated = false;
  private cancelled = new Set<string>();
  private onMessage: ((e: { data: unknown }) => void) | null = null;
  private onError: ((e: { message?: string }) => void) | null = null;
  constructor() {
    FakeWorker.spawned.push(this);
  }
  postMessage(message: unknown, transfer: Transferable[]): void {
    const m = message as Square | Halve | Cancel;
    this.posted.push(m);
    this.transfers.push(transfer);
    if (m.kind === 'cancel') this.cancelled.add(m.id);
    else if (m.kind === 'halve') this.later(() => this.answer({ kind: 'halved', id: m.id, y: m.x / 2 }));
    else this.later(() => this.square(m, 1));
  }
  private square(m: Square, step: number): void {
    if (m.x === 13) return this.onError?.({ message: 'boom' });
    if (m.x < 0) return this.answer({ kind: 'failed', id: m.id, why: 'negative' });
    if (this.cancelled.has(m.id)) return this.answer({ kind: 'failed', id: m.id, why: 'cancelled by the worker' });
    if (step > m.steps) return this.answer({ kind: 'squared', id: m.id, y: m.x * m.x });
    this.answer({ kind: 'progress', id: m.id, step });
    this.later(() => this.square(m, step + 1));
  }
  private later(f: () => void): void {
    setTimeout(() => {
      if (!this.terminated) f();
    }, 1);
  }
  private answer(data: unknown): void {
    this.onMessage?.({ data });
  }
  addEventListener(type: 'message' | 'error', listener: (e: never) => void): void {
    if (type === 'message') this.onMessage = listener as (e: { data: unknown }) => void;
    else this.onError = listener as (e: { message?: string }) => void;
  }
  terminate(): void {
    this.terminated = true;
  }
}

let lost = 0;

function client(withCancel = true) {
  FakeWorker.spawned = [];
  lost = 0;
  return createTaskWorker<Tasks>(
    () => new FakeWorker(),
    withCancel ? { ...protocol, cancel: (id): Cancel => ({ kind: 'cancel', id }) } : protocol,
    () => lost++,
  );
}

describe('task worker client', () => {
  it('spawns one worker on the first task, passes each task its own progress and final event, and transfers buffers', async () => {
    const tasks = client();
    expect(FakeWorker.spawned).toHaveLength(0);
    const seen: Record<string, number[]> = { a: [], b: [] };
    const buffer = new ArrayBuffer(8);
    const [a, b, h] = await Promise.all([
      tasks.run('square', 'a', { kind: 'square', id: 'a', x: 3, steps: 2 }, { transfer: [buffer], onProgress: (e) => seen.a.push(e.step) }),
      tasks.run('square', 'b', { kind: 'square', id: 'b', x: 4, steps: 1 }, { onProgress: (e) => seen.b.push(e.step) }),
      tasks.run('halve', 'h', { kind: 'halve', id: 'h', x: 5 }),
    ]);
    expect(a).toEqual({ kind: 'squared', id: 'a', y: 9 });
    expect(b).toEqual({ kind: 'squared', id: 'b', y: 16 });
    expect(h).toEqual({ kind: 'halved', id: 'h', y: 2.5 });
    expect(seen).toEqual({ a: [1, 2], b: [1] });
    expect(FakeWorker.spawned).toHaveLength(1);
    expect(FakeWorker.spawned[0].transfers).toEqual([[buffer], [], []]);
  });

  it("resolves with the worker's own error event", async () => {
    const tasks = client();
    expect(await tasks.run('square', 'n', { kind: 'square', id: 'n', x: -1, steps: 0 })).toEqual({
      kind: 'failed',
      id: 'n',
      why: 'negative',
    });
  });

  it('ends every pending task with the failure event when the worker crashes, and spawns a fresh one next time', async () => {
    const tasks = client();
    const [crashed, other] = await Promise.all([
      tasks.run('square', 'c', { kind: 'square', id: 'c', x: 13, steps: 0 }),
      tasks.run('halve', 'd', { kind: 'halve', id: 'd', x: 2 }),
    ]);
    expect(crashed).toEqual({ kind: 'failed', id: 'c', why: 'crashed: boom' });
    expect(other).toEqual({ kind: 'failed', id: 'd', why: 'crashed: boom' });
    expect(FakeWorker.spawned[0].terminated).toBe(true);
    expect(lost).toBe(1);
    expect(await tasks.run('square', 'e', { kind: 'square', id: 'e', x: 5, steps: 0 })).toEqual({ kind: 'squared', id: 'e', y: 25 });
    expect(FakeWorker.spawned).toHaveLength(2);
  });

  it('stop terminates the worker and ends pending tasks as stopped', async () => {
    const tasks = client();
    const run = tasks.run('square', 'f', { kind: 'square', id: 'f', x: 6, steps: 0 });
    tasks.stop('The settings changed.');
    expect(await run).toEqual({ kind: 'failed', id: 'f', why: 'stopped: The settings changed.' });
    expect(FakeWorker.spawned[0].terminated).toBe(true);
    expect(lost).toBe(1);
  });

  it('cancel posts the cancel message, drops later progress, and rejects with a cancelled error once the worker lets the task go', async () => {
    const tasks = client();
    const abort = new AbortController();
    const steps: number[] = [];
    const run = tasks.run(
      'square',
      's',
      { kind: 'square', id: 's', x: 7, steps: 1000 },
      {
        signal: abort.signal,
        onProgress: (e) => {
          steps.push(e.step);
          if (e.step === 2) abort.abort();
        },
      },
    );
    const other = tasks.run('halve', 'o', { kind: 'halve', id: 'o', x: 8 });
    const error = await run.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TaskCancelledError);
    expect(error).toMatchObject({ message: 'Cancelled.', task: 'square', id: 's' });
    expect(steps).toEqual([1, 2]);
    const worker = FakeWorker.spawned[0];
    expect(worker.posted.map((m) => m.kind)).toEqual(['square', 'halve', 'cancel']);
    // The worker stays: the other task and the next one run on it.
    expect(worker.terminated).toBe(false);
    expect(await other).toEqual({ kind: 'halved', id: 'o', y: 4 });
    expect(await tasks.run('halve', 'p', { kind: 'halve', id: 'p', x: 1 })).toEqual({ kind: 'halved', id: 'p', y: 0.5 });
    expect(FakeWorker.spawned).toHaveLength(1);
  });

  it('without a cancel message a cancel stops the worker: the task rejects as cancelled, the others end as stopped', async () => {
    const tasks = client(false);
    const abort = new AbortController();
    const run = tasks.run('square', 'u', { kind: 'square', id: 'u', x: 2, steps: 1000 }, { signal: abort.signal });
    const other = tasks.run('halve', 'v', { kind: 'halve', id: 'v', x: 8 });
    abort.abort();
    await expect(run).rejects.toBeInstanceOf(TaskCancelledError);
    expect(await other).toEqual({ kind: 'failed', id: 'v', why: 'stopped: Cancelled.' });
    expect(FakeWorker.spawned[0].terminated).toBe(true);
    expect(lost).toBe(1);
  });

  it('a task whose signal has already fired is refused without posting anything', async () => {
    const tasks = client();
    const abort = new AbortController();
    abort.abort();
    await expect(tasks.run('halve', 'w', { kind: 'halve', id: 'w', x: 1 }, { signal: abort.signal })).rejects.toBeInstanceOf(
      TaskCancelledError,
    );
    expect(FakeWorker.spawned).toHaveLength(0);
  });

  it('refuses a second task under a pending id', async () => {
    const tasks = client();
    const first = tasks.run('square', 'g', { kind: 'square', id: 'g', x: 1, steps: 0 });
    await expect(tasks.run('square', 'g', { kind: 'square', id: 'g', x: 2, steps: 0 })).rejects.toThrow(/already pending/);
    expect(await first).toEqual({ kind: 'squared', id: 'g', y: 1 });
  });
});
