/**
 * Mapping a mask file's values onto a project's labels on import (issue 14): the distinct values a
 * mask holds (with their voxel counts, for the "values found" step and for refusals), and applying
 * a `{ file value → label value | 0 }` map to it.
 *
 * The rule: a value the map names becomes what the map says (0 = background); a value it does not
 * name passes unchanged when `keepTableValues` and the table has it; any other value is unknown and
 * the mask is refused, naming every value found.
 *
 * Environment-free: the exchange handlers (main), the API contract and the import dialog share it.
 */
import type { VoxelArray } from '../volume/types';
import { z } from '../zod';
import type { LabelValueSet } from './labels';

export interface ValueCount {
  readonly value: number;
  readonly voxels: number;
}

/** One entry per file value the person mapped; the wire form of a mapping. */
export const valueMappingSchema = z
  .array(z.object({ from: z.number(), to: z.number().int().min(0).max(255) }))
  .max(256)
  .readonly();
export type ValueMappingEntries = z.infer<typeof valueMappingSchema>;

export interface ValueMapping {
  /** File value → label value (0 = background). */
  readonly map: ReadonlyMap<number, number>;
  /** Whether a value the map does not name passes when the table has it (false: only mapped values and 0). */
  readonly keepTableValues: boolean;
}

/** The mapping a plain import uses: no value moves, table values pass. */
export const IDENTITY_MAPPING: ValueMapping = { map: new Map(), keepTableValues: true };

/** The mapping from its wire form, or the problems with it (a target outside the table, a value mapped twice). */
export function valueMappingFrom(
  entries: ValueMappingEntries,
  allowed: LabelValueSet,
): { ok: true; mapping: ValueMapping } | { ok: false; problems: string[] } {
  const map = new Map<number, number>();
  const problems: string[] = [];
  for (const { from, to } of entries) {
    if (map.has(from)) problems.push(`file value ${from} is mapped twice`);
    if (allowed.lookup[to] !== 1)
      problems.push(`file value ${from} is mapped to ${to}, which is not in the label table {${allowed.values.join(', ')}}`);
    map.set(from, to);
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, mapping: { map, keepTableValues: true } };
}

/** More distinct values than any mask has: past this, a file is an image or a probability map, not a mask. */
export const MAX_DISTINCT_VALUES = 64;

/**
 * The distinct values of a mask, ascending, with their voxel counts; at most MAX_DISTINCT_VALUES of
 * them (the first met), `unlisted` counting the voxels of the rest. Integers 0..255 are counted in a
 * fixed histogram; anything else (a float or wide-integer file) in a bounded map.
 */
export function maskValueCounts(data: VoxelArray): { values: ValueCount[]; unlisted: number } {
  const bytes = new Float64Array(256);
  const other = new Map<number, number>();
  let seenBytes = 0;
  let unlisted = 0;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v >= 0 && v < 256 && v === Math.floor(v)) {
      if (bytes[v] === 0) seenBytes++;
      bytes[v]++;
    } else {
      const n = other.get(v);
      if (n !== undefined) other.set(v, n + 1);
      else if (seenBytes + other.size < MAX_DISTINCT_VALUES) other.set(v, 1);
      else unlisted++;
    }
  }
  const counts: ValueCount[] = [...other.entries()].map(([value, voxels]) => ({ value, voxels }));
  bytes.forEach((voxels, value) => {
    if (voxels > 0) counts.push({ value, voxels });
  });
  counts.sort((a, b) => a.value - b.value);
  return { values: counts, unlisted };
}

/** The values found that the mapping neither names nor lets pass (0 always passes). */
export function unknownValues(counts: readonly ValueCount[], mapping: ValueMapping, allowed: LabelValueSet): ValueCount[] {
  return counts.filter(({ value }) => value !== 0 && !mapping.map.has(value) && !(mapping.keepTableValues && allowed.lookup[value] === 1));
}

/**
 * The mask with every mapped value replaced, as a new Uint8 labelmap; call after unknownValues found
 * none. `changed` is false when no voxel moved (so an import can keep the file's own bytes).
 */
export function applyValueMapping(data: VoxelArray, mapping: ValueMapping): { labelmap: Uint8Array; changed: boolean } {
  const lookup = new Int16Array(256);
  for (let v = 0; v < 256; v++) lookup[v] = mapping.map.get(v) ?? v;
  const labelmap = new Uint8Array(data.length);
  let changed = false;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    // Only a mapped value is outside 0..255 once unknownValues found none; `?? 0` satisfies the type.
    const out = v >= 0 && v < 256 && v === Math.floor(v) ? lookup[v] : (mapping.map.get(v) ?? 0);
    if (out !== v) changed = true;
    labelmap[i] = out;
  }
  return { labelmap, changed };
}

/** "0 (200 voxels), 1 (5 voxels), 3 (1 voxel)". */
export function describeValueCounts(counts: readonly ValueCount[]): string {
  return counts.map(({ value, voxels }) => `${value} (${voxels} voxel${voxels === 1 ? '' : 's'})`).join(', ');
}
