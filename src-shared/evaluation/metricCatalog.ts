/**
 * How the per-case panel and the dashboard name the metrics: rows and column names read from the
 * metric registry (src-shared/metrics/registry.ts), which holds each metric's unit, definition and
 * computation; how a value is written (NaN stays NaN, with the empty-case reason — never 0 or 1);
 * and the settings fields' parsing.
 *
 * Pure data and string functions, so the panel, the dashboard and exports name metrics the same way.
 */
import { CONVENTION_SPECS } from '../metrics/conventions/specs';
import type { ConventionName, ConventionResult } from '../metrics/conventions/types';
import { METRICS, type MetricDef, type MetricUnit } from '../metrics/registry';
import type { EmptyCaseInfo } from './types';

export const CONVENTION_LABELS: Readonly<Record<ConventionName, string>> = {
  use: CONVENTION_SPECS.use.label,
  isles22: CONVENTION_SPECS.isles22.label,
  metricsreloaded: CONVENTION_SPECS.metricsreloaded.label,
};

export interface MetricRow {
  /** Stable id, e.g. 'dice', 'surface_dice:2', 'lesion_f1'. */
  readonly id: string;
  readonly label: string;
  readonly unit: MetricUnit;
  readonly definition: string;
  readonly read: (r: ConventionResult) => number | string | null;
}

const BY_ID = new Map<string, MetricDef>(METRICS.map((m) => [m.id, m]));

/**
 * The rows of one registry metric under `convention`: one for a scalar (none where the convention
 * does not define it), one per tolerance in `subs` for surface Dice / NSD, one per count in `subs`
 * for the lesion record (named whatever the convention: the counts mean the same in each).
 */
function rowsOf(m: MetricDef, convention: ConventionName, subs: readonly string[]): MetricRow[] {
  switch (m.kind) {
    case 'scalar': {
      const v = m.conventions[convention];
      const id = m.id;
      return v ? [{ id, label: v.label, unit: m.unit, definition: v.definition, read: (r) => r[id] }] : [];
    }
    case 'per-tolerance': {
      const v = m.conventions[convention];
      if (!v) return [];
      return subs.map((t) => ({
        id: `surface_dice:${t}`,
        label: v.label(t),
        unit: m.unit,
        definition: v.definition(t),
        read: (r: ConventionResult) => r.surface_dice?.[t] ?? null,
      }));
    }
    case 'lesions':
      return m.parts
        .filter((p) => subs.includes(p.key))
        .map((p) => ({
          id: p.panelId,
          label: p.label,
          unit: p.unit,
          definition: p.definition[convention] ?? p.definition.any,
          read: (r: ConventionResult) => r.lesions?.[p.key] ?? null,
        }));
  }
}

/** A panel entry or a result key split at its first dot: 'surface_dice.2' → ['surface_dice', '2']. */
function split(key: string): [head: string, sub: string | undefined] {
  const dot = key.indexOf('.');
  return dot < 0 ? [key, undefined] : [key.slice(0, dot), key.slice(dot + 1)];
}

/** The panel's rows of one convention; surface Dice / NSD rows follow the tolerances present in `sample`. */
export function metricRows(convention: ConventionName, sample?: ConventionResult): MetricRow[] {
  const spec = CONVENTION_SPECS[convention];
  const tolerances = sample
    ? Object.keys(sample.surface_dice ?? {}).sort((a, b) => Number(a) - Number(b))
    : spec.defaultTolerancesMm.map(String);
  return spec.panel.flatMap((entry) => {
    const [head, sub] = split(entry);
    const m = BY_ID.get(head);
    if (!m) throw new Error(`the ${convention} panel lists ${entry}, which the metric registry lacks`);
    return rowsOf(m, convention, sub === undefined ? tolerances : [sub]);
  });
}

interface MetricColumn {
  readonly label: string;
  readonly title: string;
}

