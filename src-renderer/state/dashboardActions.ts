/**
 * Verb-named changes to the dashboard: compute it for the project's cases (reviewers and admins)
 * or for the seeded synthetic cohort, cancel, change what is shown, open a case in the viewer.
 *
 * Results stream back from the worker pool one case at a time, but the store is updated at most
 * every FLUSH_MS: a React render per case would cost the UI thread more than the case itself.
 * Nothing here throws; problems become the dashboard's message.
 */
import type { ComparisonChoice, DatasetLabelChoice } from '../../src-shared/evaluation/datasetRows';
import { syntheticCaseInput, syntheticCohort } from '../../src-shared/evaluation/datasetSynthetic';
import type { CaseEvaluation, CaseSourcesInput, ConventionName, EvaluationOptions, UncertainAs } from '../../src-shared/evaluation/types';
import { transferablesOf, type MetricsWorkerRequest } from '../../src-shared/evaluation/workerProtocol';
import type { Stratum } from '../../src-shared/metrics/aggregate';
import { CONVENTIONS } from '../../src-shared/metrics/conventions/types';
import { labelsEvaluated } from '../../src-shared/project/labelTable';
import { getApi } from '../api';
import { createMetricsWorkerPool, defaultPoolSize, type MetricsPool, type PoolJob } from '../workers/metricsPool';
import { annotationStore } from './annotationState';
import { openCasePath } from './caseActions';
import {
  dashboardStore,
  type DashboardCase,
  type DashboardComputeOptions,
  type DashboardState,
  type DashboardView,
} from './dashboardState';
import { loadCaseSources } from './evaluationSources';
import { showWorkspace } from './uiActions';

const FLUSH_MS = 250;

let pool: MetricsPool<CaseEvaluation> | null = null;
let abort: AbortController | null = null;

function update(patch: Partial<DashboardState>): void {
  dashboardStore.update((s) => ({ ...s, ...patch }));
}

function say(text: string, error = false): void {
  update({ message: { text, error } });
}

function evaluationOptions(o: DashboardComputeOptions, labels: readonly number[] | null = null): EvaluationOptions {
  // All three conventions at once: switching convention in the table is then free; so are the labels.
  return { conventions: [...CONVENTIONS], useThresholdMl: o.thresholdMl, uncertainAs: o.uncertainAs, ...(labels ? { labels } : {}) };
}

function request(
  caseId: string,
  input: CaseSourcesInput,
  options: EvaluationOptions,
): { message: MetricsWorkerRequest; transfer: ArrayBuffer[] } {
  const message: MetricsWorkerRequest = { type: 'evaluate', id: caseId, caseId, input, options };
  return { message, transfer: transferablesOf(message) };
}

/** Runs jobs through the pool, batching the results into the store. */
async function runJobs(
  cases: readonly DashboardCase[],
  jobs: readonly PoolJob[],
  source: DashboardState['source'],
  sourceLabel: string,
): Promise<void> {
  abort?.abort();
  const s = dashboardStore.getState();
  const computeOptions = s.computeOptions;
  update({
    source,
    sourceLabel,
    cases,
    evaluations: new Map(),
    running: true,
    progress: { total: jobs.length, done: 0, failed: 0, running: 0 },
    computedWith: computeOptions,
    message: null,
  });
  pool ??= createMetricsWorkerPool<CaseEvaluation>(defaultPoolSize(navigator.hardwareConcurrency));
  const ac = new AbortController();
  abort = ac;
  const fresh = new Map<string, CaseEvaluation>();
  const statuses = new Map<string, { status: DashboardCase['status']; error: string | null }>();
  let timer: ReturnType<typeof setTimeout> | null = null;
  let latest = dashboardStore.getState().progress;
  const flush = () => {
    timer = null;
    if (abort !== ac) return;
    dashboardStore.update((st) => {
      const evaluations = new Map(st.evaluations);
      for (const [k, v] of fresh) evaluations.set(k, v);
      fresh.clear();
      const casesNow = st.cases.map((c) => {
        const x = statuses.get(c.caseId);
        return x ? { ...c, ...x } : c;
      });
      statuses.clear();
      return { ...st, evaluations, cases: casesNow, progress: latest };
    });
  };
  const schedule = () => {
    timer ??= setTimeout(flush, FLUSH_MS);
  };
  const t0 = performance.now();
  const out = await pool.run(jobs, {
    signal: ac.signal,
    onResult: (id, value) => {
      fresh.set(id, value);
      statuses.set(id, { status: 'done', error: null });
      schedule();
    },
    onError: (id, message) => {
      statuses.set(id, { status: 'error', error: message });
      schedule();
    },
    onProgress: (p) => {
      latest = p;
      schedule();
    },
  });
  if (timer !== null) clearTimeout(timer);
  if (abort !== ac) return; // a newer run replaced this one
  flush();
  abort = null;
  const ms = performance.now() - t0;
  update({ running: false, lastRunMs: ms });
  if (out.cancelled) {
    // Cases never computed say so instead of "computing…" forever.
    dashboardStore.update((st) => ({
      ...st,
      cases: st.cases.map((c) => (c.status === 'pending' ? { ...c, status: 'error', error: 'cancelled' } : c)),
      message: { text: `Cancelled after ${out.done} of ${jobs.length} cases.`, error: false },
    }));
  }
  if (out.failed > 0) say(`${out.failed} of ${jobs.length} cases could not be evaluated; their rows say why.`, true);
  dashboardStore.emit('runFinished', { done: out.done, failed: out.failed, cancelled: out.cancelled, ms });
}

