/**
 * A DICOM folder as a case: every file in the folder (not its subfolders) is tried as DICOM, frames
 * are grouped by SeriesInstanceUID, and one series is stacked into volumes. A folder with several
 * series is refused with the list, so the UI can ask which one (then `seriesInstanceUid` picks it).
 * Compressed series are decoded here (dicomDecode.ts), after the choice, so other series' frames
 * are never decoded.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { CaseDescriptor } from '../../src-shared/api/contract';
import {
  assembleSeries,
  groupBySeries,
  MAX_INFLATED_DATASET_BYTES,
  parseDicomFrames,
  summarizeSeries,
  type DicomFrame,
  type DicomSeries,
} from '../../src-shared/dicom';
import { VolumeReadError, isVolumeReadError } from '../../src-shared/volume/errors';
import { CaseOpenError, readWholeFile, type LoadedVolumes } from './caseFiles';
import { decodedBytes, decodeFrames, type DecodeProgress } from './dicomDecode';
import { inflateInWorker } from './dicomInflate';
import { checkWithinBudget, DEFAULT_MEMORY_BUDGET_BYTES } from './memoryBudget';

export interface DicomCaseOptions {
  seriesInstanceUid?: string | undefined;
  /** The file the user picked: its series is opened when no UID is given, and it must itself be DICOM. */
  chosenFile?: string;
  /** The most the folder's files may add up to, and one deflated data set may inflate to (default: the server default). */
  memoryBudgetBytes?: number;
  /** Told as the chosen series' compressed frames are decoded. */
  onDecodeProgress?: DecodeProgress;
}

/** Files that are certainly not DICOM; skipping them saves reading big NIfTI/zip files in mixed folders. */
const NOT_DICOM = /\.(nii|gz|bval|bvec|json|txt|md|csv|png|jpe?g|zip|tar|xml|html?)$/i;

export async function listFolderFiles(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && !e.name.startsWith('.') && !NOT_DICOM.test(e.name))
    .map((e) => e.name)
    .sort();
}

function toModality(m: string): CaseDescriptor['modality'] {
  return m === 'CT' || m === 'MR' ? m : 'OT';
}

/** The case, and the assembled series behind it (its UID, modality and gradient directions, for `convert`). */
type LoadedDicomCase = LoadedVolumes & { series: DicomSeries };

export async function loadDicomCase(folder: string, opts: DicomCaseOptions): Promise<LoadedDicomCase> {
  const notes: string[] = [];
  const frames: DicomFrame[] = [];
  const problems: { file: string; error: VolumeReadError }[] = [];
  let chosenUid: string | undefined;

  const budget = opts.memoryBudgetBytes ?? DEFAULT_MEMORY_BUDGET_BYTES;
  const maxInflated = Math.min(MAX_INFLATED_DATASET_BYTES, budget);
  if (opts.chosenFile) {
    // The picked file must be DICOM itself: a text file chosen by mistake gets its own clear error.
    const bytes = await readWholeFile(opts.chosenFile, budget);
    const own = parseDicomFrames(bytes, path.basename(opts.chosenFile), await inflateInWorker(bytes, maxInflated));
    chosenUid = own[0]?.seriesInstanceUid;
  }

  // The files' bytes stay referenced by their frames until the series is assembled, so they count
  // against the budget together.
  let readBytes = 0;
  for (const name of await listFolderFiles(folder)) {
    const bytes = await readWholeFile(path.join(folder, name), budget);
    readBytes += bytes.length;
    checkWithinBudget(`The DICOM files of ${path.basename(folder)}`, readBytes, budget);
    try {
      frames.push(...parseDicomFrames(bytes, name, await inflateInWorker(bytes, maxInflated)));
    } catch (e) {
      if (!isVolumeReadError(e)) throw e;
      problems.push({ file: name, error: e });
    }
  }

  const real = problems.filter((p) => !/is not a DICOM file/.test(p.error.message));
  if (frames.length === 0) {
    if (real.length > 0) throw real[0].error;
    throw new VolumeReadError(
      'unsupported-file',
      `${folder} holds no DICOM images. Quorum opens .nii/.nii.gz files and folders of DICOM files.`,
    );
  }
  if (real.length > 0) {
    const shown = real
      .slice(0, 3)
      .map((p) => p.error.message)
      .join(' ');
    notes.push(`${real.length} file(s) in the folder were skipped: ${shown}${real.length > 3 ? ' …' : ''}`);
  }

  const groups = groupBySeries(frames);
  const wanted = opts.seriesInstanceUid ?? chosenUid;
  let chosen: DicomFrame[] | undefined;
  if (wanted !== undefined) {
    chosen = groups.get(wanted);
    if (!chosen) {
      throw new CaseOpenError({
        code: 'not-found',
        message: `Series ${wanted} is not in ${folder}.`,
        detail: { series: summarizeSeries(groups) },
      });
    }
  } else if (groups.size > 1) {
    const series = summarizeSeries(groups);
    const list = series.map((s) => `"${s.description || s.seriesInstanceUid}" (${s.modality}, ${s.count} files)`).join(', ');
    throw new VolumeReadError(
      'multiple-series',
      `${path.basename(folder)} holds ${series.length} DICOM series: ${list}. Choose one to open.`,
      { series },
    );
  } else {
    chosen = [...groups.values()][0];
  }

  // Compressed frames stay compressed until their series is chosen; decoded, they take this much.
  checkWithinBudget(`The decoded pixels of ${path.basename(folder)}`, readBytes + decodedBytes(chosen), budget);
  const series = assembleSeries(await decodeFrames(chosen, opts.onDecodeProgress));
  const description = series.description || series.seriesInstanceUid;
  return {
    name: `${path.basename(folder)} — ${description}`,
    source: 'dicom',
    modality: toModality(series.modality),
    volumes: series.volumes,
    notes: [...notes, ...series.notes],
    series,
  };
}
