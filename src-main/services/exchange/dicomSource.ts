/**
 * The DICOM instances behind a case's reference grid: for each slice k, the source image a SEG
 * frame at k derives from (its SOP class and instance UID, and its exact ImagePositionPatient), plus
 * the patient/study attributes a SEG must share with its source. Slices are matched by geometry, not
 * by file order or InstanceNumber, so oblique series and shuffled files map correctly.
 *
 * Plain Node.
 */
import path from 'node:path';
import type { Geometry } from '../../../src-shared/volume/types';
import { listFolderFiles } from '../dicomCase';
import { readWholeFile } from '../caseFiles';
import { fail } from '../project/errors';
import { numbers, planeOnGrid, readDicom, str, type NaturalDataset } from './dicomNatural';

export interface SourceSlice {
  sopClassUid: string;
  sopInstanceUid: string;
  /** The source's own ImagePositionPatient, written unchanged into the SEG frame. */
  imagePositionPatient: number[];
}

export interface DicomSource {
  seriesInstanceUid: string;
  /** One per grid slice, k = 0 … nz − 1. */
  slices: SourceSlice[];
  imageOrientationPatient: number[];
  pixelSpacing: number[];
  sliceThickness: number | undefined;
  /** Patient, study and frame-of-reference attributes copied into the SEG. */
  common: NaturalDataset;
}

/** Copied from the source so the SEG lands in the same patient, study and frame of reference. */
const COMMON_KEYS = [
  'PatientName',
  'PatientID',
  'PatientBirthDate',
  'PatientSex',
  'StudyInstanceUID',
  'StudyDate',
  'StudyTime',
  'StudyID',
  'AccessionNumber',
  'ReferringPhysicianName',
  'StudyDescription',
  'FrameOfReferenceUID',
  'PositionReferenceIndicator',
] as const;

interface Candidate {
  ds: NaturalDataset;
  k: number;
}

/** Reads the case's DICOM folder and finds, for every slice of `geometry`, its source instance. */
export async function readDicomSource(folder: string, geometry: Geometry): Promise<DicomSource> {
  const [nx, ny, nz] = geometry.dims;
  const bySeries = new Map<string, Map<number, Candidate>>();
  const reasons: string[] = [];
  let files: string[];
  try {
    files = await listFolderFiles(folder);
  } catch (err) {
    return fail(
      'not-found',
      `the case's DICOM folder ${folder} cannot be read (${(err as Error).message}); DICOM SEG needs the source series`,
    );
  }
  for (const name of files) {
    let ds: NaturalDataset;
    try {
      ds = readDicom(await readWholeFile(path.join(folder, name)), { headerOnly: true }).dataset;
    } catch {
      continue; // not DICOM: the case loader skips such files too
    }
    const uid = str(ds.SeriesInstanceUID);
    if (!uid || ds.Rows !== ny || ds.Columns !== nx) continue;
    const at = planeOnGrid(geometry, numbers(ds.ImagePositionPatient), numbers(ds.ImageOrientationPatient));
    if (at.k === null) {
      if (reasons.length < 3) reasons.push(`${name}: ${at.why}`);
      continue;
    }
    const slices = bySeries.get(uid) ?? new Map<number, Candidate>();
    bySeries.set(uid, slices);
    // Several files per position (e.g. DWI b-values): the first in name order is the reference.
    if (!slices.has(at.k)) slices.set(at.k, { ds, k: at.k });
  }
  const best = [...bySeries.entries()].sort((a, b) => b[1].size - a[1].size)[0];
  if (!best || best[1].size < nz) {
    const found = best ? `${best[1].size} of its ${nz} slices` : 'none of its slices';
    return fail(
      'bad-request',
      `the DICOM files in ${folder} cover ${found} on the case's grid${reasons.length ? ` (${reasons.join('; ')})` : ''}; DICOM SEG export needs the single-frame source series the case was opened from`,
    );
  }
  const [uid, slices] = best;
  const ordered = Array.from({ length: nz }, (_, k) => slices.get(k) as Candidate);
  const first = ordered[0].ds;
  const common: NaturalDataset = {};
  for (const key of COMMON_KEYS) if (first[key] !== undefined) common[key] = first[key];
  const thickness = numbers(first.SliceThickness)[0];
  return {
    seriesInstanceUid: uid,
    slices: ordered.map(({ ds }) => ({
      sopClassUid: str(ds.SOPClassUID) ?? '',
      sopInstanceUid: str(ds.SOPInstanceUID) ?? '',
      imagePositionPatient: numbers(ds.ImagePositionPatient),
    })),
    imageOrientationPatient: numbers(first.ImageOrientationPatient),
    pixelSpacing: numbers(first.PixelSpacing),
    sliceThickness: Number.isFinite(thickness) ? thickness : undefined,
    common,
  };
}
