import { describe, expect, it } from 'vitest';
import type { DatasetCaseRow } from '../../../../src-shared/evaluation/datasetTypes';
import type { DashboardCase } from '../../../state/dashboardState';
import { tableRows } from './tableRows';

const c = (caseId: string): DashboardCase => ({ caseId, name: caseId, path: null, status: 'done', error: null });
const r = (caseId: string, ref: number, dice: number): DatasetCaseRow => ({
  caseId,
  caseName: caseId,
  convention: 'use',
  comparison: 'model vs majority',
  label: null,
  referenceVolumeMl: ref,
  modelVolumeThrMl: ref,
  modelVolumeExpMl: NaN,
  modelThreshold: 0.5,
  metrics: { dice },
  modelRaterDice: [],
  raterRaterDice: [],
  reliability: null,
});

// case-10 has no row yet (still computing): it sorts like NaN.
const cases = ['case-2', 'case-10', 'case-1', 'case-3', 'Case-4'].map(c);
const rows = [r('case-2', 0.5, 0.7), r('case-1', 0, NaN), r('case-3', 12, 0.9), r('Case-4', 80, 0.2)];
const view = { filterText: '', filterStratum: 'all' as const, sortKey: 'dice', sortDirection: 'asc' as const };

describe('dashboard table rows', () => {
  it('sorts by a metric with NaN and missing rows last in both directions', () => {
    expect(tableRows(cases, rows, view, 0).map((x) => x.c.caseId)).toEqual(['Case-4', 'case-2', 'case-3', 'case-10', 'case-1']);
    expect(tableRows(cases, rows, { ...view, sortDirection: 'desc' }, 0).map((x) => x.c.caseId)).toEqual([
      'case-3',
      'case-2',
      'Case-4',
      'case-10',
      'case-1',
    ]);
  });

  it('sorts names naturally and strata in size order', () => {
    expect(tableRows(cases, rows, { ...view, sortKey: 'case' }, 0).map((x) => x.c.caseId)).toEqual([
      'case-1',
      'case-2',
      'case-3',
      'Case-4',
      'case-10',
    ]);
    expect(tableRows(cases, rows, { ...view, sortKey: 'stratum' }, 0).map((x) => x.stratum)).toEqual([
      'empty',
      'small',
      'medium',
      'large',
      null,
    ]);
  });

  it('filters by name (case-insensitive) and by stratum', () => {
    expect(tableRows(cases, rows, { ...view, filterText: ' CASE-4 ' }, 0).map((x) => x.c.caseId)).toEqual(['Case-4']);
    expect(tableRows(cases, rows, { ...view, filterStratum: 'small' }, 0).map((x) => x.c.caseId)).toEqual(['case-2']);
    // A case without a row has no stratum, so any stratum filter hides it.
    expect(tableRows(cases, rows, { ...view, filterStratum: 'empty' }, 0).map((x) => x.c.caseId)).toEqual(['case-1']);
  });
});
