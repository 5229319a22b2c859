/**
 * The dataset dashboard workspace (issue 7): compute every case's evaluation in the metrics worker
 * pool (progress, cancel), then the per-case table (sortable, filterable, a row opens the case in
 * the viewer), the summary (means and medians with bootstrap CIs, detection, strata), the plots
 * and the exports. Thin: the data comes from dashboard/useDashboardData.ts, the work from
 * controllers/dashboardController.ts.
 */
import { metricKeys } from '../../../src-shared/evaluation/datasetSummary';
import { useControllers, useStoreState } from '../../controllers/ControllersContext';
import './dashboard/dashboard.css';
import { CalibrationSection } from './dashboard/CalibrationSection';
import { DashboardControls } from './dashboard/DashboardControls';
import { DashboardExports } from './dashboard/DashboardExports';
import { DashboardPlots } from './dashboard/DashboardPlots';
import { DashboardSummary } from './dashboard/DashboardSummary';
import { DashboardTable } from './dashboard/DashboardTable';
import { useDashboardData } from './dashboard/useDashboardData';

export function DashboardView() {
  const { dashboard } = useControllers();
  const cases = useStoreState(dashboard.store, (s) => s.cases);
  const view = useStoreState(dashboard.store, (s) => s.view);
  const source = useStoreState(dashboard.store, (s) => s.source);
  const sourceLabel = useStoreState(dashboard.store, (s) => s.sourceLabel);
  const message = useStoreState(dashboard.store, (s) => s.message);
  const running = useStoreState(dashboard.store, (s) => s.running);
  const thresholdMl = useStoreState(dashboard.store, (s) => s.computedWith?.thresholdMl ?? 0);
  const { options, comparison, labels, label, rows, summary, summaryError } = useDashboardData();
  const keys = metricKeys(rows);
  const metricKey = keys.includes(view.plotMetric) ? view.plotMetric : (keys[0] ?? view.plotMetric);
  const stem = `quorum-${source === 'synthetic' ? 'synthetic' : 'dataset'}-${view.convention}-${comparison.key.replace(/[^a-z0-9-]+/gi, '_')}${label === null ? '' : `-label-${label}`}`;

  return (
    <div className="dashboard" data-testid="dashboard">
      <h2>
        Dataset dashboard
        {source && (
          <span className={source === 'synthetic' ? 'dash-source synthetic' : 'dash-source'} data-testid="dash-source">
            {sourceLabel}
            {source === 'synthetic' ? ' — synthetic data' : ''}
          </span>
        )}
      </h2>
      <DashboardControls options={options} comparison={comparison} labels={labels} label={label} metricKeys={keys} />
      {message && (
        <p className={message.error ? 'error-text' : 'muted'} data-testid="dash-message">
          {message.text}
        </p>
      )}
      {cases.length > 0 && <DashboardExports rows={rows} summary={summary} thresholdMl={thresholdMl} stem={stem} />}
      {cases.length > 0 && <DashboardTable cases={cases} rows={rows} view={view} thresholdMl={thresholdMl} />}
      {running && <p className="muted">The summary and plots appear when every case is computed.</p>}
      {summaryError && <p className="error-text">{summaryError}</p>}
      {summary && <DashboardSummary summary={summary} metricKey={metricKey} />}
      {summary && <DashboardPlots rows={rows} summary={summary} metricKey={metricKey} stem={stem} />}
      {source === 'project' && <CalibrationSection />}
      {cases.length === 0 && !running && (
        <p className="muted">
          Compute the dashboard for the project's cases (signed in as a reviewer or admin), or for a seeded synthetic cohort of analytic
          lesions.
        </p>
      )}
    </div>
  );
}
