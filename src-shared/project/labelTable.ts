/**
 * A project's label table (issue 14): which values a labelmap may hold, what each is called, the
 * colour it is drawn in, and which one (at most) means "uncertain". Value 0 is always background and
 * is not in the table. The order of the entries is the order of the label picker (keys 1–9).
 *
 * Every project starts with, or migrates to, the stroke table (1 lesion, 2 uncertain), the values
 * every Quorum mask held before labels could be chosen. Environment-free: the store (main), the API
 * contract and the renderer share these rules.
 */
import { z } from '../zod';
import { labelValueSet, type LabelValueSet } from './labels';

export interface LabelEntry {
  /** The voxel value, 1..255 (Cornerstone's segment index is the same number). */
  readonly value: number;
  readonly name: string;
  /** `#rrggbb`, lower case. */
  readonly colour: string;
  /** The rater marked the region as "maybe": UncertainAs decides how it counts. */
  readonly uncertain: boolean;
}

export type LabelTable = readonly LabelEntry[];

/** The wire shape; the rules (unique values and names, one uncertain entry…) are in labelTableProblems. */
export const labelTableSchema = z
  .array(z.object({ value: z.number().int(), name: z.string(), colour: z.string(), uncertain: z.boolean() }))
  .max(255)
  .readonly();

export const LABEL_NAME_MAX = 40;
const COLOUR = /^#[0-9a-f]{6}$/i;

/** Everything wrong with a table, one sentence each; empty when it may be used. */
export function labelTableProblems(table: LabelTable): string[] {
  const problems: string[] = [];
  if (!table.some((l) => !l.uncertain)) problems.push('the table needs at least one label that is not "uncertain"');
  const values = new Set<number>();
  const names = new Set<string>();
  for (const l of table) {
    const name = l.name.trim();
    if (!Number.isInteger(l.value) || l.value < 1 || l.value > 255)
      problems.push(`label "${name}": value ${l.value} is not an integer from 1 to 255 (0 is always background)`);
    else if (values.has(l.value)) problems.push(`value ${l.value} is used by two labels`);
    values.add(l.value);
    if (name.length === 0 || name.length > LABEL_NAME_MAX)
      problems.push(`label ${l.value}: a name must be 1 to ${LABEL_NAME_MAX} characters`);
    else if (names.has(name.toLowerCase())) problems.push(`the name "${name}" is used by two labels`);
    names.add(name.toLowerCase());
    if (!COLOUR.test(l.colour)) problems.push(`label "${name}": colour "${l.colour}" is not of the form #rrggbb`);
  }
  const uncertain = table.filter((l) => l.uncertain);
  if (uncertain.length > 1)
    problems.push(`only one label may be "uncertain", not ${uncertain.map((l) => `"${l.name.trim()}"`).join(' and ')}`);
  return problems;
}

/** The table as stored: names trimmed, colours lower case. Call after labelTableProblems found nothing. */
export function normaliseLabelTable(table: LabelTable): LabelTable {
  return table.map((l) => ({ value: l.value, name: l.name.trim(), colour: l.colour.toLowerCase(), uncertain: l.uncertain }));
}

export type LabelPresetId = 'stroke' | 'core-penumbra' | 'covid-ct';

/** Colours from the Okabe–Ito palette (raterColors.ts), so labels stay apart with colour-vision deficiencies. */
export const LABEL_PRESETS: Readonly<Record<LabelPresetId, { readonly title: string; readonly labels: LabelTable }>> = {
  stroke: {
    title: 'Stroke lesion',
    labels: [
      { value: 1, name: 'Lesion', colour: '#d55e00', uncertain: false },
      { value: 2, name: 'Uncertain', colour: '#f0e442', uncertain: true },
    ],
  },
  'core-penumbra': {
    title: 'Infarct core and penumbra',
    labels: [
      { value: 1, name: 'Core', colour: '#d55e00', uncertain: false },
      { value: 2, name: 'Penumbra', colour: '#56b4e9', uncertain: false },
      { value: 3, name: 'Uncertain', colour: '#f0e442', uncertain: true },
    ],
  },
  'covid-ct': {
    title: 'COVID-19 CT',
    labels: [
      { value: 1, name: 'Lung', colour: '#0072b2', uncertain: false },
      { value: 2, name: 'Ground-glass opacity', colour: '#e69f00', uncertain: false },
      { value: 3, name: 'Consolidation', colour: '#d55e00', uncertain: false },
      { value: 4, name: 'Uncertain', colour: '#f0e442', uncertain: true },
    ],
  },
};

/** The values a labelmap of this project may hold (0 included). */
export function tableValues(table: LabelTable): LabelValueSet {
  return labelValueSet(table.map((l) => l.value));
}

/** The entry's colour as [r, g, b] 0–255. */
export function labelRgb(entry: LabelEntry): [number, number, number] {
  const n = parseInt(entry.colour.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/**
 * The labels that metrics and consensus evaluate one by one: the table's certain labels in table
 * order, or null when it has only one (the stroke table), where the binary reading (value 1 lesion,
 * the uncertain value per UncertainAs) stays as it was. The uncertain entry is never among them.
 */
export function labelsEvaluated(table: LabelTable): readonly number[] | null {
  const certain = table.filter((l) => !l.uncertain).map((l) => l.value);
  return certain.length > 1 ? certain : null;
}
