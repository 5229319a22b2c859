/**
 * readNifti: .nii / .nii.gz bytes → header, RAS affine, LPS geometry and voxel data.
 *
 * Order matters for safety: for gzip input only the first few KB are inflated to get the header,
 * which is validated (voxel count, byte size, datatype) before the output buffer is allocated; the
 * full inflate then writes into a buffer of exactly the size the header promises, so a damaged gzip
 * trailer cannot make us allocate gigabytes.
 */
import { Gunzip, gunzipSync } from 'fflate';
import { VolumeReadError } from '../volume/errors';
import type { VoxelArray, VoxelDataType } from '../volume/types';
import { BYTES_PER_VOXEL, voxelView } from '../volume/voxelTypes';
import { niftiGeometry, type NiftiPlacement } from './geometry';
import { NIFTI2_HEADER_BYTES, parseNiftiHeader, type NiftiHeader } from './header';
import { applyScaling } from './scaling';

/** The header, where it places the grid (niftiGeometry) and the voxels. */
export interface NiftiImage extends NiftiPlacement {
  header: NiftiHeader;
  /** Number of 3D volumes (dim4 × … × dim7); 1 for a 3D image. */
  volumeCount: number;
  /** Type of `data` after scaling (may differ from header.dataType when scl_slope/inter apply). */
  dataType: VoxelDataType;
  /** All voxels, i fastest, volume after volume, with scl_slope/scl_inter applied. */
  data: VoxelArray;
  /** Fix-ups applied while reading, each with its reason. */
  notes: string[];
}

export interface ReadNiftiOptions {
  /** Used in messages only. */
  fileName?: string;
  /**
   * A faster gunzip for the whole file, e.g. Node's zlib in the main process (about 2× fflate).
   * It receives the gzip bytes and the inflated size the (already validated) header promises, and
   * must not allocate much more than that. Errors it throws are reported as a damaged file.
   */
  gunzip?: (gz: Uint8Array, expectedBytes: number) => Uint8Array;
  /**
   * The caller hands `bytes` over (e.g. a .nii.gz it inflated itself, off the main thread): the
   * voxels may then be a view into them rather than a copy.
   */
  ownsBytes?: boolean;
}

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Inflates just enough of a gzip stream to hold a NIfTI-2 header (or the whole stream if shorter). */
function inflateHead(gz: Uint8Array, fileName: string): Uint8Array {
  const want = NIFTI2_HEADER_BYTES;
  const head = new Uint8Array(want);
  let got = 0;
  const stream = new Gunzip((chunk) => {
    const n = Math.min(chunk.length, want - got);
    if (n > 0) head.set(chunk.subarray(0, n), got);
    got += n;
  });
  // Small steps: each push inflates all it can, and a 4 KiB step of a mostly empty mask inflated
  // megabytes that the header does not need (~0.3 s per small case in the evaluate CLI, issue 19).
  const step = 64;
  try {
    for (let p = 0; p < gz.length && got < want; p += step) stream.push(gz.subarray(p, Math.min(gz.length, p + step)));
  } catch (e) {
    throw new VolumeReadError('corrupt-file', `${fileName} is not a valid gzip stream (${(e as Error).message}).`);
  }
  return head.subarray(0, got);
}

/** The error for a gzip stream that cannot be inflated; `reason` is the inflater's own message. */
export function damagedGzipError(fileName: string, reason: string): VolumeReadError {
  return new VolumeReadError(
    'corrupt-file',
    `${fileName} is truncated or damaged: its gzip stream could not be inflated (${reason}). Copy or download the file again.`,
  );
}

function inflateAll(gz: Uint8Array, size: number, fileName: string, gunzip?: ReadNiftiOptions['gunzip']): Uint8Array {
  try {
    return gunzip ? gunzip(gz, size) : gunzipSync(gz, { out: new Uint8Array(size) });
  } catch (e) {
    throw damagedGzipError(fileName, (e as Error).message);
  }
}

/**
 * Validates a NIfTI header from the first bytes of a file (64 KiB is plenty, gzipped or not), so a
 * caller can refuse a file before reading all of it. Throws the same VolumeReadErrors as readNifti.
 */
export function readNiftiHeader(prefix: Uint8Array, options: ReadNiftiOptions = {}, notes: string[] = []): NiftiHeader {
  const fileName = options.fileName ?? 'the file';
  return parseNiftiHeader(isGzip(prefix) ? inflateHead(prefix, fileName) : prefix, fileName, notes);
}

export function readNifti(bytes: Uint8Array, options: ReadNiftiOptions = {}): NiftiImage {
  const fileName = options.fileName ?? 'the file';
  const notes: string[] = [];
  const gz = isGzip(bytes);
  const header = parseNiftiHeader(gz ? inflateHead(bytes, fileName) : bytes, fileName, notes);
  const need = header.voxOffset + header.dataBytes;

  let file: Uint8Array;
  if (gz) {
    file = inflateAll(bytes, need, fileName, options.gunzip);
  } else {
    file = bytes;
  }
  if (file.length < need) {
    throw new VolumeReadError(
      'corrupt-file',
      `${fileName} is truncated: the header promises ${header.dataBytes} bytes of voxels from byte ${header.voxOffset}, ` +
        `but the ${gz ? 'inflated ' : ''}file ends after ${Math.max(0, file.length - header.voxOffset)} of them.`,
    );
  }

  const stored = storedArray(file, header, gz || options.ownsBytes === true);
  const { data, dataType } = applyScaling(stored, header, notes);

  return {
    header,
    ...niftiGeometry(header, fileName, notes),
    volumeCount: header.volumeCount,
    dataType,
    data,
    notes,
  };
}

/**
 * The stored voxels as a typed array of the header's type, little-endian. A view when the buffer is
 * ours (inflated) and aligned; a copy when the bytes belong to the caller, are misaligned for the
 * element size, or need byte swapping.
 */
function storedArray(file: Uint8Array, h: NiftiHeader, ownBuffer: boolean): VoxelArray {
  const bpv = BYTES_PER_VOXEL[h.dataType];
  const n = h.voxelsPerVolume * h.volumeCount;
  const start = file.byteOffset + h.voxOffset;
  let buffer: ArrayBuffer;
  let offset: number;
  if (ownBuffer && start % bpv === 0 && h.littleEndian && file.buffer instanceof ArrayBuffer) {
    buffer = file.buffer;
    offset = start;
  } else {
    // A fresh buffer, not `file.slice`: on a Node Buffer (readFileSync, zlib) slice is a view of the
    // whole file, so `.buffer` would start at the header and the swap would edit the caller's bytes.
    const copy = new Uint8Array(h.dataBytes);
    copy.set(file.subarray(h.voxOffset, h.voxOffset + h.dataBytes));
    if (!h.littleEndian && bpv > 1) swapBytes(copy, bpv);
    buffer = copy.buffer;
    offset = 0;
  }
  return voxelView(h.dataType, buffer, offset, n);
}

function swapBytes(b: Uint8Array, size: number): void {
  for (let i = 0; i < b.length; i += size) {
    for (let lo = i, hi = i + size - 1; lo < hi; lo++, hi--) {
      const t = b[lo];
      b[lo] = b[hi];
      b[hi] = t;
    }
  }
}
