/**
 * Loading the CLI's NIfTI inputs through the shared reader, and the checks the contract turns into
 * exit code 2: missing file, corrupt NIfTI, 4D image, shape or affine mismatch, non-binary masks,
 * label maps holding non-integers (--labels), probabilities outside [0, 1].
 */
import { readFile, stat } from 'node:fs/promises';
import { constants as zlibConstants, gunzipSync } from 'node:zlib';
import { damagedGzipError, isGzip, isVolumeReadError, readNifti, readNiftiHeader, type NiftiImage } from '../../src-shared/nifti/index';
import { NIFTI2_HEADER_BYTES } from '../../src-shared/nifti/header';
import type { VoxelArray } from '../../src-shared/volume/types';
import { gunzipCappedAsync } from '../services/gunzipCapped';
import { BadInput } from './errors';

/** A file and its image; the grid is `image.geometry`, placed by the affine as the app places it (niftiGeometry). */
export interface LoadedImage {
  readonly path: string;
  readonly image: NiftiImage;
}

/** Compressed bytes inflated for the header: at most about 1 MB of output, even for a run of zeros. */
const HEAD_PREFIX = 1024;

/**
 * The first bytes of a .nii.gz, enough for a NIfTI-2 header, inflated by Node's zlib: in a fresh
 * process fflate's JavaScript inflater (readNiftiHeader's own) is not yet compiled, and inflating the
 * header with it cost more than the rest of loading a small case. Falls back to the whole stream
 * when the prefix yields no whole header (a long gzip file name, a tiny file) or fails to inflate, so
 * that readNiftiHeader reads it or reports what is wrong, as it would alone.
 */
function headerBytes(gz: Uint8Array): Uint8Array {
  try {
    const head = gunzipSync(gz.subarray(0, HEAD_PREFIX), { finishFlush: zlibConstants.Z_SYNC_FLUSH });
    if (head.length >= NIFTI2_HEADER_BYTES) return head;
  } catch {
    // readNiftiHeader inflates the stream itself and names the problem.
  }
  return gz;
}

/**
 * Node's zlib on the libuv thread pool, so the files of a case inflate at the same time on separate
 * cores while this thread waits. The header, validated first, gives the size; the cap keeps a
 * damaged stream from growing past it.
 */
async function inflateNifti(gz: Uint8Array, path: string): Promise<Uint8Array> {
  const h = readNiftiHeader(headerBytes(gz), { fileName: path });
  const size = h.voxOffset + h.dataBytes;
  try {
    return await gunzipCappedAsync(gz, size + (1 << 20));
  } catch (e) {
    throw damagedGzipError(path, (e as Error).message);
  }
}

/** Reads and parses one NIfTI; many of these run concurrently (read and inflate off this thread). */
export async function loadImage(path: string, role: string): Promise<LoadedImage> {
  let bytes: Uint8Array;
  try {
    if (!(await stat(path)).isFile()) throw new BadInput(`${role} ${path} is not a file`);
    bytes = await readFile(path);
  } catch (e) {
    if (e instanceof BadInput) throw e;
    throw new BadInput(`${role} ${path} cannot be read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  let image: NiftiImage;
  try {
    // The bytes are this function's own (read or inflated here): the voxels may be a view into them.
    image = readNifti(isGzip(bytes) ? await inflateNifti(bytes, path) : bytes, { fileName: path, ownsBytes: true });
  } catch (e) {
    const hint = isVolumeReadError(e) && e.code === 'unsupported-file' ? '; evaluate reads NIfTI-1/2 images (.nii, .nii.gz)' : '';
    throw new BadInput(`${role} ${path} is not a readable NIfTI: ${(e as Error).message.replace(/\s+/g, ' ')}${hint}`);
  }
  if (image.volumeCount !== 1) throw new BadInput(`${role} ${path} has ${image.volumeCount} volumes; a 3D image is required`);
  return { path, image };
}

/** Same grid: equal shape and an affine equal within numpy allclose-like tolerance (float32 noise). */
export function checkSameGrid(a: LoadedImage, b: LoadedImage): void {
  const [da, db] = [a.image.geometry.dims, b.image.geometry.dims];
  if (da[0] !== db[0] || da[1] !== db[1] || da[2] !== db[2]) {
    throw new BadInput(`shape mismatch: ${a.path} is ${da.join('x')}, ${b.path} is ${db.join('x')}`);
  }
  const A = a.image.affineRas,
    B = b.image.affineRas;
  for (let i = 0; i < 16; i++) {
    if (!(Math.abs(A[i] - B[i]) <= 1e-4 + 1e-5 * Math.abs(B[i]))) {
      throw new BadInput(`affine mismatch between ${a.path} and ${b.path} (entry ${i}: ${A[i]} vs ${B[i]})`);
    }
  }
}

/**
 * A mask's voxels as a Uint8Array, for the reference and the prediction: uint8 data is returned
 * unchecked, because the metrics' counting pass finds any value other than 0 or 1 at no extra cost
 * (CaseContext.masksAreBinary; evaluateCase then calls binaryMask for the message). Other types
 * are converted, and checked in that same pass.
 */
export function maskBytes(img: LoadedImage, role: string): Uint8Array {
  return img.image.data instanceof Uint8Array ? img.image.data : binaryMask(img, role);
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

/**
 * A label map's voxels: every value must be an integer (integer types are so by construction; float
 * images are checked, so 1.5 is refused rather than matching no label). Values not asked for are
 * background for every label, so nothing else is checked.
 */
export function labelValues(img: LoadedImage, role: string): VoxelArray {
  const d = img.image.data;
  if (d instanceof Float32Array || d instanceof Float64Array) {
    for (let p = 0; p < d.length; p++) {
      if (!Number.isInteger(d[p]))
        throw new BadInput(`${role} ${img.path} is not a label map: value ${d[p]} at voxel ${p} is not an integer`);
    }
  }
  return d;
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
