/**
 * A model's output classes against the project's label table (issue 14). A class and a label are
 * the same thing when their names agree, ignoring case and surrounding spaces ("core" is "Core"):
 * the manifest names classes, the project names labels, and neither knows the other's values. Only
 * labels that are not the "uncertain" one match: a model never outputs "maybe".
 *
 * Used for the class colours in the Model panel and for saving a multi-class result as a rater,
 * whose mask must hold the project's label values, not the model's class indices.
 */
import type { LabelEntry, LabelTable } from '../project/labelTable';

const key = (name: string) => name.trim().toLowerCase();

/** The project's (certain) label named like the class, or null. */
export function labelForClass(className: string, table: LabelTable): LabelEntry | null {
  return table.find((l) => !l.uncertain && key(l.name) === key(className)) ?? null;
}

export type ClassValues =
  | { readonly ok: true; /** values[k]: the project value of foreground class k + 1. */ readonly values: readonly number[] }
  | { readonly ok: false; readonly message: string };

/** The project label value of every foreground class, or a sentence naming the classes without one. */
export function classValues(foregroundClasses: readonly string[], table: LabelTable): ClassValues {
  const values: number[] = [];
  const unmatched: string[] = [];
  for (const c of foregroundClasses) {
    const label = labelForClass(c, table);
    if (label) values.push(label.value);
    else unmatched.push(c);
  }
  if (unmatched.length === 0) return { ok: true, values };
  const names = table.filter((l) => !l.uncertain).map((l) => `"${l.name}"`);
  return {
    ok: false,
    message:
      `This project has no label named ${unmatched.map((c) => `"${c}"`).join(', ')}, so the result cannot be saved ` +
      `(the project's labels: ${names.join(', ')}). Add a label of that name in the project's label table, or use a model whose classes match.`,
  };
}

/** In place: class index k (1…) → values[k − 1]; 0 stays 0. */
export function remapClasses(mask: Uint8Array, values: readonly number[]): Uint8Array {
  const lut = new Uint8Array(256);
  values.forEach((value, k) => (lut[k + 1] = value));
  for (let v = 0; v < mask.length; v++) mask[v] = lut[mask[v]];
  return mask;
}
