/**
 * An ISLES'22-like BIDS subject made on the spot (issue 12 tests, service and e2e): a 4D DWI (b = 0
 * and 1000, with its .bval), an ADC on the DWI's grid shifted by two voxels along i (so its voxel
 * centres coincide with the DWI's), a FLAIR on a grid of its own (other spacing, rotated 15° about
 * the slice axis) and a lesion mask under derivatives/ that is not an image. Voxel values are simple
 * functions of the voxel index, so a test can say which file voxel a world point falls on.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { writeNifti } from '../../src-shared/nifti';
import type { Geometry } from '../../src-shared/volume/types';

export const SUBJECT = 'sub-strokecase0001';

export const DWI_GRID: Geometry = {
  dims: [24, 20, 8],
  spacingMm: [2, 2, 5],
  originLps: [23, 19, -17.5],
  direction: [-1, 0, 0, 0, -1, 0, 0, 0, 1],
};
/** Two voxels further along i (−x in LPS) than the DWI: ADC voxel (i, j, k) is DWI voxel (i + 2, j, k). */
export const ADC_GRID: Geometry = { ...DWI_GRID, dims: [20, 20, 8], originLps: [19, 19, -17.5] };
const c = Math.cos((15 * Math.PI) / 180);
const s = Math.sin((15 * Math.PI) / 180);
const FLAIR_GRID: Geometry = {
  dims: [16, 14, 6],
  spacingMm: [3, 3, 7],
  originLps: [20, 18, -16],
  direction: [-c, -s, 0, s, -c, 0, 0, 0, 1],
};

const dwiB0 = (i: number, j: number, k: number): number => 2000 + i + j + k;
export const dwiB1000 = (i: number, j: number, k: number): number => 100 + i + 30 * j + 600 * k;
export const adcValue = (i: number, j: number, k: number): number => 400 + 7 * i + 13 * j + 101 * k;
const flairValue = (i: number, j: number, k: number): number => 50 + 2 * i + 5 * j + 70 * k;

function filled(
  g: Geometry,
  f: (i: number, j: number, k: number) => number,
  out: Int16Array<ArrayBuffer> = new Int16Array(g.dims[0] * g.dims[1] * g.dims[2]),
  offset = 0,
): Int16Array<ArrayBuffer> {
  const [nx, ny, nz] = g.dims;
  for (let k = 0; k < nz; k++) for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) out[offset + i + nx * (j + ny * k)] = f(i, j, k);
  return out;
}

export interface IslesSubject {
  /** rawdata/sub-…: the subject folder to import. */
  subjectDir: string;
  dwi: string;
  adc: string;
  flair: string;
}

/** Writes the subject under `root` (root/rawdata/sub-…/ses-0001/{dwi,anat}/, root/derivatives/…). */
export function writeIslesSubject(root: string): IslesSubject {
  const subjectDir = path.join(root, 'rawdata', SUBJECT);
  const dwiDir = path.join(subjectDir, 'ses-0001', 'dwi');
  const anatDir = path.join(subjectDir, 'ses-0001', 'anat');
  const maskDir = path.join(root, 'derivatives', SUBJECT, 'ses-0001');
  for (const d of [dwiDir, anatDir, maskDir]) mkdirSync(d, { recursive: true });
  const stem = `${SUBJECT}_ses-0001`;
  const voxels = DWI_GRID.dims[0] * DWI_GRID.dims[1] * DWI_GRID.dims[2];
  const dwiData = filled(DWI_GRID, dwiB0, new Int16Array(2 * voxels));
  filled(DWI_GRID, dwiB1000, dwiData, voxels);
  const files = {
    dwi: path.join(dwiDir, `${stem}_dwi.nii.gz`),
    adc: path.join(dwiDir, `${stem}_adc.nii.gz`),
    flair: path.join(anatDir, `${stem}_FLAIR.nii.gz`),
  };
  writeFileSync(files.dwi, writeNifti({ geometry: DWI_GRID, data: dwiData, volumeCount: 2 }, { gzip: true }));
  writeFileSync(path.join(dwiDir, `${stem}_dwi.bval`), '0 1000\n');
  writeFileSync(files.adc, writeNifti({ geometry: ADC_GRID, data: filled(ADC_GRID, adcValue) }, { gzip: true }));
  writeFileSync(files.flair, writeNifti({ geometry: FLAIR_GRID, data: filled(FLAIR_GRID, flairValue) }, { gzip: true }));
  writeFileSync(path.join(maskDir, `${stem}_msk.nii.gz`), writeNifti({ geometry: DWI_GRID, data: new Uint8Array(voxels) }, { gzip: true }));
  return { subjectDir, ...files };
}
