/**
 * writeNifti: a volume (or a stack of volumes) → single-file NIfTI-1 bytes, optionally gzipped.
 *
 * Both sform and qform are written (code 1, scanner-based) so every reader finds the same grid: the
 * sform carries the exact affine, the qform its rigid part plus pixdim. Data are written as stored
 * values; pass sclSlope/sclInter when they are scaled integers.
 */
import { gzipSync } from 'fflate';
import { affineRasFromGeometry } from '../volume/geometry';
import type { Geometry, VoxelArray } from '../volume/types';
import { BYTES_PER_VOXEL } from '../volume/voxelTypes';
import { rotationToQuaternion } from './affine';
import { DATATYPE_CODES, NIFTI1_HEADER_BYTES } from './header';
import { dataTypeOf } from './scaling';

export interface NiftiWriteInput {
  geometry: Geometry;
  /** Stored values, i fastest, volume after volume. Its type sets the NIfTI datatype. */
  data: VoxelArray;
  /** Number of 3D volumes in `data`; default 1. More than one writes a 4D image. */
  volumeCount?: number;
  sclSlope?: number;
  sclInter?: number;
  /** Up to 79 ASCII characters. */
  description?: string;
  calMin?: number;
  calMax?: number;
  intentCode?: number;
}

export interface NiftiWriteOptions {
  gzip?: boolean;
  /** gzip level 0–9 (default 6). */
  level?: 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9;
}

const VOX_OFFSET = NIFTI1_HEADER_BYTES + 4;

export function writeNifti(input: NiftiWriteInput, options: NiftiWriteOptions = {}): Uint8Array {
  const head = writeNiftiHeader(input);
  const out = new Uint8Array(head.length + input.data.byteLength);
  out.set(head);
  // Typed arrays are in platform order; every platform Quorum runs on is little-endian.
  out.set(new Uint8Array(input.data.buffer, input.data.byteOffset, input.data.byteLength), head.length);
  // mtime 0: the same input gives byte-identical .nii.gz files (reproducible demo data and caches).
  return options.gzip ? gzipSync(out, { level: options.level ?? 6, mtime: 0 }) : out;
}

/**
 * The bytes a single-file NIfTI-1 of `input` holds before its voxels (header and the empty
 * extension flag; the voxels follow at once, little-endian): for a writer that compresses the
 * voxels in pieces without first copying them behind the header (src-main's labelmap gzip).
 */
export function writeNiftiHeader(input: NiftiWriteInput): Uint8Array {
  const g = input.geometry;
  const volumeCount = input.volumeCount ?? 1;
  const voxels = g.dims[0] * g.dims[1] * g.dims[2];
  if (input.data.length !== voxels * volumeCount) {
    throw new Error(`writeNifti: data has ${input.data.length} voxels, geometry × volumes needs ${voxels * volumeCount}`);
  }
  for (const d of [...g.dims, volumeCount]) {
    if (!(Number.isInteger(d) && d >= 1 && d <= 32767)) throw new Error(`writeNifti: dimension ${d} does not fit NIfTI-1 (1..32767)`);
  }
  const type = dataTypeOf(input.data);
  const bpv = BYTES_PER_VOXEL[type];
  const out = new Uint8Array(VOX_OFFSET);
  const v = new DataView(out.buffer);
  const le = true;

  v.setInt32(0, NIFTI1_HEADER_BYTES, le);
  out[38] = 'r'.charCodeAt(0); // "regular", kept for Analyze readers
  const nd = volumeCount > 1 ? 4 : 3;
  const dim = [nd, g.dims[0], g.dims[1], g.dims[2], volumeCount, 1, 1, 1];
  dim.forEach((d, i) => v.setInt16(40 + 2 * i, d, le));
  v.setInt16(68, input.intentCode ?? 0, le);
  v.setInt16(70, DATATYPE_CODES[type], le);
  v.setInt16(72, bpv * 8, le);

  const affine = affineRasFromGeometry(g);
  // The rotation part: affine columns divided by spacing.
  const rot = new Float64Array(9);
  for (let row = 0; row < 3; row++) for (let c = 0; c < 3; c++) rot[row * 3 + c] = affine[row * 4 + c] / g.spacingMm[c];
  const q = rotationToQuaternion(rot);
  const pixdim = [q.qfac, g.spacingMm[0], g.spacingMm[1], g.spacingMm[2], volumeCount > 1 ? 1 : 0, 0, 0, 0];
  pixdim.forEach((p, i) => v.setFloat32(76 + 4 * i, p, le));
  v.setFloat32(108, VOX_OFFSET, le);
  v.setFloat32(112, input.sclSlope ?? 1, le);
  v.setFloat32(116, input.sclInter ?? 0, le);
  out[123] = 2; // xyzt_units: mm (time unknown)
  v.setFloat32(124, input.calMax ?? 0, le);
  v.setFloat32(128, input.calMin ?? 0, le);
  writeAscii(out, 148, 80, input.description ?? 'Quorum');
  v.setInt16(252, 1, le); // qform_code: scanner
  v.setInt16(254, 1, le); // sform_code: scanner
  v.setFloat32(256, q.b, le);
  v.setFloat32(260, q.c, le);
  v.setFloat32(264, q.d, le);
  v.setFloat32(268, affine[3], le);
  v.setFloat32(272, affine[7], le);
  v.setFloat32(276, affine[11], le);
  for (let i = 0; i < 12; i++) v.setFloat32(280 + 4 * i, affine[i], le);
  writeAscii(out, 344, 4, 'n+1');
  // bytes 348..351: extension flag, all zero = no extensions.
  return out;
}

function writeAscii(out: Uint8Array, offset: number, max: number, s: string): void {
  const n = Math.min(s.length, max - 1);
  for (let i = 0; i < n; i++) out[offset + i] = s.charCodeAt(i) & 0x7f;
}
