/**
 * Loading the CLI's NIfTI inputs through the shared reader, and the checks the contract turns into
 * exit code 2: missing file, corrupt NIfTI, 4D image, shape or affine mismatch, non-binary masks,
 * probabilities outside [0, 1].
 */
import { readFileSync, statSync } from 'node:fs';
import { isVolumeReadError, readNifti, type NiftiImage } from '../../src-shared/nifti/index';
import type { Dims3, Spacing3 } from '../../src-shared/metrics/grid';
import { BadInput } from './errors';

export interface LoadedImage {
  readonly path: string;
  readonly image: NiftiImage;
  readonly dims: Dims3;
  /** pixdim[1..3]: the spacing nibabel (get_zooms) and SimpleITK report, hence the references use. */
  readonly spacing: Spacing3;
}

export function loadImage(path: string, role: string): LoadedImage {
  let bytes: Uint8Array;
  try {
    if (!statSync(path).isFile()) throw new BadInput(`${role} ${path} is not a file`);
    bytes = readFileSync(path);
  } catch (e) {
    if (e instanceof BadInput) throw e;
    throw new BadInput(`${role} ${path} cannot be read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  let image: NiftiImage;
  try {
    image = readNifti(bytes, { fileName: path });
  } catch (e) {
    const hint = isVolumeReadError(e) && e.code === 'unsupported-file' ? '; evaluate reads NIfTI-1/2 images (.nii, .nii.gz)' : '';
    throw new BadInput(`${role} ${path} is not a readable NIfTI: ${(e as Error).message.replace(/\s+/g, ' ')}${hint}`);
  }
  if (image.volumeCount !== 1) throw new BadInput(`${role} ${path} has ${image.volumeCount} volumes; a 3D image is required`);
  const g = image.geometry;
  const px = image.header.pixdim;
  const fromHeader = [Math.abs(px[1]), Math.abs(px[2]), Math.abs(px[3])];
  const spacing = (fromHeader.every((v) => Number.isFinite(v) && v > 0) ? fromHeader : [...g.spacingMm]) as unknown as Spacing3;
  return { path, image, dims: [g.dims[0], g.dims[1], g.dims[2]], spacing };
}

/** Same grid: equal shape and an affine equal within numpy allclose-like tolerance (float32 noise). */
export function checkSameGrid(a: LoadedImage, b: LoadedImage): void {
  if (a.dims[0] !== b.dims[0] || a.dims[1] !== b.dims[1] || a.dims[2] !== b.dims[2]) {
    throw new BadInput(`shape mismatch: ${a.path} is ${a.dims.join('x')}, ${b.path} is ${b.dims.join('x')}`);
  }
  const A = a.image.affineRas,
    B = b.image.affineRas;
  for (let i = 0; i < 16; i++) {
    if (!(Math.abs(A[i] - B[i]) <= 1e-4 + 1e-5 * Math.abs(B[i]))) {
      throw new BadInput(`affine mismatch between ${a.path} and ${b.path} (entry ${i}: ${A[i]} vs ${B[i]})`);
    }
  }
}

/** Values must be exactly 0 or 1; returns them as a Uint8Array. */
export function binaryMask(img: LoadedImage, role: string): Uint8Array {
  const d = img.image.data;
  if (d instanceof Uint8Array) {
    for (let p = 0; p < d.length; p++) {
      if (d[p] > 1) throw new BadInput(`${role} ${img.path} is not binary: value ${d[p]} at voxel ${p}`);
    }
    return d;
  }
  const out = new Uint8Array(d.length);
  for (let p = 0; p < d.length; p++) {
    const v = d[p];
    if (v === 1) out[p] = 1;
    else if (v !== 0) throw new BadInput(`${role} ${img.path} is not binary: value ${v} at voxel ${p}`);
  }
  return out;
}

/** Probabilities must lie in [0, 1] (NaN refused). */
export function probabilities(img: LoadedImage): ArrayLike<number> {
  const d = img.image.data;
  for (let p = 0; p < d.length; p++) {
    const v = d[p];
    if (!(v >= 0 && v <= 1)) throw new BadInput(`probabilities in ${img.path} must lie in [0,1]: value ${v} at voxel ${p}`);
  }
  return d;
}
