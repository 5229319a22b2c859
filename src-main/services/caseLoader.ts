/**
 * Opens cases (a NIfTI file, a DICOM folder, or one DICOM file standing for its folder) and lists the
 * cases of a project folder. Plain Node: file access here, all format logic in src-shared.
 *
 * Every failure comes back as `{ ok: false, error }` with the API's error codes; nothing throws to
 * the transports.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { ApiError, CaseDescriptor, CaseEntry, Result, VolumeInfo } from '../../src-shared/api/contract';
import { isVolumeReadError } from '../../src-shared/volume/errors';
import { finiteRange } from '../../src-shared/volume/stats';
import type { Volume } from '../../src-shared/volume/types';
import { dataTypeOf } from '../../src-shared/nifti/scaling';
import { FileRefusal, type FileRefusalReason } from './boundedRead';
import { CaseOpenError, isNiftiName, type LoadedVolumes } from './caseFiles';
import { loadDicomCase } from './dicomCase';
import type { DecodeProgress } from './dicomDecode';
import { DEFAULT_MEMORY_BUDGET_BYTES } from './memoryBudget';
import { loadNiftiCase } from './niftiCase';
import { scanProject } from './projectScan';
import { withSuppliedAdc } from './suppliedAdc';
import { timeStage } from './stageTiming';

export interface LoadedCase {
  descriptor: CaseDescriptor;
  /** Key = volumeId. */
  volumes: ReadonlyMap<string, Volume>;
}

export interface OpenCaseOptions {
  caseId: string;
  /** The most case data may need in memory (memoryBudget.ts); the default budget when absent. */
  memoryBudgetBytes?: number;
  seriesInstanceUid?: string;
  volumeUrl: (caseId: string, volumeId: string) => string;
  /** Told as a DICOM series' compressed frames are decoded. */
  onDecodeProgress?: DecodeProgress;
}

/** V8's messages when an ArrayBuffer, typed array or Buffer cannot be allocated. */
function isAllocationFailure(e: RangeError): boolean {
  return /allocation failed|Invalid (typed )?array length|Array buffer allocation|Cannot create a Buffer larger/i.test(e.message);
}

const REFUSAL_CODE: Record<FileRefusalReason, ApiError['code']> = {
  'not-regular': 'unsupported-file',
  'too-large': 'too-large',
  timeout: 'internal',
};

/** Turns anything thrown while loading into an ApiError a person can act on. */
export function toApiError(e: unknown, target: string): ApiError {
  if (e instanceof CaseOpenError) return e.error;
  if (e instanceof FileRefusal) return { code: REFUSAL_CODE[e.reason], message: e.message };
  if (isVolumeReadError(e))
    return e.detail === undefined ? { code: e.code, message: e.message } : { code: e.code, message: e.message, detail: e.detail };
  const code = (e as NodeJS.ErrnoException | null)?.code;
  if (code === 'ENOENT') return { code: 'not-found', message: `No such file or folder: ${target}` };
  if (code === 'EACCES' || code === 'EPERM') return { code: 'not-found', message: `Quorum may not read ${target} (permission denied).` };
  if (code === 'EISDIR') return { code: 'unsupported-file', message: `${target} is a folder, not a file.` };
  // Only a failed allocation means "too large"; any other RangeError (a call stack overflow, an
  // index out of range) is a defect in Quorum and is reported as one, not blamed on the file's size.
  if (e instanceof RangeError && isAllocationFailure(e))
    return { code: 'too-large', message: `${target} is too large to load into memory (${e.message}).` };
  return { code: 'internal', message: `Could not open ${target}: ${e instanceof Error ? e.message : String(e)}` };
}

/** Opens the case at `casePath`: a .nii/.nii.gz file, a DICOM folder, or a DICOM file (its folder, its series). */
export async function openCase(casePath: string, opts: OpenCaseOptions): Promise<Result<LoadedCase>> {
  const budget = opts.memoryBudgetBytes ?? DEFAULT_MEMORY_BUDGET_BYTES;
  try {
    const info = await stat(casePath);
    let loaded: LoadedVolumes;
    if (info.isDirectory()) {
      loaded = await loadDicomCase(casePath, {
        seriesInstanceUid: opts.seriesInstanceUid,
        memoryBudgetBytes: budget,
        onDecodeProgress: opts.onDecodeProgress,
      });
    } else if (isNiftiName(casePath)) {
      loaded = await withSuppliedAdc(casePath, await loadNiftiCase(casePath, budget), budget);
    } else {
      // Not named .nii: a DICOM file (often extensionless) stands for its folder; its series is chosen
      // unless the caller asked for another. Anything else is refused by the DICOM check.
      loaded = await loadDicomCase(path.dirname(casePath), {
        seriesInstanceUid: opts.seriesInstanceUid,
        chosenFile: casePath,
        memoryBudgetBytes: budget,
        onDecodeProgress: opts.onDecodeProgress,
      });
    }
    return { ok: true, value: describe(casePath, loaded, opts) };
  } catch (e) {
    return { ok: false, error: toApiError(e, casePath) };
  }
}

function describe(casePath: string, loaded: LoadedVolumes, opts: OpenCaseOptions): LoadedCase {
  const volumes = new Map<string, Volume>();
  const infos: VolumeInfo[] = loaded.volumes.map((v, index) => {
    const volumeId = `v${index}`;
    volumes.set(volumeId, v.volume);
    const g = v.volume.geometry;
    const { min, max } = v.range ?? timeStage('range', () => finiteRange(v.volume.data));
    return {
      volumeId,
      label: v.label,
      bValue: v.bValue,
      dims: [...g.dims],
      spacingMm: [...g.spacingMm],
      originLps: [...g.originLps],
      direction: [...g.direction],
      dataType: dataTypeOf(v.volume.data),
      min,
      max,
      unit: v.volume.unit ?? null,
      ...(v.volume.displayInverted ? { displayInverted: true } : {}),
      url: opts.volumeUrl(opts.caseId, volumeId),
    };
  });
  const descriptor: CaseDescriptor = {
    caseId: opts.caseId,
    name: loaded.name,
    source: loaded.source,
    modality: loaded.modality,
    path: casePath,
    volumes: infos,
    notes: loaded.notes,
  };
  return { descriptor, volumes };
}

/** Lists the cases in a project folder; a `quorum-demo.json` manifest in it takes precedence over scanning. */
export async function listCases(folder: string): Promise<Result<{ path: string; name: string; cases: CaseEntry[] }>> {
  try {
    const info = await stat(folder);
    if (!info.isDirectory())
      return { ok: false, error: { code: 'bad-request', message: `${folder} is not a folder; choose a project folder.` } };
    const { name, cases } = await scanProject(folder);
    return { ok: true, value: { path: folder, name, cases } };
  } catch (e) {
    return { ok: false, error: toApiError(e, folder) };
  }
}
