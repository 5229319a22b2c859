/**
 * The dashboard's exports: the per-case table and the summary as CSV and JSON. Every file opens
 * with what produced it (tool and version), the convention and the comparison, so a number never
 * travels without its definition. Numbers are written as the `evaluate` CLI writes them: full
 * precision (String(x)), non-finite values as "NaN", "Infinity", "-Infinity", so an export and the
 * CLI's output compare exactly.
 *
 * CSV: the header lines start with "# " (pandas: `read_csv(..., comment='#')`); then one table.
 * The summary CSV is long ("tidy"): section, name, statistic, value.
 * Environment-free.
 */
import type { DatasetCaseRow, DatasetSummary } from './datasetTypes';
import { metricKeys } from './datasetSummary';

export interface ExportHeader {
  /** e.g. "quorum" */
  readonly tool: string;
  readonly toolVersion: string;
  /** Detection threshold T in ml used for the image-level classes. */
  readonly thresholdMl: number;
}

type Cell = string | number | null;

function formatNumber(v: number): string {
  return Number.isNaN(v) ? 'NaN' : v === Infinity ? 'Infinity' : v === -Infinity ? '-Infinity' : String(v);
}

function cell(v: Cell): string {
  if (v === null) return '';
  const s = typeof v === 'number' ? formatNumber(v) : v;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function headerLines(kind: string, h: ExportHeader, convention: string, comparison: string): string[] {
  return [
    `# ${kind}`,
    `# tool: ${h.tool} ${h.toolVersion}`,
    `# convention: ${convention}`,
    `# comparison: ${comparison}`,
    `# detection threshold: ${formatNumber(h.thresholdMl)} ml (a mask is small when !(volume > T))`,
  ];
}

const LABEL_LINE = `# label: the label value, or "mean" (MetricsReloaded's mean over labels; volumes are the labels' sum)`;

/** Fixed columns of the per-case table, then the metrics in first-seen order. */
const CASE_COLUMNS = ['case_id', 'case', 'reference_volume_ml', 'model_volume_thr_ml', 'model_volume_exp_ml', 'model_threshold'] as const;

export function casesToCsv(rows: readonly DatasetCaseRow[], h: ExportHeader): string {
  if (rows.length === 0) throw new Error('casesToCsv: no cases to export');
  const keys = metricKeys(rows);
  const lines = headerLines('Quorum dataset export: one row per case', h, rows[0].convention, rows[0].comparison);
  // Only tables with several certain labels get the column, so a stroke project's export is as before.
  const labelled = rows[0].label !== null;
  if (labelled) lines.push(LABEL_LINE);
  const [id, name, ...rest] = CASE_COLUMNS;
  lines.push([id, name, ...(labelled ? ['label'] : []), ...rest, ...keys].map(cell).join(','));
  for (const r of rows) {
    const fixed: Cell[] = [
      r.caseId,
      r.caseName,
      ...(labelled ? [r.label] : []),
      r.referenceVolumeMl,
      r.modelVolumeThrMl,
      r.modelVolumeExpMl,
      r.modelThreshold,
    ];
    // A metric the convention does not define for this row is an empty cell, not NaN.
    lines.push([...fixed, ...keys.map((k) => (k in r.metrics ? r.metrics[k] : null))].map(cell).join(','));
  }
  return lines.join('\n') + '\n';
}

/** JSON.stringify with non-finite numbers as the CLI's strings. */
function toExportJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? formatNumber(v) : v), 2) + '\n';
}

export function casesToJson(rows: readonly DatasetCaseRow[], h: ExportHeader): string {
  if (rows.length === 0) throw new Error('casesToJson: no cases to export');
  return toExportJson({
    tool: h.tool,
    version: h.toolVersion,
    convention: rows[0].convention,
    comparison: rows[0].comparison,
    threshold_ml: h.thresholdMl,
    cases: rows.map((r) => ({
      case_id: r.caseId,
      case: r.caseName,
      ...(r.label === null ? {} : { label: r.label }),
      reference_volume_ml: r.referenceVolumeMl,
      model_volume_thr_ml: r.modelVolumeThrMl,
      model_threshold: r.modelThreshold,
      model_volume_exp_ml: r.modelVolumeExpMl,
      metrics: r.metrics,
      model_rater_dice: r.modelRaterDice,
      rater_rater_dice: r.raterRaterDice,
    })),
  });
}

