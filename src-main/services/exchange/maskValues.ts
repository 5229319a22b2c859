/**
 * The value step of every mask import (issue 14): a file's values are mapped onto the project's
 * labels (src-shared/project/valueMapping.ts) before the mask reaches the store, which then checks
 * the result as it checks any mask. A file holding a value that is neither in the label table nor
 * mapped is refused with every value it holds and their voxel counts, and the table's labels, so
 * the person can map them. A mask whose values do not move is stored byte for byte, as before; a
 * mapped one is stored as the labelmap the editor would save.
 *
 * QUBIQ tasks imported as labels merge several binary files into one mask; voxels two of them mark
 * are refused with their count (one labelmap voxel holds one label).
 *
 * Plain Node.
 */
import { tableValues, type LabelTable } from '../../../src-shared/project/labelTable';
import type { LabelValueSet } from '../../../src-shared/project/labels';
import type { Geometry } from '../../../src-shared/volume/types';
import {
  applyValueMapping,
  describeValueCounts,
  IDENTITY_MAPPING,
  maskValueCounts,
  unknownValues,
  valueMappingFrom,
  type ValueCount,
  type ValueMapping,
  type ValueMappingEntries,
} from '../../../src-shared/project/valueMapping';
import { fail, ProjectError } from '../project/errors';
import { decodeMaskVoxels, encodeLabelmap } from '../project/maskCodec';

/** One mask file and how its values become labels. */
export interface MaskPart {
  fileName: string;
  bytes: Uint8Array;
  mapping: ValueMapping;
}

/** The values a mapping accepts, as a message shows them: "{0, 1, 2, 3}". */
function acceptedText(mapping: ValueMapping, allowed: LabelValueSet): string {
  const accepted = new Set<number>([0, ...mapping.map.keys(), ...(mapping.keepTableValues ? allowed.values : [])]);
  return `{${[...accepted].sort((a, b) => a - b).join(', ')}}`;
}

/** Decodes a part on the grid and maps it; refuses unknown values naming every value found. */
function mapPart(part: MaskPart, geometry: Geometry, allowed: LabelValueSet): { labelmap: Uint8Array; changed: boolean } {
  const data = decodeMaskVoxels(part.bytes, geometry, part.fileName);
  const { values: counts, unlisted } = maskValueCounts(data);
  const unknown = unknownValues(counts, part.mapping, allowed);
  if (unknown.length > 0 || unlisted > 0) {
    const outside = unknown.reduce((n, c) => n + c.voxels, unlisted);
    fail(
      'bad-labels',
      `${part.fileName} has ${outside} voxel(s) with values outside ${acceptedText(part.mapping, allowed)} (found ${unknown.map((c) => c.value).join(', ')}); ` +
        `the file holds ${describeValueCounts(counts)}${unlisted > 0 ? ` and ${unlisted} voxel(s) of further values` : ''}`,
    );
  }
  return applyValueMapping(data, part.mapping);
}

/**
 * The bytes to store for one mask: the file itself when no value moves, else the mapped labelmap;
 * several parts (QUBIQ tasks as labels) are merged, refused where they overlap.
 */
export function mapMask(parts: readonly MaskPart[], geometry: Geometry, allowed: LabelValueSet): Uint8Array {
  const [first, ...rest] = parts;
  const { labelmap, changed } = mapPart(first, geometry, allowed);
  if (rest.length === 0) return changed ? encodeLabelmap(geometry, labelmap) : first.bytes;
  let overlap = 0;
  for (const part of rest) {
    const next = mapPart(part, geometry, allowed).labelmap;
    for (let i = 0; i < next.length; i++) {
      if (next[i] === 0) continue;
      if (labelmap[i] !== 0) overlap++;
      else labelmap[i] = next[i];
    }
  }
  if (overlap > 0)
    fail(
      'bad-labels',
      `${parts.map((p) => p.fileName).join(', ')} overlap in ${overlap} voxel(s); as labels of one mask they must not overlap (import the tasks as separate cases instead)`,
    );
  return encodeLabelmap(geometry, labelmap);
}

/** The distinct values of a mask file on the case grid, for the "values found" step. */
export function maskFileValues(bytes: Uint8Array, geometry: Geometry, fileName: string): { values: ValueCount[]; unlisted: number } {
  return maskValueCounts(decodeMaskVoxels(bytes, geometry, fileName));
}

/** What a refusal for unknown values ends with: the table, and what to do. */
export function labelTableHint(table: LabelTable): string {
  const labels = table.map((l) => `${l.value} ${l.name}`).join(', ');
  return `This project's labels: ${labels} (0 is background). Map each value outside them to a label or to background and import again.`;
}

/** The request's mapping (none: identity), refused when it maps a value twice or onto a value the table lacks. */
export function requestedMapping(entries: ValueMappingEntries | undefined, table: LabelTable): ValueMapping {
  if (!entries) return IDENTITY_MAPPING;
  const parsed = valueMappingFrom(entries, tableValues(table));
  return parsed.ok ? parsed.mapping : fail('bad-request', `the value mapping cannot be used: ${parsed.problems.join('; ')}`);
}

/** One mask file's bytes to store (annotation.import); a refusal for unknown values ends with the table's labels. */
export function mapMaskFile(bytes: Uint8Array, geometry: Geometry, fileName: string, table: LabelTable, mapping: ValueMapping): Uint8Array {
  try {
    return mapMask([{ fileName, bytes, mapping }], geometry, tableValues(table));
  } catch (err) {
    if (err instanceof ProjectError && err.code === 'bad-labels') fail('bad-labels', `${err.message}. ${labelTableHint(table)}`);
    throw err;
  }
}
