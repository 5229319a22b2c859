import { describe, expect, it } from 'vitest';
import type { WorkerLike } from './metricsPool';
import { createTaskWorker, type TaskProtocol } from './taskWorker';

type Req = { kind: 'square'; id: string; x: number; steps: number } | { kind: 'cancel'; id: string };
type Ev =
  { kind: 'progress'; id: string; step: number } | { kind: 'done'; id: string; y: number } | { kind: 'failed'; id: string; why: string };

const protocol: TaskProtocol<Ev> = {
  idOf: (e) => e.id,
  isFinal: (e) => e.kind !== 'progress',
  failure: (id, message, cause) => ({ kind: 'failed', id, why: `${cause}: ${message}` }),
};

/** A fake worker answering `square` with `steps` progress events then x², asynchronously; x = 13 crashes it. */
class FakeWorker implements WorkerLike {
  static spawned: FakeWorker[] = [];
  posted: Req[] = [];
  transfers: Transferable[][] = [];
  terminated = false;
  private onMessage: ((e: { data: unknown }) => void) | null = null;
  private onError: ((e: { message?: string }) => void) | null = null;
  constructor() {
    FakeWorker.spawned.push(this);
  }
  postMessage(message: unknown, transfer: Transferable[]): void {
    const m = message as Req;
    this.posted.push(m);
    this.transfers.push(transfer);
    if (m.kind !== 'square') return;
    setTimeout(() => {
      if (this.terminated) return;
      if (m.x === 13) return this.onError?.({ message: 'boom' });
      for (let step = 1; step <= m.steps; step++) this.onMessage?.({ data: { kind: 'progress', id: m.id, step } });
      this.onMessage?.({ data: { kind: 'done', id: m.id, y: m.x * m.x } });
    }, 1);
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

function client() {
  FakeWorker.spawned = [];
  lost = 0;
  return createTaskWorker<Req, Ev>(
    () => new FakeWorker(),
    protocol,
    () => lost++,
  );
}

describe('task worker client', () => {
  it('spawns one worker on the first request, passes each task its own progress and final event, and transfers buffers', async () => {
    const tasks = client();
    expect(FakeWorker.spawned).toHaveLength(0);
    const seen: Record<string, number[]> = { a: [], b: [] };
    const buffer = new ArrayBuffer(8);
    const [a, b] = await Promise.all([
      tasks.request(
        'a',
        { kind: 'square', id: 'a', x: 3, steps: 2 },
        { transfer: [buffer], onProgress: (e) => e.kind === 'progress' && seen.a.push(e.step) },
      ),
      tasks.request('b', { kind: 'square', id: 'b', x: 4, steps: 1 }, { onProgress: (e) => e.kind === 'progress' && seen.b.push(e.step) }),
    ]);
    expect(a).toEqual({ kind: 'done', id: 'a', y: 9 });
    expect(b).toEqual({ kind: 'done', id: 'b', y: 16 });
    expect(seen).toEqual({ a: [1, 2], b: [1] });
    expect(FakeWorker.spawned).toHaveLength(1);
    expect(FakeWorker.spawned[0].transfers[0]).toEqual([buffer]);
  });

  it('ends every pending task with the failure event when the worker crashes, and spawns a fresh one next time', async () => {
    const tasks = client();
    const [crashed, other] = await Promise.all([
      tasks.request('c', { kind: 'square', id: 'c', x: 13, steps: 0 }),
      tasks.request('d', { kind: 'square', id: 'd', x: 2, steps: 0 }),
    ]);
    expect(crashed).toEqual({ kind: 'failed', id: 'c', why: 'crashed: boom' });
    expect(other).toEqual({ kind: 'failed', id: 'd', why: 'crashed: boom' });
    expect(FakeWorker.spawned[0].terminated).toBe(true);
    expect(lost).toBe(1);
    expect(await tasks.request('e', { kind: 'square', id: 'e', x: 5, steps: 0 })).toEqual({ kind: 'done', id: 'e', y: 25 });
    expect(FakeWorker.spawned).toHaveLength(2);
  });

  it('stop terminates the worker and ends pending tasks as stopped; send posts only to a running worker', async () => {
    const tasks = client();
    tasks.send({ kind: 'cancel', id: 'x' });
    expect(FakeWorker.spawned).toHaveLength(0);
    const run = tasks.request('f', { kind: 'square', id: 'f', x: 6, steps: 0 });
    tasks.send({ kind: 'cancel', id: 'f' });
    expect(FakeWorker.spawned[0].posted.map((m) => m.kind)).toEqual(['square', 'cancel']);
    tasks.stop('Cancelled.');
    expect(await run).toEqual({ kind: 'failed', id: 'f', why: 'stopped: Cancelled.' });
    expect(FakeWorker.spawned[0].terminated).toBe(true);
    expect(lost).toBe(1);
  });

  it('refuses a second task under a pending id', async () => {
    const tasks = client();
    const first = tasks.request('g', { kind: 'square', id: 'g', x: 1, steps: 0 });
    await expect(tasks.request('g', { kind: 'square', id: 'g', x: 2, steps: 0 })).rejects.toThrow(/already pending/);
    expect(await first).toEqual({ kind: 'done', id: 'g', y: 1 });
  });
});
