/**
 * The dashboard table's rows: each case joined with its row (if computed), its stratum, then
 * filtered by name and stratum and sorted by a column. NaN and missing values sort last in both
 * directions — "undefined" is neither small nor large. Pure, so it is unit-tested in Node.
 */
import { detectionClass } from '../../../../src-shared/evaluation/datasetSummary';
import type { DatasetCaseRow } from '../../../../src-shared/evaluation/datasetTypes';
import { DEFAULT_STRATA, stratumOf, type Stratum } from '../../../../src-shared/metrics/aggregate';
import type { DashboardCase, DashboardView } from '../../../state/dashboardState';

export interface TableRow {
  readonly c: DashboardCase;
  readonly row: DatasetCaseRow | null;
  readonly stratum: Stratum | null;
}

const STRATUM_ORDER: readonly Stratum[] = ['empty', 'small', 'medium', 'large'];

function sortValue(r: TableRow, key: string, thresholdMl: number): number | string {
  if (key === 'case') return r.c.name;
  if (key === 'stratum') return r.stratum === null ? NaN : STRATUM_ORDER.indexOf(r.stratum);
  if (key === 'class') return r.row ? (detectionClass(r.row.referenceVolumeMl, r.row.modelVolumeThrMl, thresholdMl) ?? '') : '';
  if (!r.row) return NaN;
  if (key === 'referenceVolumeMl' || key === 'modelVolumeThrMl' || key === 'modelVolumeExpMl') return r.row[key];
  if (key === 'modelThreshold') return r.row.modelThreshold ?? NaN;
  return r.row.metrics[key] ?? NaN;
}

export function tableRows(
  cases: readonly DashboardCase[],
  rows: readonly DatasetCaseRow[],
  view: Pick<DashboardView, 'filterText' | 'filterStratum' | 'sortKey' | 'sortDirection'>,
  thresholdMl: number,
): TableRow[] {
  const byId = new Map(rows.map((r) => [r.caseId, r]));
  const text = view.filterText.trim().toLowerCase();
  const list: TableRow[] = cases.map((c) => {
    const row = byId.get(c.caseId) ?? null;
    return { c, row, stratum: row && !Number.isNaN(row.referenceVolumeMl) ? stratumOf(row.referenceVolumeMl, DEFAULT_STRATA) : null };
  });
  const filtered = list.filter(
    (r) => (!text || r.c.name.toLowerCase().includes(text)) && (view.filterStratum === 'all' || r.stratum === view.filterStratum),
  );
  const sign = view.sortDirection === 'asc' ? 1 : -1;
  return filtered.sort((a, b) => {
    const va = sortValue(a, view.sortKey, thresholdMl);
    const vb = sortValue(b, view.sortKey, thresholdMl);
    if (typeof va === 'string' || typeof vb === 'string') return sign * String(va).localeCompare(String(vb), undefined, { numeric: true });
    const an = Number.isNaN(va);
    const bn = Number.isNaN(vb);
    if (an || bn) return an === bn ? 0 : an ? 1 : -1;
    return sign * (va - vb);
  });
}
