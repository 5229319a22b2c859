/**
 * The dashboard's derived data: rows for the chosen convention, comparison and label (in the cohort's
 * order, so the seeded bootstrap sees the same sequence every run), and the summary — computed
 * only once a run has finished, since 2000 bootstrap replicates per metric on every streamed
 * result would load the UI thread the pool exists to keep free.
 */
import { useMemo } from 'react';
import {
  comparisonOptions,
  datasetRow,
  labelOptions,
  type ComparisonOption,
  type DatasetLabelChoice,
} from '../../../../src-shared/evaluation/datasetRows';
import { summariseDataset } from '../../../../src-shared/evaluation/datasetSummary';
import type { DatasetCaseRow, DatasetSummary } from '../../../../src-shared/evaluation/datasetTypes';
import { DEFAULT_STRATA } from '../../../../src-shared/metrics/aggregate';
import { useControllers, useStoreState } from '../../../controllers/ControllersContext';

const BOOTSTRAP_SEED = 42;
const BOOTSTRAP_REPS = 2000;

export interface DashboardData {
  readonly options: readonly ComparisonOption[];
  readonly comparison: ComparisonOption;
  /** The labels the evaluations hold (empty under the stroke table) and the one shown. */
  readonly labels: readonly number[];
  readonly label: DatasetLabelChoice | null;
  readonly rows: readonly DatasetCaseRow[];
  readonly summary: DatasetSummary | null;
  readonly summaryError: string | null;
}

export function useDashboardData(): DashboardData {
  const { dashboard } = useControllers();
  const cases = useStoreState(dashboard.store, (s) => s.cases);
  const evaluations = useStoreState(dashboard.store, (s) => s.evaluations);
  const running = useStoreState(dashboard.store, (s) => s.running);
  const convention = useStoreState(dashboard.store, (s) => s.view.convention);
  const choice = useStoreState(dashboard.store, (s) => s.view.comparison);
  const labelChoice = useStoreState(dashboard.store, (s) => s.view.label);
  const computedWith = useStoreState(dashboard.store, (s) => s.computedWith);

  const options = useMemo(() => comparisonOptions(evaluations.values()), [evaluations]);
  const comparison = options.find((o) => o.key === choice) ?? options[0] ?? { key: 'model-majority' as const, label: 'model vs majority' };
  const labels = useMemo(() => labelOptions(evaluations.values()), [evaluations]);
  const label =
    labels.length === 0 ? null : labelChoice === 'mean' || (labelChoice !== null && labels.includes(labelChoice)) ? labelChoice : labels[0];
  const rows = useMemo(() => {
    const out: DatasetCaseRow[] = [];
    for (const c of cases) {
      const ev = evaluations.get(c.caseId);
      if (ev) out.push(datasetRow(c.caseId, c.name, ev, convention, comparison, label));
    }
    return out;
  }, [cases, evaluations, convention, comparison, label]);
  const { summary, summaryError } = useMemo(() => {
    if (running || rows.length === 0) return { summary: null, summaryError: null };
    try {
      return {
        summary: summariseDataset(rows, {
          seed: BOOTSTRAP_SEED,
          reps: BOOTSTRAP_REPS,
          thresholdMl: computedWith?.thresholdMl ?? 0,
          strata: DEFAULT_STRATA,
        }),
        summaryError: null,
      };
    } catch (e) {
      return { summary: null, summaryError: e instanceof Error ? e.message : String(e) };
    }
  }, [rows, running, computedWith]);
  return { options, comparison, labels, label, rows, summary, summaryError };
}