/** The project's cases, with each case's newest submitted rater labelmaps and model result (reviewers and admins). */
export async function computeProjectDashboard(): Promise<void> {
  const signedIn = annotationStore.getState().signedIn;
  if (!signedIn) {
    say('Sign in (sidebar, Annotation) as a reviewer or admin to compute the dashboard for the project.', true);
    return;
  }
  if (signedIn.role === 'annotator') {
    say('The dashboard compares raters with each other, so annotators cannot see it (blinding). Sign in as a reviewer or admin.', true);
    return;
  }
  const listed = await getApi()['quorum:projectCase.list']({ session: signedIn.token });
  if (!listed.ok) {
    say(`The project's cases could not be listed: ${listed.error.message}`, true);
    return;
  }
  // The project's certain labels one by one (a table with several), as the metrics panel evaluates them.
  const options = evaluationOptions(dashboardStore.getState().computeOptions, labelsEvaluated(annotationStore.getState().labels));
  const cases: DashboardCase[] = listed.value.map((c) => ({
    caseId: c.caseId,
    name: c.name,
    path: c.series[0]?.path ?? null,
    status: 'pending',
    error: null,
  }));
  const jobs: PoolJob[] = listed.value.map((c) => ({
    id: c.caseId,
    prepare: async () => request(c.caseId, (await loadCaseSources(signedIn.token, c.caseId)).input, options),
  }));
  await runJobs(cases, jobs, 'project', 'project cases');
}

/** The seeded synthetic cohort (analytic balls, 128×128×64): the benchmark's load, and a demo without data. */
export async function computeSyntheticDashboard(count = 100, seed = 7): Promise<void> {
  const options = evaluationOptions(dashboardStore.getState().computeOptions);
  const specs = syntheticCohort({ cases: count, seed });
  const cases: DashboardCase[] = specs.map((s) => ({ caseId: s.caseId, name: s.name, path: null, status: 'pending', error: null }));
  const jobs: PoolJob[] = specs.map((spec) => ({
    id: spec.caseId,
    prepare: () => Promise.resolve(request(spec.caseId, syntheticCaseInput(spec), options)),
  }));
  await runJobs(cases, jobs, 'synthetic', `synthetic cohort (${count} cases, seed ${seed})`);
}

export function cancelDashboard(): void {
  abort?.abort();
}

function setView(patch: Partial<DashboardView>): void {
  dashboardStore.update((s) => ({ ...s, view: { ...s.view, ...patch } }));
}

export function chooseDashboardConvention(convention: ConventionName): void {
  setView({ convention });
}

export function chooseDashboardComparison(comparison: ComparisonChoice): void {
  setView({ comparison });
}

export function chooseDashboardLabel(label: DatasetLabelChoice): void {
  setView({ label });
}

export function chooseDashboardPlotMetric(plotMetric: string): void {
  setView({ plotMetric });
}

/** Sorts by `key`; the same key again flips the direction. */
export function sortDashboardBy(key: string): void {
  const v = dashboardStore.getState().view;
  setView(v.sortKey === key ? { sortDirection: v.sortDirection === 'asc' ? 'desc' : 'asc' } : { sortKey: key, sortDirection: 'asc' });
}

export function filterDashboard(filterText: string, filterStratum: Stratum | 'all'): void {
  setView({ filterText, filterStratum });
}

/** Threshold and uncertain-voxel rule are computation options: the next compute uses them. */
export function setDashboardComputeOptions(patch: { thresholdMl?: number; uncertainAs?: UncertainAs }): void {
  if (patch.thresholdMl !== undefined && !(patch.thresholdMl >= 0 && Number.isFinite(patch.thresholdMl))) {
    say(`The threshold must be a volume ≥ 0 ml, not ${patch.thresholdMl}.`, true);
    return;
  }
  dashboardStore.update((s) => ({ ...s, computeOptions: { ...s.computeOptions, ...patch }, message: null }));
}

/** Opens a project case in the Viewer workspace. */
export async function openDashboardCase(caseId: string): Promise<void> {
  const c = dashboardStore.getState().cases.find((x) => x.caseId === caseId);
  if (!c?.path) {
    say('Synthetic cases exist only in memory; there is nothing to open.', false);
    return;
  }
  showWorkspace('viewer');
  await openCasePath(c.path);
}

/** The app's version for export headers (cached). */
let version: Promise<string> | null = null;
export function toolVersion(): Promise<string> {
  const api = getApi();
  version ??= api['quorum:app.info']({}).then((r) => (r.ok ? r.value.version : 'unknown'));
  return version;
}