/**
 * The dashboard's name for a result key under `convention`: the panel's label with the unit ("HD95
 * (mm)", "NSD @ 1 mm") and the definition as the tooltip. Keys are the CLI's dotted paths
 * ('surface_dice.2', 'lesions.f1'), which the export files keep; a key the registry does not name
 * keeps its own spelling, so nothing is hidden.
 */
export function metricColumns(convention: ConventionName): (key: string) => MetricColumn {
  return (key) => {
    const [head, sub] = split(key);
    const m = BY_ID.get(head);
    const row = m ? rowsOf(m, convention, sub === undefined ? [] : [sub])[0] : undefined;
    if (!row) return { label: key, title: `${convention}: ${key}` };
    // A label that already names its unit ("Lesion TP") is not told it twice.
    const named = row.unit === '' || row.label.toLowerCase().includes(row.unit.replace(/s$/, ''));
    return { label: named ? row.label : `${row.label} (${row.unit})`, title: row.definition };
  };
}

/** A volume in ml with enough digits for small lesions: 0.03, 1.25, 12.3. */
export function formatMl(ml: number): string {
  if (!Number.isFinite(ml)) return String(ml);
  const a = Math.abs(ml);
  if (a === 0) return '0';
  if (a < 0.001) return ml.toExponential(1);
  if (a < 1) return String(Number(ml.toPrecision(2)));
  return ml.toFixed(a < 10 ? 2 : 1);
}

/** A metric value: 3 decimals for ratios, 2 for mm/ml; strings (a class) as they are. */
export function formatValue(v: number | string | null, unit: string): string {
  if (v === null) return 'n/a';
  if (typeof v === 'string') return v;
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return String(v);
  if (unit === 'lesions') return String(v);
  if (unit === 'ml') return formatMl(v);
  return v.toFixed(unit === 'mm' ? 2 : 3);
}

/**
 * Why a comparison's metrics may be NaN or special, in words: which mask is empty (or small under
 * T) with its volume, and with T the image-level class, e.g. "reference empty; prediction 0.03 ml → TN at 0.05 ml".
 * Empty string when neither mask is empty or small.
 */
export function emptyCaseText(e: EmptyCaseInfo): string {
  const parts: string[] = [];
  if (e.refEmpty && e.predEmpty) parts.push('reference and prediction empty');
  else if (e.refEmpty) parts.push(`reference empty; prediction ${formatMl(e.predMl)} ml`);
  else if (e.predEmpty) parts.push(`prediction empty; reference ${formatMl(e.refMl)} ml`);
  else if (e.thresholdMl !== null && (e.refSmall || e.predSmall)) {
    parts.push(
      `reference ${formatMl(e.refMl)} ml${e.refSmall ? ' (small)' : ''}; prediction ${formatMl(e.predMl)} ml${e.predSmall ? ' (small)' : ''}`,
    );
  }
  if (parts.length === 0) return '';
  if (e.thresholdMl !== null && e.imageClass !== null) parts[0] += ` → ${e.imageClass} at ${formatMl(e.thresholdMl)} ml`;
  return parts[0];
}

export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

/** The USE threshold field: '' is "no T" (small = empty), else a volume ≥ 0 in ml. */
export function parseThresholdMl(text: string): Parsed<number | null> {
  const t = text.trim();
  if (t === '') return { ok: true, value: null };
  const v = Number(t);
  return v >= 0 && Number.isFinite(v)
    ? { ok: true, value: v }
    : { ok: false, error: `"${t}" is not a volume in ml (a number ≥ 0); leave it empty for "small = empty"` };
}

/** The tolerances field: "2, 5, 10" or "2 5 10"; '' is each convention's default. */
export function parseTolerancesMm(text: string): Parsed<number[]> {
  const parts = text.split(/[,\s]+/).filter((p) => p !== '');
  const value = parts.map(Number);
  const bad = parts.find((_, i) => !(value[i] > 0 && Number.isFinite(value[i])));
  return bad === undefined ? { ok: true, value } : { ok: false, error: `"${bad}" is not a tolerance in mm (a number above 0)` };
}
