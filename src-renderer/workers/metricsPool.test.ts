import { describe, expect, it } from 'vitest';
import { createMetricsPool, defaultPoolSize, type PoolJob, type PoolProgress, type PoolReply } from './metricsPool';
import type { WorkerLike } from './taskWorker';

interface Msg {
  id: string;
  x: number;
}

/** A fake worker: a note, then x² after `delay` ms; fails on x < 0, crashes on x = 13. */
class FakeWorker implements WorkerLike {
  static alive = 0;
  static maxBusy = 0;
  static busy = 0;
  static created = 0;
  terminated = false;
  transfers: Transferable[][] = [];
  private onMessage: ((e: { data: unknown }) => void) | null = null;
  private onError: ((e: { message?: string }) => void) | null = null;
  constructor(private readonly delay: number) {
    FakeWorker.alive++;
    FakeWorker.created++;
  }
  postMessage(message: unknown, transfer: Transferable[]): void {
    const m = message as Msg;
    this.transfers.push(transfer);
    FakeWorker.busy++;
    FakeWorker.maxBusy = Math.max(FakeWorker.maxBusy, FakeWorker.busy);
    setTimeout(() => {
      FakeWorker.busy--;
      if (this.terminated) return;
      if (m.x === 13) return this.onError?.({ message: 'boom' });
      // A message that is no reply (readReply gives null) answers no job.
      this.onMessage?.({ data: { id: m.id, note: 'working' } });
      this.onMessage?.({ data: m.x < 0 ? { id: m.id, error: 'negative' } : { id: m.id, y: m.x * m.x } });
    }, this.delay);
  }
  addEventListener(type: 'message' | 'error', listener: (e: never) => void): void {
    if (type === 'message') this.onMessage = listener as (e: { data: unknown }) => void;
    else this.onError = listener as (e: { message?: string }) => void;
  }
  terminate(): void {
    if (!this.terminated) FakeWorker.alive--;
    this.terminated = true;
  }
  static reset(): void {
    FakeWorker.alive = FakeWorker.maxBusy = FakeWorker.busy = FakeWorker.created = 0;
  }
}

function readReply(data: unknown): PoolReply<number> | null {
  const d = data as { id: string; y?: number; error?: string };
  if (typeof d.y === 'number') return { id: d.id, ok: true, value: d.y };
  if (typeof d.error === 'string') return { id: d.id, ok: false, error: d.error };
  return null;
}

function jobs(xs: number[], prepared: string[] = []): PoolJob[] {
  return xs.map((x, i) => ({
    id: `c${i}`,
    prepare: async () => {
      prepared.push(`c${i}`);
      const buf = new ArrayBuffer(8);
      return { message: { id: `c${i}`, x }, transfer: [buf] };
    },
  }));
}

