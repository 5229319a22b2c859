/**
 * One row per case: status, stratum, volumes, image-level class and the metrics of the chosen
 * convention and comparison. Click a header to sort (again to reverse; NaN always last), filter by
 * name and stratum; click a row to open the case in the viewer.
 */
import { useMemo } from 'react';
import { detectionClass, metricKeys } from '../../../../src-shared/evaluation/datasetSummary';
import type { DatasetCaseRow } from '../../../../src-shared/evaluation/datasetTypes';
import { DEFAULT_STRATA, stratumOf, type Stratum } from '../../../../src-shared/metrics/aggregate';
import { filterDashboard, openDashboardCase, sortDashboardBy } from '../../../state/dashboardActions';
import type { DashboardCase, DashboardView } from '../../../state/dashboardState';
import { STRATA } from '../../../plots/plotStyle';
import { fmt } from './format';

interface TableRow {
  readonly c: DashboardCase;
  readonly row: DatasetCaseRow | null;
  readonly stratum: Stratum | null;
}

const FIXED: readonly { key: string; label: string; title: string }[] = [
  { key: 'case', label: 'case', title: 'Case name' },
  { key: 'stratum', label: 'stratum', title: 'By reference volume: empty, small ≤ 1 ml, medium ≤ 70 ml, large' },
  { key: 'referenceVolumeMl', label: 'V_ref ml', title: "Reference volume (this comparison's reference)" },
  { key: 'modelVolumeThrMl', label: 'V_thr ml', title: "The prediction's volume; for the model #(p > 0.5)·vv" },
  { key: 'modelVolumeExpMl', label: 'V_exp ml', title: "The model's expected volume Σp·vv" },
  { key: 'class', label: 'class', title: 'Image-level class at the threshold T (USE small rule)' },
];

function sortValue(r: TableRow, key: string, thresholdMl: number): number | string {
  if (key === 'case') return r.c.name;
  if (key === 'stratum') return r.stratum === null ? NaN : STRATA.indexOf(r.stratum);
  if (key === 'class') return r.row ? (detectionClass(r.row.referenceVolumeMl, r.row.modelVolumeThrMl, thresholdMl) ?? '') : '';
  if (!r.row) return NaN;
  if (key === 'referenceVolumeMl' || key === 'modelVolumeThrMl' || key === 'modelVolumeExpMl') return r.row[key];
  return r.row.metrics[key] ?? NaN;
}

function compare(a: number | string, b: number | string): number {
  if (typeof a === 'string' || typeof b === 'string') return String(a).localeCompare(String(b), undefined, { numeric: true });
  const an = Number.isNaN(a);
  const bn = Number.isNaN(b);
  if (an || bn) return an === bn ? 0 : an ? 1 : -1;
  return a - b;
}

export function DashboardTable({ cases, rows, view, thresholdMl }: { cases: readonly DashboardCase[]; rows: readonly DatasetCaseRow[]; view: DashboardView; thresholdMl: number }) {
  const keys = useMemo(() => metricKeys(rows), [rows]);
  const shown = useMemo(() => {
    const byId = new Map(rows.map((r) => [r.caseId, r]));
    const text = view.filterText.trim().toLowerCase();
    const list: TableRow[] = cases.map((c) => {
      const row = byId.get(c.caseId) ?? null;
      return { c, row, stratum: row && !Number.isNaN(row.referenceVolumeMl) ? stratumOf(row.referenceVolumeMl, DEFAULT_STRATA) : null };
    });
    const filtered = list.filter((r) => (!text || r.c.name.toLowerCase().includes(text)) && (view.filterStratum === 'all' || r.stratum === view.filterStratum));
    const sign = view.sortDirection === 'asc' ? 1 : -1;
    return filtered.sort((a, b) => {
      const va = sortValue(a, view.sortKey, thresholdMl);
      const vb = sortValue(b, view.sortKey, thresholdMl);
      // NaN stays last whichever the direction: "undefined" is not small or large.
      if (typeof va === 'number' && typeof vb === 'number' && (Number.isNaN(va) || Number.isNaN(vb))) return compare(va, vb);
      return sign * compare(va, vb);
    });
  }, [cases, rows, view, thresholdMl]);

  const header = (key: string, label: string, title: string) => (
    <th key={key} title={title} aria-sort={view.sortKey === key ? (view.sortDirection === 'asc' ? 'ascending' : 'descending') : 'none'}>
      <button type="button" className="dash-sort" data-testid="dash-sort" data-key={key} onClick={() => sortDashboardBy(key)}>
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
          onChange={(e) => filterDashboard(e.target.value, view.filterStratum)}
        />
        <select aria-label="Stratum" data-testid="dash-filter-stratum" value={view.filterStratum} onChange={(e) => filterDashboard(view.filterText, e.target.value as Stratum | 'all')}>
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
              {keys.map((k) => header(k, k, `${view.convention}: ${k}`))}
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
                title={c.path ? `Open ${c.name} in the viewer` : c.error ?? undefined}
                onClick={() => void openDashboardCase(c.caseId)}
              >
                <td>{c.name}</td>
                <td>{c.status === 'error' ? <span className="error-text">{c.error}</span> : c.status === 'pending' ? <span className="muted">computing…</span> : (stratum ?? '—')}</td>
                <td>{fmt(row?.referenceVolumeMl)}</td>
                <td>{fmt(row?.modelVolumeThrMl)}</td>
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