/** The summary as long rows: [section, name, statistic, value]. */
function summaryRows(s: DatasetSummary): [string, string, string, Cell][] {
  const out: [string, string, string, Cell][] = [];
  for (const m of s.metrics) {
    out.push(
      ['metric', m.key, 'n', m.n],
      ['metric', m.key, 'n_nan', m.nNan],
      ['metric', m.key, 'mean', m.mean],
      ['metric', m.key, 'median', m.median],
    );
    out.push(['metric', m.key, 'mean_ci95_lo', m.meanCi[0]], ['metric', m.key, 'mean_ci95_hi', m.meanCi[1]]);
    out.push(['metric', m.key, 'median_ci95_lo', m.medianCi[0]], ['metric', m.key, 'median_ci95_hi', m.medianCi[1]]);
  }
  const d = s.detection;
  for (const [k, v] of [
    ['threshold_ml', d.thresholdMl],
    ['tp', d.tp],
    ['tn', d.tn],
    ['fp', d.fp],
    ['fn', d.fn],
    ['sensitivity', d.sensitivity],
    ['specificity', d.specificity],
    ['precision', d.precision],
    ['auc_volume', d.auc],
  ] as const)
    out.push(['detection', '', k, v]);
  for (const st of s.strata.rows) {
    out.push(['stratum', st.stratum, 'count', st.count]);
    for (const [k, v] of Object.entries(st.means)) out.push(['stratum', st.stratum, `mean.${k}`, v]);
  }
  out.push(
    ['strata', '', 'small_max_ml', s.strata.thresholdsMl.smallMaxMl],
    ['strata', '', 'medium_max_ml', s.strata.thresholdsMl.mediumMaxMl],
  );
  for (const [name, ba] of [
    ['thresholded', s.volume.thresholded],
    ['expected', s.volume.expected],
  ] as const) {
    out.push(['bland_altman', name, 'n', ba.n], ['bland_altman', name, 'bias_ml', ba.bias], ['bland_altman', name, 'sd_ml', ba.sd]);
    out.push(['bland_altman', name, 'loa_low_ml', ba.loaLow], ['bland_altman', name, 'loa_high_ml', ba.loaHigh]);
  }
  if (s.reliability) {
    out.push(
      ['reliability', s.reliability.convention, 'ece', s.reliability.ece],
      ['reliability', s.reliability.convention, 'voxels', s.reliability.voxels],
    );
    for (const b of s.reliability.bins) {
      const name = `[${b.lo.toFixed(1)},${b.hi.toFixed(1)})`;
      out.push(
        ['reliability_bin', name, 'count', b.count],
        ['reliability_bin', name, 'confidence', b.confidence],
        ['reliability_bin', name, 'frequency', b.frequency],
      );
    }
  }
  return out;
}

export function summaryToCsv(s: DatasetSummary, h: ExportHeader): string {
  const lines = headerLines('Quorum dataset summary', h, s.convention, s.comparison);
  if (s.label !== null) lines.push(LABEL_LINE, `# label shown: ${s.label}`);
  lines.push(
    `# spread: seeded ${s.bootstrap.level * 100}% percentile bootstrap (${s.bootstrap.reps} replicates, seed ${s.bootstrap.seed}, mulberry32) of the NaN-ignoring mean and median`,
  );
  lines.push('section,name,statistic,value');
  for (const r of summaryRows(s)) lines.push(r.map(cell).join(','));
  return lines.join('\n') + '\n';
}

export function summaryToJson(s: DatasetSummary, h: ExportHeader): string {
  // The per-case detection classes are in the per-case export; the summary keeps the counts.
  const { classes: _classes, ...detection } = s.detection;
  // A label only under several certain labels, as in the per-case exports.
  const { label, ...rest } = s;
  return toExportJson({ tool: h.tool, version: h.toolVersion, ...rest, ...(label === null ? {} : { label }), detection });
}
