/**
 * Which project label each segment of a DICOM SEG is (issue 14), for the writer and the reader
 * alike: the writer gives every label a property type code (segmentTypeCode), the reader maps each
 * segment back onto the project's table by its SegmentLabel, else that code, else its SegmentNumber
 * (matchSegments). A SEG from another tool numbers and orders its segments as it likes, so the number
 * is only the last resort (for writers that number segments by label value).
 *
 * Plain Node.
 */
import type { LabelEntry, LabelTable } from '../../../src-shared/project/labelTable';
import { fail } from '../project/errors';

export interface SegCode {
  readonly CodeValue: string;
  readonly CodingSchemeDesignator: string;
  readonly CodeMeaning: string;
}

/**
 * A private coding scheme (PS3.16 8.2: designators starting "99" are private) for labels that have no
 * standard concept Quorum could know: a project's labels are free text.
 */
const QUORUM_SCHEME = '99QUORUM';
const LESION: SegCode = { CodeValue: '52988006', CodingSchemeDesignator: 'SCT', CodeMeaning: 'Lesion' };

/**
 * The SegmentedPropertyTypeCodeSequence item written for a label: SNOMED CT "Lesion" for a label named
 * Lesion (what every Quorum SEG carried before label tables, and what other tools show), else the
 * private code `label-<value>` meaning the label's name. The value, not the name, is the code, so a
 * segment renamed in another tool still finds its label.
 */
export function segmentTypeCode(label: LabelEntry): SegCode {
  if (label.name.trim().toLowerCase() === LESION.CodeMeaning.toLowerCase()) return LESION;
  return { CodeValue: `label-${label.value}`, CodingSchemeDesignator: QUORUM_SCHEME, CodeMeaning: label.name.slice(0, 64) };
}

/** A segment as the reader found it in the SegmentSequence. */
export interface SegmentFound {
  number: number;
  label: string;
  /** The first SegmentedPropertyTypeCodeSequence item, when there is one. */
  code: SegCode | null;
}

const describe = (s: SegmentFound): string =>
  `segment ${s.number} "${s.label}"${s.code ? ` (${s.code.CodingSchemeDesignator} ${s.code.CodeValue} ${s.code.CodeMeaning})` : ''}`;

const sameCode = (a: SegCode, b: SegCode): boolean =>
  a.CodeValue === b.CodeValue && a.CodingSchemeDesignator.toUpperCase() === b.CodingSchemeDesignator.toUpperCase();

function labelOf(s: SegmentFound, labels: LabelTable): LabelEntry | undefined {
  const name = s.label.trim().toLowerCase();
  return (
    labels.find((l) => l.name.trim().toLowerCase() === name) ??
    (s.code ? labels.find((l) => sameCode(segmentTypeCode(l), s.code as SegCode)) : undefined) ??
    labels.find((l) => l.value === s.number)
  );
}

/**
 * Segment number → label value. Refuses (bad-labels, naming the file) a segment that matches no label,
 * with every segment found and the project's labels, and two segments that match one label, since
 * their voxels would become indistinguishable.
 */
export function matchSegments(segments: readonly SegmentFound[], labels: LabelTable, fileName: string): Map<number, number> {
  const numbers = new Set<number>();
  for (const s of segments) {
    if (numbers.has(s.number)) fail('corrupt-file', `${fileName}: two segments have SegmentNumber ${s.number}`);
    numbers.add(s.number);
  }
  const matched = segments.map((s) => ({ s, label: labelOf(s, labels) }));
  const unmatched = matched.filter((m) => m.label === undefined);
  if (unmatched.length > 0) {
    fail(
      'bad-labels',
      `${fileName}: ${unmatched.map((m) => describe(m.s)).join(', ')} match${unmatched.length === 1 ? 'es' : ''} no label of this project ` +
        `(by name, code or number). Segments in the file: ${segments.map(describe).join('; ')}. ` +
        `The project's labels: ${labels.map((l) => `${l.value} "${l.name}"`).join(', ')}. Nothing was imported.`,
    );
  }
  const byValue = new Map<number, SegmentFound>();
  const out = new Map<number, number>();
  for (const { s, label } of matched) {
    if (!label) continue;
    const other = byValue.get(label.value);
    if (other)
      fail(
        'bad-labels',
        `${fileName}: ${describe(other)} and ${describe(s)} both map to the label ${label.value} "${label.name}"; ` +
          `a labelmap would merge them. Nothing was imported.`,
      );
    byValue.set(label.value, s);
    out.set(s.number, label.value);
  }
  return out;
}
