import { describe, expect, it } from 'vitest';
import { casesToCsv, casesToJson, summaryToCsv, summaryToJson } from './datasetExport';
import { summariseDataset } from './datasetSummary';
import type { DatasetCaseRow } from './datasetTypes';

const header = { tool: 'quorum', toolVersion: '9.9.9', thresholdMl: 0 };

function row(caseId: string, caseName: string, metrics: Record<string, number>): DatasetCaseRow {
  return {
    caseId,
    caseName,
    convention: 'use',
    comparison: 'model vs majority',
    label: null,
    referenceVolumeMl: 1.25,
    modelVolumeThrMl: 0,
    modelVolumeExpMl: NaN,
    modelThreshold: 0.5,
    metrics,
    modelRaterDice: [0.5, NaN],
    raterRaterDice: [0.75],
    reliability: null,
  };
}

describe('dataset exports', () => {
  const rows = [
    row('c1', 'plain', { dice: 0.1 + 0.2, hd95_mm: Infinity }),
    row('c2', 'has, comma "quoted"', { dice: NaN, 'surface_dice.2': 1 }),
  ];

  it('writes the per-case CSV with the header, full precision and the CLI spelling of non-finite values', () => {
    const lines = casesToCsv(rows, header).trimEnd().split('\n');
    expect(lines.slice(0, 4)).toEqual([
      '# Quorum dataset export: one row per case',
      '# tool: quorum 9.9.9',
      '# convention: use',
      '# comparison: model vs majority',
    ]);
    expect(lines[4]).toMatch(/^# detection threshold: 0 ml/);
    expect(lines[5]).toBe(
      'case_id,case,reference_volume_ml,model_volume_thr_ml,model_volume_exp_ml,model_threshold,dice,hd95_mm,surface_dice.2',
    );
    // 0.1 + 0.2 is 0.30000000000000004: written in full, so a re-read gives the same double.
    expect(lines[6]).toBe('c1,plain,1.25,0,NaN,0.5,0.30000000000000004,Infinity,');
    expect(lines[7]).toBe('c2,"has, comma ""quoted""",1.25,0,NaN,0.5,NaN,,1');
    expect(lines).toHaveLength(8);
  });

  it('writes the per-case JSON with NaN as a string and keeps the header fields', () => {
    const j = JSON.parse(casesToJson(rows, header)) as {
      version: string;
      convention: string;
      cases: { metrics: Record<string, unknown>; model_rater_dice: unknown[] }[];
    };
    expect(j.version).toBe('9.9.9');
    expect(j.convention).toBe('use');
    expect(j.cases[1].metrics.dice).toBe('NaN');
    expect(j.cases[0].metrics.hd95_mm).toBe('Infinity');
    expect(j.cases[0].model_rater_dice).toEqual([0.5, 'NaN']);
  });

  it('writes the summary long-form with its spread named', () => {
    const s = summariseDataset(rows, { seed: 5, reps: 100 });
    const csv = summaryToCsv(s, header);
    expect(csv).toContain('# spread: seeded 95% percentile bootstrap (100 replicates, seed 5, mulberry32)');
    expect(csv).toContain('\nmetric,dice,n,1\n');
    expect(csv).toContain('\nmetric,dice,n_nan,1\n');
    expect(csv).toContain('\nmetric,dice,mean,0.30000000000000004\n');
    // one case with reference 1.25 ml and model 0 ml at T = 0 → FN twice.
    expect(csv).toContain('\ndetection,,fn,2\n');
    expect(csv).toContain('\nstratum,medium,count,2\n');
    const j = JSON.parse(summaryToJson(s, header)) as { tool: string; detection: Record<string, unknown>; nCases: number };
    expect(j.tool).toBe('quorum');
    expect(j.nCases).toBe(2);
    expect(j.detection.fn).toBe(2);
    expect(j.detection.classes).toBeUndefined();
  });

  it('adds a label column (value or "mean") only for rows of a table with several certain labels', () => {
    const labelled = [
      { ...rows[0], label: '2' },
      { ...rows[1], label: '2' },
    ];
    const lines = casesToCsv(labelled, header).trimEnd().split('\n');
    expect(lines[5]).toMatch(/^# label: the label value, or "mean"/);
    expect(lines[6]).toBe(
      'case_id,case,label,reference_volume_ml,model_volume_thr_ml,model_volume_exp_ml,model_threshold,dice,hd95_mm,surface_dice.2',
    );
    expect(lines[7]).toBe('c1,plain,2,1.25,0,NaN,0.5,0.30000000000000004,Infinity,');
    const summary = summaryToCsv(summariseDataset(labelled, { seed: 5, reps: 10 }), header);
    expect(summary).toContain('\n# label shown: 2\n');
    expect(JSON.parse(summaryToJson(summariseDataset(labelled, { seed: 5, reps: 10 }), header))).toHaveProperty('label', '2');
    expect(JSON.parse(summaryToJson(summariseDataset(rows, { seed: 5, reps: 10 }), header))).not.toHaveProperty('label');
    expect(() => summariseDataset([labelled[0], rows[1]])).toThrow(/label 2/);
    const j = JSON.parse(casesToJson(labelled, header)) as { cases: { label?: string }[] };
    expect(j.cases.map((c) => c.label)).toEqual(['2', '2']);
    expect((JSON.parse(casesToJson(rows, header)) as { cases: object[] }).cases[0]).not.toHaveProperty('label');
  });

  it('refuses an empty export', () => {
    expect(() => casesToCsv([], header)).toThrow(/no cases/);
    expect(() => casesToJson([], header)).toThrow(/no cases/);
  });
});
