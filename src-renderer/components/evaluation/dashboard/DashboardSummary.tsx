/**
 * The summary tables: per metric n, NaN count, mean and median with their seeded bootstrap 95%
 * intervals; image-level detection; counts and mean of the plotted metric per stratum.
 */
import type { DatasetSummary } from '../../../../src-shared/evaluation/datasetTypes';
import { fmt, fmtCi } from './format';
import { metricColumns } from '../../../../src-shared/evaluation/metricCatalog';

export function DashboardSummary({ summary, metricKey }: { summary: DatasetSummary; metricKey: string }) {
  const column = metricColumns(summary.convention);
  const d = summary.detection;
  const b = summary.bootstrap;
  return (
    <div className="dash-summary" data-testid="dash-summary">
      <table className="dash-table dash-summary-metrics">
        <caption>
          {summary.convention}, {summary.comparison}
          {summary.label === null ? '' : `, label ${summary.label}`}, {summary.nCases} cases. Intervals: seeded {b.level * 100}% percentile
          bootstrap ({b.reps} replicates, seed {b.seed}) of the NaN-ignoring mean and median.
        </caption>
        <thead>
          <tr>
            <th>metric</th>
            <th>n</th>
            <th>NaN</th>
            <th>mean</th>
            <th>95% CI</th>
            <th>median</th>
            <th>95% CI</th>
          </tr>
        </thead>
        <tbody>
          {summary.metrics.map((m) => (
            <tr key={m.key} data-testid="dash-summary-row" data-metric={m.key} data-mean={String(m.mean)}>
              <td title={column(m.key).title}>{column(m.key).label}</td>
              <td>{m.n}</td>
              <td>{m.nNan}</td>
              <td>{fmt(m.mean)}</td>
              <td>{fmtCi(m.meanCi)}</td>
              <td>{fmt(m.median)}</td>
              <td>{fmtCi(m.medianCi)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="dash-summary-side">
        <table className="dash-table" data-testid="dash-detection">
          <caption>Image-level detection at T = {fmt(d.thresholdMl)} ml (small when !(V &gt; T)); AUC scores cases by V_thr.</caption>
          <tbody>
            <tr>
              <th>TP</th>
              <td data-testid="dash-tp">{d.tp}</td>
              <th>FN</th>
              <td data-testid="dash-fn">{d.fn}</td>
            </tr>
            <tr>
              <th>FP</th>
              <td data-testid="dash-fp">{d.fp}</td>
              <th>TN</th>
              <td data-testid="dash-tn">{d.tn}</td>
            </tr>
            <tr>
              <th>sensitivity</th>
              <td>{fmt(d.sensitivity)}</td>
              <th>specificity</th>
              <td>{fmt(d.specificity)}</td>
            </tr>
            <tr>
              <th>AUC</th>
              <td data-testid="dash-auc">{fmt(d.auc)}</td>
              <th>precision</th>
              <td>{fmt(d.precision)}</td>
            </tr>
          </tbody>
        </table>
        <table className="dash-table" data-testid="dash-strata">
          <caption>
            Strata by reference volume: small ≤ {summary.strata.thresholdsMl.smallMaxMl} ml, medium ≤{' '}
            {summary.strata.thresholdsMl.mediumMaxMl} ml.
          </caption>
          <thead>
            <tr>
              <th>stratum</th>
              <th>cases</th>
              <th>mean {column(metricKey).label}</th>
            </tr>
          </thead>
          <tbody>
            {summary.strata.rows.map((s) => (
              <tr key={s.stratum} data-testid="dash-stratum" data-stratum={s.stratum} data-count={s.count}>
                <td>{s.stratum}</td>
                <td>{s.count}</td>
                <td>{fmt(s.means[metricKey])}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
