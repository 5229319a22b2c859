/**
 * One row per case: status, stratum, volumes, image-level class and the metrics of the chosen
 * convention and comparison. Click a header to sort (again to reverse; NaN always last), filter by
 * name and stratum; click a row to open the case in the viewer.
 */
import { useMemo } from 'react';
import { detectionClass, metricKeys } from '../../../../src-shared/evaluation/datasetSummary';
import type { DatasetCaseRow } from '../../../../src-shared/evaluation/datasetTypes';
import type { Stratum } from '../../../../src-shared/metrics/aggregate';
import { useControllers } from '../../../controllers/ControllersContext';
import type { DashboardCase, DashboardView } from '../../../state/dashboardState';
import { STRATA } from '../../../plots/plotStyle';
import { fmt } from './format';
import { metricColumns } from '../../../../src-shared/evaluation/metricCatalog';
import { tableRows } from './tableRows';

const FIXED: readonly { key: string; label: string; title: string }[] = [
  { key: 'case', label: 'case', title: 'Case name' },
  { key: 'stratum', label: 'stratum', title: 'By reference volume: empty, small ≤ 1 ml, medium ≤ 70 ml, large' },
  { key: 'referenceVolumeMl', label: 'V_ref (ml)', title: "Reference volume (this comparison's reference)" },
  { key: 'modelVolumeThrMl', label: 'V_thr (ml)', title: "The prediction's volume; for the model its mask's, #(p > t)·vv at the mask's t" },
  { key: 'modelThreshold', label: 'mask p >', title: "The t of the model's mask: the threshold the saved result was made at" },
  { key: 'modelVolumeExpMl', label: 'V_exp (ml)', title: "The model's expected volume Σp·vv" },
  { key: 'class', label: 'class', title: 'Image-level class at the threshold T (USE small rule)' },
];

export function DashboardTable({
  cases,
  rows,
  view,
  thresholdMl,
}: {
  cases: readonly DashboardCase[];
  rows: readonly DatasetCaseRow[];
  view: DashboardView;
  thresholdMl: number;
}) {
  const { dashboard } = useControllers();
  const keys = useMemo(() => metricKeys(rows), [rows]);
  const column = useMemo(() => metricColumns(view.convention), [view.convention]);
  const shown = useMemo(() => tableRows(cases, rows, view, thresholdMl), [cases, rows, view, thresholdMl]);

  const header = (key: string, label: string, title: string) => (
    <th key={key} title={title} aria-sort={view.sortKey === key ? (view.sortDirection === 'asc' ? 'ascending' : 'descending') : 'none'}>
      <button type="button" className="dash-sort" data-testid="dash-sort" data-key={key} onClick={() => dashboard.sortBy(key)}>
        {label}
        {view.sortKey === key ? (view.sortDirection === 'asc' ? ' ▲' : ' ▼') : ''}
      </button>
    </th>
  );

  return (
    <div className="dash-cases">
      <div className="dash-filter">
        <input
          type="search"
          placeholder="Filter cases…"
          aria-label="Filter cases by name"
          data-testid="dash-filter"
          value={view.filterText}
          onChange={(e) => dashboard.filter(e.target.value, view.filterStratum)}
        />
        <select
          aria-label="Stratum"
          data-testid="dash-filter-stratum"
          value={view.filterStratum}
          onChange={(e) => dashboard.filter(view.filterText, e.target.value as Stratum | 'all')}
        >
          <option value="all">all strata</option>
          {STRATA.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
        <span className="muted" data-testid="dash-shown">
          {shown.length} of {cases.length} cases
        </span>
      </div>
      <div className="dash-table-scroll">
        <table className="dash-table dash-case-table" data-testid="dash-case-table">
          <thead>
            <tr>
              {FIXED.map((f) => header(f.key, f.label, f.title))}
              {keys.map((k) => header(k, column(k).label, column(k).title))}
            </tr>
          </thead>
          <tbody>
            {shown.map(({ c, row, stratum }) => (
              <tr
                key={c.caseId}
                data-testid="dash-case-row"
                data-case={c.name}
                data-status={c.status}
                className={c.path ? 'dash-openable' : undefined}
                title={c.path ? `Open ${c.name} in the viewer` : (c.error ?? undefined)}
                onClick={() => void dashboard.openCase(c.caseId)}
              >
                <td>{c.name}</td>
                <td>
                  {c.status === 'error' ? (
                    <span className="error-text">{c.error}</span>
                  ) : c.status === 'pending' ? (
                    <span className="muted">computing…</span>
                  ) : (
                    (stratum ?? '—')
                  )}
                </td>
                <td>{fmt(row?.referenceVolumeMl)}</td>
                <td>{fmt(row?.modelVolumeThrMl)}</td>
                <td data-testid="dash-model-threshold">{fmt(row?.modelThreshold)}</td>
                <td>{fmt(row?.modelVolumeExpMl)}</td>
                <td>{row ? (detectionClass(row.referenceVolumeMl, row.modelVolumeThrMl, thresholdMl) ?? '—') : '—'}</td>
                {keys.map((k) => (
                  <td key={k} data-key={k} data-value={row && k in row.metrics ? String(row.metrics[k]) : ''}>
                    {row && k in row.metrics ? fmt(row.metrics[k]) : '—'}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