describe('metrics worker pool', () => {
  it('runs every job on at most `size` workers and streams each result with progress', async () => {
    FakeWorker.reset();
    const workers: FakeWorker[] = [];
    const pool = createMetricsPool<number>({
      size: 3,
      createWorker: () => (workers.push(new FakeWorker(2)), workers[workers.length - 1]),
      readReply,
    });
    const results = new Map<string, number>();
    const progress: PoolProgress[] = [];
    const out = await pool.run(jobs([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]), {
      onResult: (id, v) => results.set(id, v),
      onProgress: (p) => progress.push(p),
    });
    expect(out).toEqual({ done: 10, failed: 0, cancelled: false });
    expect(results.get('c0')).toBe(1);
    expect(results.get('c9')).toBe(100);
    expect(results.size).toBe(10);
    expect(FakeWorker.maxBusy).toBeLessThanOrEqual(3);
    expect(FakeWorker.created).toBe(3);
    expect(progress[0]).toEqual({ total: 10, done: 0, failed: 0, running: 0 });
    expect(progress[progress.length - 1]).toEqual({ total: 10, done: 10, failed: 0, running: 0 });
    expect(progress.map((p) => p.done)).toEqual([...progress.map((p) => p.done)].sort((a, b) => a - b));
    // Buffers go as transferables.
    expect(workers[0].transfers[0][0]).toBeInstanceOf(ArrayBuffer);
    // Workers are reused by the next run.
    await pool.run(jobs([1, 2]));
    expect(FakeWorker.created).toBe(3);
    pool.dispose();
    expect(FakeWorker.alive).toBe(0);
  });

  it('prepares a job only when a worker is free to take it', async () => {
    FakeWorker.reset();
    const prepared: string[] = [];
    const pool = createMetricsPool<number>({ size: 2, createWorker: () => new FakeWorker(5), readReply });
    const seenAtFirstResult: number[] = [];
    await pool.run(jobs([1, 2, 3, 4, 5], prepared), { onResult: () => seenAtFirstResult.push(prepared.length) });
    expect(seenAtFirstResult[0]).toBe(2);
    expect(prepared).toHaveLength(5);
    pool.dispose();
  });

  it('reports a failed job, a failed load and a crashed worker, and carries on', async () => {
    FakeWorker.reset();
    const pool = createMetricsPool<number>({ size: 2, createWorker: () => new FakeWorker(1), readReply });
    const errors: [string, string][] = [];
    const list = jobs([2, -1, 13, 3]);
    list.push({ id: 'bad', prepare: () => Promise.reject(new Error('404 not found')) });
    const out = await pool.run(list, { onError: (id, m) => errors.push([id, m]) });
    expect(out).toEqual({ done: 2, failed: 3, cancelled: false });
    expect(errors).toContainEqual(['c1', 'negative']);
    expect(errors).toContainEqual(['c2', 'metrics worker crashed: boom']);
    expect(errors).toContainEqual(['bad', 'could not load the case: 404 not found']);
    expect(pool.size()).toBe(2);
    pool.dispose();
  });

  it('cancels: resolves at once, ends busy workers and starts no more jobs', async () => {
    FakeWorker.reset();
    const prepared: string[] = [];
    const pool = createMetricsPool<number>({ size: 2, createWorker: () => new FakeWorker(20), readReply });
    const ac = new AbortController();
    const results: string[] = [];
    const p = pool.run(jobs([1, 2, 3, 4, 5, 6], prepared), { signal: ac.signal, onResult: (id) => results.push(id) });
    setTimeout(() => ac.abort(), 30); // after the first two finish, during the next two
    const out = await p;
    expect(out.cancelled).toBe(true);
    expect(out.done).toBe(2);
    expect(FakeWorker.alive).toBe(0);
    await new Promise((r) => setTimeout(r, 50));
    expect(results).toEqual(['c0', 'c1']);
    expect(prepared).toHaveLength(4);
    // The pool still works afterwards.
    expect((await pool.run(jobs([3]))).done).toBe(1);
    pool.dispose();
  });

  it('dispose during a run ends it as cancelled and stops every worker', async () => {
    FakeWorker.reset();
    const pool = createMetricsPool<number>({ size: 2, createWorker: () => new FakeWorker(20), readReply });
    const p = pool.run(jobs([1, 2, 3]));
    await new Promise((r) => setTimeout(r, 5));
    pool.dispose();
    expect(await p).toEqual({ done: 0, failed: 0, cancelled: true });
    expect(FakeWorker.alive).toBe(0);
    expect(pool.size()).toBe(0);
  });

  it('handles no jobs, refuses bad sizes, duplicate ids and overlapping runs', async () => {
    const pool = createMetricsPool<number>({ size: 1, createWorker: () => new FakeWorker(1), readReply });
    expect(await pool.run([])).toEqual({ done: 0, failed: 0, cancelled: false });
    expect(pool.size()).toBe(0);
    expect(() => createMetricsPool<number>({ size: 0, createWorker: () => new FakeWorker(1), readReply })).toThrow(/size/);
    await expect(pool.run([...jobs([1]), ...jobs([2])])).rejects.toThrow(/twice/);
    const first = pool.run(jobs([1]));
    await expect(pool.run(jobs([1]))).rejects.toThrow(/already/);
    await first;
    pool.dispose();
    await expect(pool.run(jobs([1]))).rejects.toThrow(/dispose/);
  });

  it('leaves a core to the UI thread', () => {
    expect(defaultPoolSize(2)).toBe(1);
    expect(defaultPoolSize(8)).toBe(4);
    expect(defaultPoolSize(undefined)).toBe(1);
  });
});
