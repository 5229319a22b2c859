/**
 * The dashboard's controller: compute it for the project's cases (reviewers and admins) or for the
 * seeded synthetic cohort, cancel, change what is shown, open a case in the viewer. Made once at
 * start-up (startApp.ts); it holds the dashboard's store, its worker pool and the running job.
 *
 * Results stream back from the worker pool one case at a time, but the store is updated at most
 * every FLUSH_MS: a React render per case would cost the UI thread more than the case itself.
 * Nothing here throws; problems become the dashboard's message.
 */
import type { QuorumApi } from '../../src-shared/api/contract';
import type { ComparisonChoice, DatasetLabelChoice } from '../../src-shared/evaluation/datasetRows';
import { syntheticCaseInput, syntheticCohort } from '../../src-shared/evaluation/datasetSynthetic';
import type { CaseEvaluation, CaseSourcesInput, ConventionName, EvaluationOptions, UncertainAs } from '../../src-shared/evaluation/types';
import { transferablesOf, type MetricsWorkerRequest } from '../../src-shared/evaluation/workerProtocol';
import type { Stratum } from '../../src-shared/metrics/aggregate';
import { CONVENTIONS } from '../../src-shared/metrics/conventions/types';
import { labelsEvaluated } from '../../src-shared/project/labelTable';
import type { AnnotationState } from '../state/annotationState';
import type { Workspace } from '../state/appState';
import { createStore, type Store } from '../state/createStore';
import {
  initialDashboardState,
  type DashboardCase,
  type DashboardComputeOptions,
  type DashboardEvents,
  type DashboardState,
  type DashboardView,
} from '../state/dashboardState';
import type { LoadedCaseSources } from '../state/evaluationSources';
import type { MetricsPool, PoolJob } from '../workers/metricsPool';

const FLUSH_MS = 250;

export interface DashboardDeps {
  readonly api: Pick<QuorumApi, 'quorum:projectCase.list' | 'quorum:app.info'>;
  readonly annotation: Pick<Store<AnnotationState, never>, 'getState'>;
  readonly loadCaseSources: (token: string, caseId: string) => Promise<LoadedCaseSources>;
  /** The metrics worker pool, made on the first compute. */
  readonly createPool: () => MetricsPool<CaseEvaluation>;
  readonly openCasePath: (path: string) => Promise<boolean>;
  readonly showWorkspace: (workspace: Workspace) => void;
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

export class DashboardController {
  readonly store: Store<DashboardState, DashboardEvents> = createStore(initialDashboardState);
  private pool: MetricsPool<CaseEvaluation> | null = null;
  /** The running computation; a newer one or Cancel aborts it. */
  private abort: AbortController | null = null;
  /** The app's version for export headers, asked once. */
  private version: Promise<string> | null = null;

  constructor(private readonly deps: DashboardDeps) {}

  private update(patch: Partial<DashboardState>): void {
    this.store.update((s) => ({ ...s, ...patch }));
  }

  private say(text: string, error = false): void {
    this.update({ message: { text, error } });
  }

