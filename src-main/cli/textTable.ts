/**
 * `--format text`: the JSON's numbers as aligned plain-text tables, for a person at a terminal.
 * Numbers are rounded to 6 significant digits (JSON and CSV keep every digit); "-" marks a metric
 * the convention does not define; matrices and per-rater lists are printed as JSON.
 */
import type { LabelResults, PerConvention } from '../../src-shared/metrics/conventions/labels';
import type { ConventionName, ConventionResult } from '../../src-shared/metrics/conventions/types';
import type { ConventionSummary, MetricsSummary } from '../../src-shared/metrics/summary';
import type { Summary } from './directory';
import type { CaseOutput } from './evaluateCase';
import { flatten, nonFinite, type Flat } from './serialize';

const DIGITS = 6;

function rounded(v: number): string {
  if (!Number.isFinite(v)) return nonFinite(v);
  return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(DIGITS)));
}

function cell(v: Flat[string] | undefined): string {
  if (v === null || v === undefined) return '-';
  if (typeof v === 'number') return rounded(v);
  // flatten keeps arrays whole as JSON text; round their numbers too.
  if (typeof v === 'string' && v.startsWith('['))
    return JSON.stringify(JSON.parse(v), (_k, x: unknown) => (typeof x === 'number' ? Number(rounded(x)) : x));
  return String(v);
}

/** Columns padded to their widest cell; the first (labels) left-aligned, the values right-aligned. */
function render(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (r: readonly string[]) =>
    r
      .map((s, c) => (c === 0 ? s.padEnd(widths[c]) : s.padStart(widths[c])))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n') + '\n';
}

/**
 * Rows of dotted keys, one column per flattened object. Keys are grouped by their first segment in
 * first-seen order, so a block one convention lacks (null) sits beside the other conventions' rows
 * of that block (surface_dice.1 next to surface_dice.2), and the bare null row is dropped where
 * another column has the block's rows.
 */
function keyedTable(label: string, columns: readonly [string, Flat][], skip: ReadonlySet<string>): string {
  const groups = new Map<string, string[]>();
  for (const [, flat] of columns)
    for (const k of Object.keys(flat)) {
      if (skip.has(k)) continue;
      const g = k.split('.')[0];
      const list = groups.get(g) ?? [];
      if (!list.includes(k)) list.push(k);
      groups.set(g, list);
    }
  const keys = [...groups].flatMap(([g, list]) => (list.length > 1 ? list.filter((k) => k !== g) : list));
  return render(
    [label, ...columns.map(([name]) => name)],
    keys.map((k) => [k, ...columns.map(([, flat]) => cell(flat[k]))]),
  );
}

function isOneConvention(o: PerConvention<ConventionResult>): o is ConventionResult {
  return typeof (o as ConventionResult).convention === 'string';
}

function isLabelled(o: CaseOutput): o is LabelResults {
  return 'labels' in o && 'label_mean' in o;
}

const FOOTNOTE = `- = not defined by the convention; numbers rounded to ${DIGITS} significant digits (use --format json for all digits)\n`;

/** One case: a row per metric, a column per convention; with --labels, a table per convention with a column per label. */
export function caseText(result: CaseOutput): string {
  if (isLabelled(result)) return labelsText(result);
  const byConvention = isOneConvention(result)
    ? [[result.convention, flatten(result)] as [string, Flat]]
    : (Object.entries(result) as [ConventionName, ConventionResult][]).map(([c, r]) => [c, flatten(r)] as [string, Flat]);
  return keyedTable('metric', byConvention, new Set(['convention'])) + '\n' + FOOTNOTE;
}

function labelsText(result: LabelResults): string {
  const labels = Object.keys(result.labels);
  const first = result.labels[labels[0]];
  const conventions = isOneConvention(first) ? [first.convention] : (Object.keys(first) as ConventionName[]);
  const pick = <T extends object>(o: PerConvention<T>, c: ConventionName): T =>
    conventions.length === 1 ? (o as T) : (o as Record<ConventionName, T>)[c];
  const tables = conventions.map((c) => {
    const columns: [string, Flat][] = labels.map((L) => [`label ${L}`, flatten(pick(result.labels[L], c))]);
    columns.push(['mean', flatten(pick(result.label_mean, c))]);
    return `${c}:\n` + keyedTable('metric', columns, new Set(['convention']));
  });
  return (
    tables.join('\n') +
    '\n' +
    FOOTNOTE +
    'mean = the mean over the labels whose value is not NaN (MetricsReloaded); - in that column: not a mean (shape, class, names)\n'
  );
}

function metricsText(s: MetricsSummary): string {
  return render(
    ['metric', 'n', 'NaN', 'mean', 'median', 'CI95 low', 'CI95 high'],
    Object.entries(s.metrics).map(([k, m]) => [
      k,
      String(m.n),
      String(m.n_nan),
      rounded(m.mean),
      rounded(m.median),
      rounded(m.ci95_mean[0]),
      rounded(m.ci95_mean[1]),
    ]),
  );
}

const ciText = (s: MetricsSummary) => `${s.n_cases} cases; CI95 = ${s.spread.replace(/^ci95_mean: /, '')}\n`;

function conventionSummaryText(s: ConventionSummary): string {
  const parts = [`${s.convention}: ${ciText(s)}`, metricsText(s)];
  if (s.image_level) parts.push('\n' + keyedTable('image level', [['', flatten(s.image_level)]], new Set()));
  parts.push('\n' + keyedTable('reference-volume strata', [['', flatten(s.strata)]], new Set()));
  return parts.join('');
}

function conventionsSummaryText(summary: PerConvention<ConventionSummary>): string {
  const list = 'metrics' in summary ? [summary as ConventionSummary] : Object.values(summary as Record<ConventionName, ConventionSummary>);
  return list.map(conventionSummaryText).join('\n');
}

/** Directory mode: the summary of each convention (per-case rows go to --out); with --labels, of each label and of the label means. */
export function summaryText(summary: Summary): string {
  if (!('labels' in summary && 'label_mean' in summary)) return conventionsSummaryText(summary);
  const perLabel = Object.entries(summary.labels).map(([L, s]) => `== label ${L} ==\n` + conventionsSummaryText(s));
  const m = summary.label_mean;
  const means =
    'metrics' in m ? [['', m] as const] : (Object.entries(m) as [ConventionName, MetricsSummary][]).map(([c, s]) => [`${c}: `, s] as const);
  const meanText = means.map(([c, s]) => `${c}${ciText(s)}` + metricsText(s as MetricsSummary)).join('\n');
  return [...perLabel, '== mean over labels (per case, MetricsReloaded: NaN-ignoring) ==\n' + meanText].join('\n');
}
