/**
 * The dataset dashboard's state: which cohort is shown (the project's cases, or the seeded
 * synthetic cohort the benchmark uses), each case's evaluation as it streams back from the worker
 * pool, the run's progress, and the view settings (convention, comparison, label, threshold, sort,
 * filter, plotted metric). Held and changed only by controllers/dashboardController.ts.
 *
 * Evaluations hold all three conventions and every comparison, so switching convention or
 * comparison re-derives rows without recomputing; the threshold, tolerances and uncertain-voxel
 * rule are computation options, and changing them asks for a recompute.
 */
import type { ComparisonChoice, DatasetLabelChoice } from '../../src-shared/evaluation/datasetRows';
import type { CaseEvaluation, ConventionName, UncertainAs } from '../../src-shared/evaluation/types';
import type { Stratum } from '../../src-shared/metrics/aggregate';
import type { PoolProgress } from '../workers/metricsPool';
import { DEFAULT_UNCERTAIN_AS, DEFAULT_USE_THRESHOLD_ML } from '../../src-shared/evaluation/defaults';

export interface DashboardCase {
  readonly caseId: string;
  readonly name: string;
  /** The file or folder the viewer opens for this case; null for synthetic cases. */
  readonly path: string | null;
  readonly status: 'pending' | 'done' | 'error';
  readonly error: string | null;
}

/** What the evaluations were computed with; a change means a recompute. */
export interface DashboardComputeOptions {
  /** USE's small threshold T in ml; 0 = small means empty. Also the detection threshold. */
  readonly thresholdMl: number;
  readonly uncertainAs: UncertainAs;
}

export type SortDirection = 'asc' | 'desc';

export interface DashboardView {
  readonly convention: ConventionName;
  readonly comparison: ComparisonChoice;
  /** Under a table with several certain labels: a label or the mean over labels; null: the first label. */
  readonly label: DatasetLabelChoice | null;
  /** The metric on the y axis of "metric vs reference volume", and the table's default sort. */
  readonly plotMetric: string;
  /** A column key: 'case', 'referenceVolumeMl', 'stratum' or a metric key. */
  readonly sortKey: string;
  readonly sortDirection: SortDirection;
  /** Case-name substring filter (case-insensitive). */
  readonly filterText: string;
  readonly filterStratum: Stratum | 'all';
}

export interface DashboardState {
  readonly source: 'project' | 'synthetic' | null;
  /** Synthetic data is labelled as such wherever it is shown. */
  readonly sourceLabel: string;
  readonly cases: readonly DashboardCase[];
  /** caseId → evaluation; replaced (never mutated) as results arrive. */
  readonly evaluations: ReadonlyMap<string, CaseEvaluation>;
  readonly running: boolean;
  readonly progress: PoolProgress | null;
  /** Wall-clock ms of the last finished run. */
  readonly lastRunMs: number | null;
  readonly computeOptions: DashboardComputeOptions;
  /** The options the current evaluations were computed with (null before any run). */
  readonly computedWith: DashboardComputeOptions | null;
  readonly view: DashboardView;
  readonly message: { readonly text: string; readonly error: boolean } | null;
}

export const initialDashboardState: DashboardState = {
  source: null,
  sourceLabel: '',
  cases: [],
  evaluations: new Map(),
  running: false,
  progress: null,
  lastRunMs: null,
  computeOptions: { thresholdMl: DEFAULT_USE_THRESHOLD_ML, uncertainAs: DEFAULT_UNCERTAIN_AS },
  computedWith: null,
  view: {
    convention: 'use',
    comparison: 'model-majority',
    label: null,
    plotMetric: 'dice',
    sortKey: 'case',
    sortDirection: 'asc',
    filterText: '',
    filterStratum: 'all',
  },
  message: null,
};

export type DashboardEvents = {
  /** A run finished (or was cancelled): the bench and tests wait for it. */
  runFinished: { readonly done: number; readonly failed: number; readonly cancelled: boolean; readonly ms: number };
};
