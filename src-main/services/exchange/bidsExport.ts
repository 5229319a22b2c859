/**
 * ISLES-BIDS export of one case (issue 12): its sequences as raw data and its masks as derivatives,
 * laid out as ISLES'22 lays them out, so the subject-folder import (caseSequences.ts) and the
 * BIDS folder import (folderImport.ts) read back what is written here:
 *
 *   <root>/dataset_description.json, participants.tsv
 *   <root>/rawdata/sub-<id>/ses-0001/dwi/sub-<id>_ses-0001_dwi.nii.gz (+ .bval/.bvec), …_adc.nii.gz
 *   <root>/rawdata/sub-<id>/ses-0001/anat/sub-<id>_ses-0001_FLAIR.nii.gz, …_T1w, …
 *   <root>/derivatives/sub-<id>/ses-0001/sub-<id>_ses-0001_msk.nii.gz          majority consensus
 *   <root>/derivatives/sub-<id>/ses-0001/sub-<id>_ses-0001_rater-<label>_msk.nii.gz   each rater
 *
 * Every sequence keeps its own grid, never resampled: a NIfTI sequence is copied byte for byte with
 * the .bval/.bvec beside it, a DICOM one is converted as `convert` converts it (seriesNiftiFiles).
 * Rater files are the stored bytes (exportProject.ts's raterMasks, reviewers and admins only), so
 * every voxel and affine survives the round trip. The files are written all or nothing; several
 * cases exported into one root share its dataset_description.json and participants.tsv.
 *
 * Plain Node.
 */
import { readFile, stat } from 'node:fs/promises';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { seriesNiftiFiles } from '../../../src-shared/dicom/toNifti';
import type { UncertainAs } from '../../../src-shared/project/labels';
import { kindFromFileName, type SequenceKind } from '../../../src-shared/project/sequences';
import type { SequenceRecord, Session } from '../../../src-shared/project/types';
import { writeFilesAtomically } from '../../cli/atomicFiles';
import { isNiftiName, readWholeFile } from '../caseFiles';
import { loadDicomCase } from '../dicomCase';
import { DEFAULT_MEMORY_BUDGET_BYTES } from '../memoryBudget';
import { niftiBaseName } from '../niftiCase';
import { sha256Hex } from '../project/annotationFiles';
import { fail } from '../project/errors';
import { encodeLabelmap } from '../project/maskCodec';
import type { ProjectStore } from '../project/ProjectStore';

/** ISLES'22 has one session per subject. */
const SESSION = 'ses-0001';

export interface BidsExportedFile {
  path: string;
  kind: 'sequence' | 'metadata' | 'rater' | 'majority';
  raterId: string | null;
  versionId: string | null;
  sha256: string;
}

export interface BidsExport {
  caseId: string;
  /** The BIDS root (the export folder). */
  dir: string;
  files: BidsExportedFile[];
  notes: string[];
}

/** A BIDS label: letters and digits only. */
function bidsLabel(s: string): string {
  return s.replace(/[^A-Za-z0-9]+/g, '');
}

/** `label`, or `label2`, `label3`… when taken (labels are letters and digits, so no separator). */
function unique(label: string, taken: Set<string>): string {
  let out = label;
  for (let n = 2; taken.has(out); n++) out = `${label}${n}`;
  taken.add(out);
  return out;
}

/** Where ISLES'22 / BIDS puts a kind, and its suffix (kindFromFileName maps every suffix but `other`'s back). */
function placeOf(kind: SequenceKind, name: string): { folder: string; suffix: string } {
  switch (kind) {
    case 'dwi':
    case 'adc':
      return { folder: 'dwi', suffix: kind };
    case 'flair':
      return { folder: 'anat', suffix: 'FLAIR' };
    case 't1':
      return { folder: 'anat', suffix: 'T1w' };
    case 't2':
      return { folder: 'anat', suffix: 'T2w' };
    case 'ct':
      return { folder: 'anat', suffix: 'ct' };
    case 'ct-perfusion':
      // A perfusion map's name is its suffix when it is one (cbf, tmax…), as the import names it.
      return { folder: 'perf', suffix: kindFromFileName(`x_${name}`) === 'ct-perfusion' ? name : 'ctp' };
    case 'other':
      return { folder: 'anat', suffix: bidsLabel(name) || 'image' };
  }
}

/** Reads what lies beside a NIfTI (`x.bval` for `x.nii.gz`), or null. */
async function sidecarBeside(file: string, ext: '.bval' | '.bvec'): Promise<string | null> {
  return readFile(path.join(path.dirname(file), `${niftiBaseName(file)}${ext}`), 'utf8').catch(() => null);
}

interface SequenceFiles {
  nifti: Uint8Array;
  extension: '.nii' | '.nii.gz';
  bval: string | null;
  bvec: string | null;
}

/** The sequence as NIfTI on its own grid: a NIfTI's own bytes and sidecars, or a DICOM series converted as `convert` does. */
async function sequenceFiles(file: string): Promise<SequenceFiles> {
  if (isNiftiName(file)) {
    return {
      nifti: await readWholeFile(file, DEFAULT_MEMORY_BUDGET_BYTES),
      extension: /\.gz$/i.test(file) ? '.nii.gz' : '.nii',
      bval: await sidecarBeside(file, '.bval'),
      bvec: await sidecarBeside(file, '.bvec'),
    };
  }
  const isFolder = (await stat(file)).isDirectory();
  const { series } = isFolder ? await loadDicomCase(file, {}) : await loadDicomCase(path.dirname(file), { chosenFile: file });
  const { nifti, bval, bvec } = seriesNiftiFiles(series, { gzip: true });
  return { nifti, extension: '.nii.gz', bval, bvec };
}

