/**
 * Directory mode: pair reference and prediction files by name, evaluate them on worker threads
 * (progress on stderr), and build the per-case rows and the per-convention summary.
 */
import { availableParallelism } from 'node:os';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { LabelMean, LabelResults, PerConvention } from '../../src-shared/metrics/conventions/labels';
import type { ConventionName, ConventionResult } from '../../src-shared/metrics/conventions/types';
import { summariseConvention, summariseMetrics, type ConventionSummary, type MetricsSummary } from '../../src-shared/metrics/summary';
import { BadInput } from './errors';
import type { CaseOptions, CaseOutput } from './evaluateCase';
import type { WorkerReply, WorkerRequest } from './worker';

const NIFTI = /\.nii(\.gz)?$/i;

export function pairCases(refDir: string, predDir: string): { name: string; ref: string; pred: string }[] {
  const list = (d: string, role: string) => {
    try {
      return readdirSync(d)
        .filter((f) => NIFTI.test(f))
        .sort();
    } catch (e) {
      throw new BadInput(`${role} directory ${d} cannot be read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  };
  const refs = list(refDir, 'reference');
  const preds = new Set(list(predDir, 'prediction'));
  if (refs.length === 0) throw new BadInput(`no .nii or .nii.gz files in ${refDir}`);
  const missing = refs.filter((f) => !preds.has(f));
  if (missing.length > 0) throw new BadInput(`no prediction in ${predDir} for ${missing.length} case(s), first: ${missing[0]}`);
  return refs.map((f) => ({ name: f, ref: join(refDir, f), pred: join(predDir, f) }));
}

/**
 * Starts a worker for this module's sibling worker: worker.mjs beside the compiled CLI bundle
 * (out/cli/, scripts/cliBundle.mjs), or worker.ts under tsx, where the worker must register tsx itself.
 */
function startWorker(): Worker {
  const url = new URL(import.meta.url.endsWith('.ts') ? './worker.ts' : './worker.mjs', import.meta.url);
  if (!url.href.endsWith('.ts')) return new Worker(url);
  const api = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(api)}).then(({ register }) => { register(); return import(${JSON.stringify(url.href)}); })`;
  return new Worker(boot, { eval: true });
}

const seconds = (ms: number) =>
  ms < 60_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;

/** "12.3 s elapsed, ETA 40.1 s": the remaining cases at the mean rate so far (start-up included). */
function eta(elapsedMs: number, done: number, total: number): string {
  return `${seconds(elapsedMs)} elapsed, ETA ${seconds((elapsedMs / done) * (total - done))}`;
}

export async function runDirectory(
  cases: readonly { name: string; ref: string; pred: string }[],
  options: CaseOptions,
  workers: number | undefined,
  progress: (line: string) => void,
): Promise<CaseOutput[]> {
  const n = Math.max(1, Math.min(workers ?? availableParallelism(), cases.length));
  const results: CaseOutput[] = new Array(cases.length);
  let next = 0,
    done = 0;
  const started = performance.now();
  const pool = Array.from({ length: n }, startWorker);
  try {
    await new Promise<void>((resolve, reject) => {
      const feed = (w: Worker) => {
        if (next >= cases.length) return;
        const index = next++;
        const req: WorkerRequest = { index, files: { ref: cases[index].ref, pred: cases[index].pred }, options };
        w.postMessage(req);
      };
      for (const w of pool) {
        w.on('message', (m: WorkerReply) => {
          if (!m.ok) {
            reject(m.badInput ? new BadInput(`${cases[m.index].name}: ${m.message}`) : new Error(`${cases[m.index].name}: ${m.message}`));
            return;
          }
          results[m.index] = m.result as CaseOutput;
          done++;
          progress(`[${done}/${cases.length}] ${cases[m.index].name}  ${eta(performance.now() - started, done, cases.length)}`);
          if (done === cases.length) resolve();
          else feed(w);
        });
        w.on('error', reject);
        feed(w);
      }
    });
  } finally {
    await Promise.all(pool.map((w) => w.terminate()));
  }
  return results;
}

/** Per-convention summaries of binary cases (a single convention or `all`). */
function summariseConventions(
  outputs: readonly PerConvention<ConventionResult>[],
  convention: ConventionName | 'all',
  thresholdMl: number | undefined,
): PerConvention<ConventionSummary> {
  if (convention !== 'all') return summariseConvention(outputs as ConventionResult[], { thresholdMl });
  const all = outputs as Record<ConventionName, ConventionResult>[];
  return {
    use: summariseConvention(
      all.map((o) => o.use),
      { thresholdMl },
    ),
    isles22: summariseConvention(
      all.map((o) => o.isles22),
      { thresholdMl },
    ),
    metricsreloaded: summariseConvention(
      all.map((o) => o.metricsreloaded),
      { thresholdMl },
    ),
  };
}

/** With --labels: each label summarised over the cases as a binary run would be, and the per-case label means. */
export interface LabelSummary {
  readonly labels: Record<string, PerConvention<ConventionSummary>>;
  readonly label_mean: PerConvention<MetricsSummary>;
}

export type Summary = PerConvention<ConventionSummary> | LabelSummary;

/** The run's summary from its case outputs. */
export function summarise(outputs: readonly CaseOutput[], options: CaseOptions): Summary {
  const { convention, thresholdMl, labels } = options;
  if (!labels) return summariseConventions(outputs as PerConvention<ConventionResult>[], convention, thresholdMl);
  const labelled = outputs as LabelResults[];
  const means = labelled.map((o) => o.label_mean);
  return {
    labels: Object.fromEntries(
      labels.map((L) => [
        String(L),
        summariseConventions(
          labelled.map((o) => o.labels[String(L)]),
          convention,
          thresholdMl,
        ),
      ]),
    ),
    label_mean:
      convention === 'all'
        ? {
            use: summariseMetrics(means.map((m) => (m as Record<ConventionName, LabelMean>).use)),
            isles22: summariseMetrics(means.map((m) => (m as Record<ConventionName, LabelMean>).isles22)),
            metricsreloaded: summariseMetrics(means.map((m) => (m as Record<ConventionName, LabelMean>).metricsreloaded)),
          }
        : summariseMetrics(means),
  };
}