  /** Runs jobs through the pool, batching the results into the store. */
  private async runJobs(
    cases: readonly DashboardCase[],
    jobs: readonly PoolJob[],
    source: DashboardState['source'],
    sourceLabel: string,
  ): Promise<void> {
    const store = this.store;
    this.abort?.abort();
    const computeOptions = store.getState().computeOptions;
    this.update({
      source,
      sourceLabel,
      cases,
      evaluations: new Map(),
      running: true,
      progress: { total: jobs.length, done: 0, failed: 0, running: 0 },
      computedWith: computeOptions,
      message: null,
    });
    this.pool ??= this.deps.createPool();
    const ac = new AbortController();
    this.abort = ac;
    const fresh = new Map<string, CaseEvaluation>();
    const statuses = new Map<string, { status: DashboardCase['status']; error: string | null }>();
    let timer: ReturnType<typeof setTimeout> | null = null;
    let latest = store.getState().progress;
    const flush = () => {
      timer = null;
      if (this.abort !== ac) return;
      store.update((st) => {
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
    const out = await this.pool.run(jobs, {
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
    if (this.abort !== ac) return; // a newer run replaced this one
    flush();
    this.abort = null;
    const ms = performance.now() - t0;
    this.update({ running: false, lastRunMs: ms });
    if (out.cancelled) {
      // Cases never computed say so instead of "computing…" forever.
      store.update((st) => ({
        ...st,
        cases: st.cases.map((c) => (c.status === 'pending' ? { ...c, status: 'error', error: 'cancelled' } : c)),
        message: { text: `Cancelled after ${out.done} of ${jobs.length} cases.`, error: false },
      }));
    }
    if (out.failed > 0) this.say(`${out.failed} of ${jobs.length} cases could not be evaluated; their rows say why.`, true);
    store.emit('runFinished', { done: out.done, failed: out.failed, cancelled: out.cancelled, ms });
  }

  /** The project's cases, with each case's newest submitted rater labelmaps and model result (reviewers and admins). */
  async computeProject(): Promise<void> {
    const signedIn = this.deps.annotation.getState().signedIn;
    if (!signedIn) {
      this.say('Sign in (sidebar, Annotation) as a reviewer or admin to compute the dashboard for the project.', true);
      return;
    }
    if (signedIn.role === 'annotator') {
      this.say(
        'The dashboard compares raters with each other, so annotators cannot see it (blinding). Sign in as a reviewer or admin.',
        true,
      );
      return;
    }
    const listed = await this.deps.api['quorum:projectCase.list']({ session: signedIn.token });
    if (!listed.ok) {
      this.say(`The project's cases could not be listed: ${listed.error.message}`, true);
      return;
    }
    // The project's certain labels one by one (a table with several), as the metrics panel evaluates them.
    const options = evaluationOptions(this.store.getState().computeOptions, labelsEvaluated(this.deps.annotation.getState().labels));
    const cases: DashboardCase[] = listed.value.map((c) => ({
      caseId: c.caseId,
      name: c.name,
      path: c.series[0]?.path ?? null,
      status: 'pending',
      error: null,
    }));
    const jobs: PoolJob[] = listed.value.map((c) => ({
      id: c.caseId,
      prepare: async () => request(c.caseId, (await this.deps.loadCaseSources(signedIn.token, c.caseId)).input, options),
    }));
    await this.runJobs(cases, jobs, 'project', 'project cases');
  }

  /** The seeded synthetic cohort (analytic balls, 128×128×64): the benchmark's load, and a demo without data. */
  async computeSynthetic(count = 100, seed = 7): Promise<void> {
    const options = evaluationOptions(this.store.getState().computeOptions);
    const specs = syntheticCohort({ cases: count, seed });
    const cases: DashboardCase[] = specs.map((s) => ({ caseId: s.caseId, name: s.name, path: null, status: 'pending', error: null }));
    const jobs: PoolJob[] = specs.map((spec) => ({
      id: spec.caseId,
      prepare: () => Promise.resolve(request(spec.caseId, syntheticCaseInput(spec), options)),
    }));
    await this.runJobs(cases, jobs, 'synthetic', `synthetic cohort (${count} cases, seed ${seed})`);
  }

  cancel(): void {
    this.abort?.abort();
  }

  private setView(patch: Partial<DashboardView>): void {
    this.store.update((s) => ({ ...s, view: { ...s.view, ...patch } }));
  }

  chooseConvention(convention: ConventionName): void {
    this.setView({ convention });
  }

  chooseComparison(comparison: ComparisonChoice): void {
    this.setView({ comparison });
  }

  chooseLabel(label: DatasetLabelChoice): void {
    this.setView({ label });
  }

  choosePlotMetric(plotMetric: string): void {
    this.setView({ plotMetric });
  }

  /** Sorts by `key`; the same key again flips the direction. */
  sortBy(key: string): void {
    const v = this.store.getState().view;
    this.setView(
      v.sortKey === key ? { sortDirection: v.sortDirection === 'asc' ? 'desc' : 'asc' } : { sortKey: key, sortDirection: 'asc' },
    );
  }

  filter(filterText: string, filterStratum: Stratum | 'all'): void {
    this.setView({ filterText, filterStratum });
  }

  /** Threshold and uncertain-voxel rule are computation options: the next compute uses them. */
  setComputeOptions(patch: { thresholdMl?: number; uncertainAs?: UncertainAs }): void {
    if (patch.thresholdMl !== undefined && !(patch.thresholdMl >= 0 && Number.isFinite(patch.thresholdMl))) {
      this.say(`The threshold must be a volume ≥ 0 ml, not ${patch.thresholdMl}.`, true);
      return;
    }
    this.store.update((s) => ({ ...s, computeOptions: { ...s.computeOptions, ...patch }, message: null }));
  }

  /** Opens a project case in the Viewer workspace. */
  async openCase(caseId: string): Promise<void> {
    const c = this.store.getState().cases.find((x) => x.caseId === caseId);
    if (!c?.path) {
      this.say('Synthetic cases exist only in memory; there is nothing to open.', false);
      return;
    }
    this.deps.showWorkspace('viewer');
    await this.deps.openCasePath(c.path);
  }

  /** The app's version for export headers. */
  toolVersion(): Promise<string> {
    this.version ??= this.deps.api['quorum:app.info']({}).then((r) => (r.ok ? r.value.version : 'unknown'));
    return this.version;
  }
}
