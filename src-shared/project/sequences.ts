/**
 * The sequences of a case (issue 12): what kinds there are, which file names say which kind (BIDS
 * and ISLES'22 suffixes), and which sequence is the reference grid by default. Pure.
 *
 * A sequence is one image of a case on its own grid (a DWI with its b-values, an ADC map, a FLAIR…);
 * one of them is the case's reference grid, where annotations live, and the others are shown
 * resampled into it by their affines.
 */

/** Kept equal to migration 6's CHECK (src-main/services/project/schema.ts; a test compares them). */
export const SEQUENCE_KINDS = ['dwi', 'adc', 'flair', 't1', 't2', 'ct', 'ct-perfusion', 'other'] as const;
export type SequenceKind = (typeof SEQUENCE_KINDS)[number];

/** BIDS suffix (the last `_`-separated entity before the extension, any case) → kind. */
const SUFFIX_KINDS: Readonly<Record<string, SequenceKind>> = {
  dwi: 'dwi',
  adc: 'adc',
  flair: 'flair',
  t1w: 't1',
  t1: 't1',
  t2w: 't2',
  t2: 't2',
  ct: 'ct',
  cta: 'ct',
  ncct: 'ct',
  ctp: 'ct-perfusion',
  cbf: 'ct-perfusion',
  cbv: 'ct-perfusion',
  mtt: 'ct-perfusion',
  tmax: 'ct-perfusion',
};

/** The BIDS suffix of an image file name (`sub-1_ses-0001_adc.nii.gz` → `adc`), lower case; null without one. */
export function bidsSuffix(fileName: string): string | null {
  const base = fileName.replace(/\.nii(\.gz)?$/i, '');
  const at = base.lastIndexOf('_');
  return at < 0 ? null : base.slice(at + 1).toLowerCase() || null;
}

/** The kind a file name's suffix names, or null when it names none Quorum knows. */
export function kindFromFileName(fileName: string): SequenceKind | null {
  const suffix = bidsSuffix(fileName);
  return suffix === null ? null : (SUFFIX_KINDS[suffix] ?? null);
}

/** Sequence names: what model manifests and the viewer refer to, so short and plain (`adc`, `flair_2`). */
export const SEQUENCE_NAME_PATTERN = /^[a-z0-9][a-z0-9_-]{0,39}$/;

/**
 * The default reference among a case's sequences: the DWI, else the CT, else the first. Annotations
 * are drawn where lesions are read (DWI for acute stroke, CT where there is no MR).
 */
export function defaultReferenceIndex(kinds: readonly SequenceKind[]): number {
  const dwi = kinds.indexOf('dwi');
  if (dwi >= 0) return dwi;
  const ct = kinds.indexOf('ct');
  return ct >= 0 ? ct : 0;
}

/** What the viewer needs of a case volume to group it by sequence (a VolumeInfo has it). */
export interface SequencedVolume {
  readonly bValue: number | null;
  readonly sequence?: { readonly name: string; readonly kind: SequenceKind };
}

/** The case's sequences in volume order, each with its volumes' indices; one unnamed group for a plain case. */
function sequenceGroups(volumes: readonly SequencedVolume[]): { name: string; kind: SequenceKind | null; indices: number[] }[] {
  const groups: { name: string; kind: SequenceKind | null; indices: number[] }[] = [];
  volumes.forEach((v, index) => {
    const name = v.sequence?.name ?? '';
    const group = groups.find((g) => g.name === name);
    if (group) group.indices.push(index);
    else groups.push({ name, kind: v.sequence?.kind ?? null, indices: [index] });
  });
  return groups;
}

/** The volume a sequence is read on: the highest b-value of a DWI (b1000, not b0), else its first. */
function readingVolume(volumes: readonly SequencedVolume[], indices: readonly number[]): number {
  return indices.reduce((best, i) => ((volumes[i].bValue ?? -Infinity) > (volumes[best].bValue ?? -Infinity) ? i : best), indices[0]);
}

/** The reading volume of the next (delta 1) or previous (−1) sequence after the one holding `current`, wrapping. */
export function stepSequence(volumes: readonly SequencedVolume[], current: number, delta: 1 | -1): number {
  const groups = sequenceGroups(volumes);
  if (groups.length < 2) return current;
  const at = Math.max(
    0,
    groups.findIndex((g) => g.indices.includes(current)),
  );
  const next = groups[(at + delta + groups.length) % groups.length];
  return readingVolume(volumes, next.indices);
}

/**
 * The stroke reading pair for side by side: the DWI's b1000 (its highest b) and the ADC when both
 * are there, else the first two sequences' reading volumes; null for a case of one sequence.
 */
export function defaultPair(volumes: readonly SequencedVolume[]): [number, number] | null {
  const groups = sequenceGroups(volumes);
  if (groups.length < 2) return null;
  const dwi = groups.find((g) => g.kind === 'dwi');
  const adc = groups.find((g) => g.kind === 'adc');
  const [a, b] = dwi && adc ? [dwi, adc] : [groups[0], groups[1]];
  return [readingVolume(volumes, a.indices), readingVolume(volumes, b.indices)];
}
