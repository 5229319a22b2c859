/**
 * Per-request stage timings (file read, gunzip, parse, value range…) for the "open → first image"
 * benchmark, carried out of the services without changing any handler's signature or result.
 *
 * A transport that wants them runs the request inside `collectStageTimings`; services wrap their
 * stages in `timeStage`. AsyncLocalStorage keeps concurrent requests apart. Outside a collection
 * (Electron IPC, tests) `timeStage` just runs the function, so the cost when nobody listens is one
 * store lookup per stage. The browser-mode server sends the result as a standard `Server-Timing`
 * header, which the renderer (and DevTools) read from the request's PerformanceResourceTiming.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { performance } from 'node:perf_hooks';

export interface StageTime {
  /** A Server-Timing metric name: letters, digits, '-' and '_' only. */
  readonly name: string;
  readonly ms: number;
}

const current = new AsyncLocalStorage<StageTime[]>();

/** Runs `fn`, recording its duration as stage `name` when a collection is active. */
export function timeStage<T>(name: string, fn: () => T): T {
  const stages = current.getStore();
  if (stages === undefined) return fn();
  const t0 = performance.now();
  try {
    return fn();
  } finally {
    stages.push({ name, ms: performance.now() - t0 });
  }
}

/** Records a duration measured by the caller (for a stage that is not one function call). */
export function recordStage(name: string, ms: number): void {
  current.getStore()?.push({ name, ms });
}

/** Like timeStage, for a stage that awaits (the duration runs until the promise settles). */
export async function timeStageAsync<T>(name: string, fn: () => Promise<T>): Promise<T> {
  const stages = current.getStore();
  if (stages === undefined) return fn();
  const t0 = performance.now();
  try {
    return await fn();
  } finally {
    stages.push({ name, ms: performance.now() - t0 });
  }
}

/** Runs `fn` with stage recording on; returns its result and the stages recorded, in completion order. */
export async function collectStageTimings<T>(fn: () => Promise<T>): Promise<{ result: T; stages: StageTime[] }> {
  const stages: StageTime[] = [];
  const result = await current.run(stages, fn);
  return { result, stages };
}

/** The `Server-Timing` header value, e.g. `read;dur=12.3, gunzip;dur=80.1`; repeated names are summed. */
export function serverTimingHeader(stages: readonly StageTime[]): string {
  const totals = new Map<string, number>();
  for (const s of stages) totals.set(s.name, (totals.get(s.name) ?? 0) + s.ms);
  return [...totals].map(([name, ms]) => `${name};dur=${ms.toFixed(1)}`).join(', ');
}
