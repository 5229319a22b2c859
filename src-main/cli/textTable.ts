/**
 * `--format text`: the JSON's numbers as aligned plain-text tables, for a person at a terminal.
 * Numbers are rounded to 6 significant digits (JSON and CSV keep every digit); "-" marks a metric
 * the convention does not define; matrices and per-rater lists are printed as JSON.
 */
import type { ConventionName, ConventionResult } from '../../src-shared/metrics/conventions/types';
import type { ConventionSummary } from '../../src-shared/metrics/summary';
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

function isOneConvention(o: CaseOutput): o is ConventionResult {
  return typeof (o as ConventionResult).convention === 'string';
}

/** One case: a row per metric, a column per convention. */
export function caseText(result: CaseOutput): string {
  const byConvention = isOneConvention(result)
    ? [[result.convention, flatten(result)] as [string, Flat]]
    : (Object.entries(result) as [ConventionName, ConventionResult][]).map(([c, r]) => [c, flatten(r)] as [string, Flat]);
  return (
    keyedTable('metric', byConvention, new Set(['convention'])) +
    `\n- = not defined by the convention; numbers rounded to ${DIGITS} significant digits (use --format json for all digits)\n`
  );
}

function conventionSummaryText(s: ConventionSummary): string {
  const metrics = render(
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
  const parts = [`${s.convention}: ${s.n_cases} cases; CI95 = ${s.spread.replace(/^ci95_mean: /, '')}\n`, metrics];
  if (s.image_level) parts.push('\n' + keyedTable('image level', [['', flatten(s.image_level)]], new Set()));
  parts.push('\n' + keyedTable('reference-volume strata', [['', flatten(s.strata)]], new Set()));
  return parts.join('');
}

/** Directory mode: the summary of each convention (per-case rows go to --out). */
export function summaryText(summary: ConventionSummary | Record<ConventionName, ConventionSummary>): string {
  const list = 'metrics' in summary ? [summary as ConventionSummary] : Object.values(summary as Record<ConventionName, ConventionSummary>);
  return list.map(conventionSummaryText).join('\n');
}
