/**
 * A NIfTI file as a case: header checked from the first 64 KiB before the whole file is read, a 4D
 * image split into volumes (by b-value when a .bval sits beside it), and the modality guessed.
 *
 * NIfTI carries no modality, so it is guessed and the guess is noted: integer data spanning roughly
 * −1000…+1000 or more (air and bone in Hounsfield units) is CT, with unit HU; a NIFTI_INTENT_LABEL
 * image is OT (a label map); everything else is MR, the usual source of NIfTI files.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { CaseDescriptor } from '../../src-shared/api/contract';
import {
  damagedGzipError,
  isGzip,
  isVolumeReadError,
  parseBval,
  readNifti,
  readNiftiHeader,
  splitByBValue,
  VolumeReadError,
  type NiftiImage,
} from '../../src-shared/nifti';
import { finiteRange, type ValueRange } from '../../src-shared/volume/stats';
import { readPrefix, readWholeFile, type LoadedVolumes } from './caseFiles';
import { gunzipInWorker } from './gunzipWorker';
import { checkWithinBudget } from './memoryBudget';
import { timeStage, timeStageAsync } from './stageTiming';

const NIFTI_INTENT_LABEL = 1002;

export function niftiBaseName(file: string): string {
  return path.basename(file).replace(/\.nii(\.gz)?$/i, '');
}

/** `range`: the finite value range of the whole image. */
function guessNiftiModality(image: NiftiImage, range: ValueRange): { modality: CaseDescriptor['modality']; why: string } {
  if (image.header.intentCode === NIFTI_INTENT_LABEL) return { modality: 'OT', why: 'the header marks it as a label map' };
  const integer = !image.dataType.startsWith('float');
  const { min, max } = range;
  if (integer && min <= -500 && max >= 500) return { modality: 'CT', why: `its values span ${min}…${max}, like Hounsfield units` };
  return { modality: 'MR', why: 'NIfTI carries no modality and the values do not look like Hounsfield units' };
}

async function readBvalBeside(file: string, notes: string[]): Promise<number[] | null> {
  const bvalPath = path.join(path.dirname(file), `${niftiBaseName(file)}.bval`);
  const text = await readFile(bvalPath, 'utf8').catch(() => null);
  if (text === null) return null;
  try {
    return parseBval(text, path.basename(bvalPath));
  } catch (e) {
    notes.push(`${(e as Error).message} It was ignored.`);
    return null;
  }
}

/** A .nii.gz: inflated in a worker to exactly the header's promise (`need` bytes), then parsed in place. */
async function readGzipped(gz: Uint8Array, need: number, fileName: string): Promise<NiftiImage> {
  const { bytes, cutOff } = await timeStageAsync('gunzip', () => gunzipInWorker(gz, need)).catch((e: unknown) => {
    throw damagedGzipError(fileName, (e as Error).message);
  });
  const image = timeStage('parse', () => readNifti(bytes, { fileName, ownsBytes: true }));
  if (cutOff) {
    image.notes.push(`The gzip stream holds more than the ${need} bytes the header promises; the rest was left unread.`);
  }
  return image;
}

/** The header, or the shared reader's neutral refusal with the app's advice added (the CLI keeps its own). */
function readHeaderWithAdvice(prefix: Uint8Array, fileName: string): ReturnType<typeof readNiftiHeader> {
  try {
    return readNiftiHeader(prefix, { fileName });
  } catch (e) {
    if (isVolumeReadError(e) && e.code === 'unsupported-file')
      throw new VolumeReadError(e.code, `${e.message} Quorum opens .nii/.nii.gz files and DICOM folders.`);
    throw e;
  }
}

export async function loadNiftiCase(file: string, memoryBudgetBytes: number): Promise<LoadedVolumes> {
  const fileName = path.basename(file);
  // Refuse absurd headers (2^31 voxels, wrong magic, more voxels than the budget) before reading a
  // possibly huge file.
  const header = readHeaderWithAdvice(await readPrefix(file), fileName);
  checkWithinBudget(fileName, header.dataBytes, memoryBudgetBytes);
  const bytes = await timeStageAsync('read', () => readWholeFile(file, memoryBudgetBytes));
  const image = isGzip(bytes)
    ? await readGzipped(bytes, header.voxOffset + header.dataBytes, fileName)
    : timeStage('parse', () => readNifti(bytes, { fileName }));
  const notes = [...image.notes];
  const name = niftiBaseName(file);
  const bvals = image.volumeCount > 1 ? await readBvalBeside(file, notes) : null;
  const split = splitByBValue(image, bvals, notes, name);
  // One pass over the voxels gives each volume's range (the descriptor needs it) and, combined, the
  // image's (the modality guess needs it); a 150 MB CT costs about 100 ms per pass.
  const ranges = timeStage('range', () => split.map((v) => finiteRange(v.volume.data)));
  // A reduce, not Math.min(...): spreading one argument per volume overflows the call stack.
  const { modality, why } = guessNiftiModality(
    image,
    ranges.reduce((a, r) => ({ min: Math.min(a.min, r.min), max: Math.max(a.max, r.max) })),
  );
  notes.push(`Modality ${modality} is a guess: ${why}.`);
  const unit = modality === 'CT' ? 'HU' : undefined;
  const volumes = split.map((v, i) => ({
    label: v.label,
    bValue: v.bValue,
    volume: unit ? { ...v.volume, unit } : v.volume,
    range: ranges[i],
  }));
  return { name, source: 'nifti', modality, volumes, notes };
}
