/**
 * What to compute (the project's cases or the synthetic cohort; T and the uncertain-voxel rule)
 * and what to show (convention, comparison, label, plotted metric), with the progress bar while the pool
 * runs.
 */
import { useState } from 'react';
import type { ComparisonChoice, ComparisonOption, DatasetLabelChoice } from '../../../../src-shared/evaluation/datasetRows';
import { UNCERTAIN_LABELS } from '../../../../src-shared/evaluation/defaults';
import type { ConventionName, UncertainAs } from '../../../../src-shared/evaluation/types';
import { useAnnotationState } from '../../../state/annotationState';
import { useControllers, useStoreState } from '../../../controllers/ControllersContext';
import { metricColumns } from '../../../../src-shared/evaluation/metricCatalog';

const CONVENTION_LABEL: Record<ConventionName, string> = { use: 'USE-Evaluator', isles22: "ISLES'22", metricsreloaded: 'MetricsReloaded' };

export function DashboardControls({
  options,
  comparison,
  labels,
  label,
  metricKeys,
}: {
  options: readonly ComparisonOption[];
  comparison: ComparisonOption;
  labels: readonly number[];
  label: DatasetLabelChoice | null;
  metricKeys: readonly string[];
}) {
  const { dashboard } = useControllers();
  const table = useAnnotationState((s) => s.labels);
  const running = useStoreState(dashboard.store, (s) => s.running);
  const progress = useStoreState(dashboard.store, (s) => s.progress);
  const compute = useStoreState(dashboard.store, (s) => s.computeOptions);
  const computedWith = useStoreState(dashboard.store, (s) => s.computedWith);
  const view = useStoreState(dashboard.store, (s) => s.view);
  const column = metricColumns(view.convention);
  const lastRunMs = useStoreState(dashboard.store, (s) => s.lastRunMs);
  const [count, setCount] = useState(100);
  const [thresholdText, setThresholdText] = useState(String(compute.thresholdMl));
  const stale =
    computedWith !== null && (computedWith.thresholdMl !== compute.thresholdMl || computedWith.uncertainAs !== compute.uncertainAs);
  const fraction = progress && progress.total > 0 ? (progress.done + progress.failed) / progress.total : 0;

  return (
    <div className="dash-controls">
      <div className="dash-row">
        <button type="button" data-testid="dash-compute-project" disabled={running} onClick={() => void dashboard.computeProject()}>
          Compute for the project's cases
        </button>
        <span className="muted">or</span>
        <button
          type="button"
          data-testid="dash-compute-synthetic"
          disabled={running}
          onClick={() => void dashboard.computeSynthetic(count)}
        >
          Synthetic cohort
        </button>
        <input
          type="number"
          min={1}
          max={500}
          className="dash-count"
          aria-label="Synthetic cases"
          data-testid="dash-synthetic-count"
          value={count}
          onChange={(e) => setCount(Math.max(1, Math.min(500, Math.round(Number(e.target.value)) || 1)))}
        />
        <label title="USE-Evaluator's small threshold: a mask is small when !(volume > T). Also the image-level detection threshold.">
          T (ml)
          <input
            type="number"
            min={0}
            step={0.01}
            className="dash-count"
            data-testid="dash-threshold"
            value={thresholdText}
            onChange={(e) => setThresholdText(e.target.value)}
            onBlur={() => dashboard.setComputeOptions({ thresholdMl: Number(thresholdText) })}
          />
        </label>
        <label title="How a rater's uncertain voxel (label 2) counts">
          uncertain
          <select
            data-testid="dash-uncertain"
            value={compute.uncertainAs}
            onChange={(e) => dashboard.setComputeOptions({ uncertainAs: e.target.value as UncertainAs })}
          >
            {(Object.keys(UNCERTAIN_LABELS) as UncertainAs[]).map((u) => (
              <option key={u} value={u}>
                {UNCERTAIN_LABELS[u]}
              </option>
            ))}
          </select>
        </label>
        {running && (
          <button type="button" data-testid="dash-cancel" onClick={() => dashboard.cancel()}>
            Cancel
          </button>
        )}
      </div>
      {progress && (
        <div className="dash-progress-line">
          <progress
            data-testid="dash-progress"
            max={progress.total}
            value={progress.done + progress.failed}
            aria-valuetext={`${progress.done + progress.failed} of ${progress.total} cases`}
          />
          <span data-testid="dash-progress-text" data-state={running ? 'running' : 'done'}>
            {progress.done + progress.failed} / {progress.total} cases
            {progress.failed > 0 ? `, ${progress.failed} failed` : ''}
            {running ? ` (${Math.round(fraction * 100)}%)` : lastRunMs !== null ? ` in ${(lastRunMs / 1000).toFixed(1)} s` : ''}
          </span>
        </div>
      )}
      {stale && <p className="muted">T or the uncertain rule changed since the last computation: compute again to apply them.</p>}
      <div className="dash-row">
        <label>
          convention
          <select
            data-testid="dash-convention"
            value={view.convention}
            onChange={(e) => dashboard.chooseConvention(e.target.value as ConventionName)}
          >
            {(Object.keys(CONVENTION_LABEL) as ConventionName[]).map((c) => (
              <option key={c} value={c}>
                {CONVENTION_LABEL[c]}
              </option>
            ))}
          </select>
        </label>
        <label>
          comparison
          <select
            data-testid="dash-comparison"
            value={comparison.key}
            onChange={(e) => dashboard.chooseComparison(e.target.value as ComparisonChoice)}
          >
            {options.map((o) => (
              <option key={o.key} value={o.key}>
                {o.label}
              </option>
            ))}
          </select>
        </label>
        {label !== null && (
          <label title="Tables with several certain labels: one label's metrics and volumes, or MetricsReloaded's mean over labels (NaN left out; volumes summed)">
            label
            <select
              data-testid="dash-label"
              value={String(label)}
              onChange={(e) => dashboard.chooseLabel(e.target.value === 'mean' ? 'mean' : Number(e.target.value))}
            >
              {labels.map((v) => (
                <option key={v} value={v}>
                  {table.find((l) => l.value === v)?.name ?? `label ${v}`}
                </option>
              ))}
              <option value="mean">mean over labels</option>
            </select>
          </label>
        )}
        <label>
          plotted metric
          <select data-testid="dash-plot-metric" value={view.plotMetric} onChange={(e) => dashboard.choosePlotMetric(e.target.value)}>
            {(metricKeys.includes(view.plotMetric) ? metricKeys : [view.plotMetric, ...metricKeys]).map((k) => (
              <option key={k} value={k}>
                {column(k).label}
              </option>
            ))}
          </select>
        </label>
      </div>
    </div>
  );
}