/** participants.tsv with `participant` in it: an existing file keeps its rows and columns. */
async function participantsTsv(file: string, participant: string): Promise<string> {
  const existing = await readFile(file, 'utf8').catch(() => null);
  const lines = existing?.split(/\r?\n/).filter((l) => l.length > 0) ?? [];
  if (lines.length === 0) return `participant_id\n${participant}\n`;
  if (lines.slice(1).some((l) => l.split('\t')[0] === participant)) return lines.join('\n') + '\n';
  const columns = lines[0].split('\t').length;
  return [...lines, [participant, ...Array<string>(columns - 1).fill('n/a')].join('\t')].join('\n') + '\n';
}

export async function exportIslesBids(
  store: ProjectStore,
  s: Session,
  caseId: string,
  root: string,
  uncertainAs: UncertainAs,
): Promise<BidsExport> {
  const record = await store.getCase(s, caseId);
  // Both check the role (mayExport) and that there is a consensus, before anything is read.
  const consensus = await store.consensus(s, caseId, uncertainAs);
  const masks = await store.raterMasks(s, caseId);
  const notes: string[] = [];
  const subject = `sub-${bidsLabel(record.name.replace(/^sub-/, '')) || bidsLabel(caseId)}`;
  const stem = `${subject}_${SESSION}`;
  const subjectDir = path.join(root, 'rawdata', subject);
  const maskDir = path.join(root, 'derivatives', subject, SESSION);

  const files: BidsExportedFile[] = [];
  const contents = new Map<string, Uint8Array | string>();
  const put = (p: string, bytes: Uint8Array | string, f: Omit<BidsExportedFile, 'path' | 'sha256'>): void => {
    contents.set(p, bytes);
    files.push({ path: p, sha256: sha256Hex(typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes), ...f });
  };
  const sequence = { kind: 'sequence', raterId: null, versionId: null } as const;

  const places = new Set<string>();
  const acqLabels = new Set<string>();
  for (const seq of record.sequences) {
    const { folder, suffix } = placeOf(seq.kind, seq.name);
    // A second sequence of a kind (flair_2) gets an acq- entity, so its suffix still names its kind.
    const acq = places.has(`${folder}/${suffix}`) ? `_acq-${unique(bidsLabel(seq.name) || 'image', acqLabels)}` : '';
    places.add(`${folder}/${suffix}`);
    const base = path.join(subjectDir, SESSION, folder, `${stem}${acq}_${suffix}`);
    const source = path.resolve(store.dir, seq.path);
    const out = await sequenceFiles(source).catch((e: unknown) =>
      fail('not-found', `sequence "${seq.name}" cannot be exported: ${source}: ${(e as Error).message}`),
    );
    put(`${base}${out.extension}`, out.nifti, sequence);
    if (out.bval !== null) put(`${base}.bval`, out.bval, sequence);
    if (out.bvec !== null) put(`${base}.bvec`, out.bvec, sequence);
    notes.push(...sequenceNotes(seq, out));
  }
  const reference = record.sequences.find((q) => q.sequenceId === record.referenceSequenceId);
  if (reference && reference.kind !== 'dwi' && record.sequences.some((q) => q.kind === 'dwi'))
    notes.push(
      `The masks are on the grid of "${reference.name}", the case's reference; a subject-folder import makes the DWI the reference, so choose "${reference.name}" again before importing the masks.`,
    );

  put(path.join(maskDir, `${stem}_msk.nii.gz`), encodeLabelmap(consensus.geometry, consensus.majority), {
    kind: 'majority',
    raterId: null,
    versionId: null,
  });
  const labels = new Set<string>();
  for (const m of masks) {
    const label = unique(bidsLabel(m.raterName) || 'unnamed', labels);
    put(path.join(maskDir, `${stem}_rater-${label}_msk${m.extension}`), m.bytes, {
      kind: 'rater',
      raterId: m.raterId,
      versionId: m.versionId,
    });
  }

  const description = path.join(root, 'dataset_description.json');
  const hasDescription = await stat(description).then(
    () => true,
    () => false,
  );
  if (!hasDescription)
    put(
      description,
      JSON.stringify(
        {
          Name: 'Quorum ISLES-BIDS export',
          BIDSVersion: '1.8.0',
          DatasetType: 'raw',
          GeneratedBy: [{ Name: 'Quorum', Version: store.appVersion }],
        },
        null,
        2,
      ) + '\n',
      { kind: 'metadata', raterId: null, versionId: null },
    );
  const participants = path.join(root, 'participants.tsv');
  put(participants, await participantsTsv(participants, subject), { kind: 'metadata', raterId: null, versionId: null });
  notes.push(`The soft consensus is not part of ISLES-BIDS (its derivatives hold binary masks): export NIfTI for it.`);

  for (const p of contents.keys()) mkdirSync(path.dirname(p), { recursive: true });
  writeFilesAtomically(contents);
  return { caseId, dir: root, files, notes };
}

/** What a reader of the export should know about one sequence's files. */
function sequenceNotes(seq: SequenceRecord, out: SequenceFiles): string[] {
  const notes: string[] = [];
  if (seq.kind === 'other') notes.push(`Sequence "${seq.name}" has no kind BIDS names, so a subject-folder import will not recognise it.`);
  if (seq.volumes.some((v) => v.bValue !== null) && out.bvec === null)
    notes.push(`Sequence "${seq.name}": its source has no .bvec beside it, so its gradient directions are unknown and none was written.`);
  return notes;
}
