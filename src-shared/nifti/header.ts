/**
 * NIfTI-1 and NIfTI-2 header parsing and validation, on raw (already inflated) header bytes.
 *
 * Written here rather than through nifti-reader-js so that every check the app depends on happens
 * before the voxel buffer exists: the voxel count and byte size are validated from the header alone,
 * and every problem becomes a VolumeReadError with a message a user can act on.
 */
import { MAX_BYTES, MAX_VOLUMES, MAX_VOXELS, VolumeReadError } from '../volume/errors';
import type { VoxelDataType } from '../volume/types';
import { BYTES_PER_VOXEL } from '../volume/voxelTypes';

export const NIFTI1_HEADER_BYTES = 348;
export const NIFTI2_HEADER_BYTES = 540;

/** NIfTI datatype codes Quorum reads, with their voxel type. */
const NIFTI_DATATYPES: Readonly<Record<number, VoxelDataType>> = {
  2: 'uint8',
  4: 'int16',
  8: 'int32',
  16: 'float32',
  64: 'float64',
  256: 'int8',
  512: 'uint16',
  768: 'uint32',
};

const UNSUPPORTED_DATATYPE_NAMES: Readonly<Record<number, string>> = {
  1: 'binary (1 bit)',
  32: 'complex64',
  128: 'RGB24',
  1024: 'int64',
  1280: 'uint64',
  1536: 'float128',
  1792: 'complex128',
  2048: 'complex256',
  2304: 'RGBA32',
};

// Re-exported: nifti/index.ts has always offered it, and writers/readers here import it from this module.
export { BYTES_PER_VOXEL };

export const DATATYPE_CODES: Readonly<Record<VoxelDataType, number>> = {
  uint8: 2,
  int16: 4,
  int32: 8,
  float32: 16,
  float64: 64,
  int8: 256,
  uint16: 512,
  uint32: 768,
};

export interface NiftiHeader {
  version: 1 | 2;
  littleEndian: boolean;
  /** dim[0..7] as stored: dim[0] is the number of dimensions used. */
  dim: number[];
  /** pixdim[0..7] as stored: pixdim[0] is qfac. */
  pixdim: number[];
  datatypeCode: number;
  dataType: VoxelDataType;
  bitpix: number;
  /** Byte offset of the voxel data in the (inflated) file. */
  voxOffset: number;
  sclSlope: number;
  sclInter: number;
  calMin: number;
  calMax: number;
  qformCode: number;
  sformCode: number;
  quatern: [number, number, number];
  qoffset: [number, number, number];
  /** srow_x, srow_y, srow_z concatenated: 12 numbers. */
  srow: number[];
  xyztUnits: number;
  intentCode: number;
  description: string;
  /** Voxels per 3D volume (dim1·dim2·dim3). */
  voxelsPerVolume: number;
  /** Number of 3D volumes: the product of dim4..dim7. */
  volumeCount: number;
  /** Size in bytes of all voxel data the header promises. */
  dataBytes: number;
}

/** How many inflated bytes the header needs, or null when the first 4 bytes are not a NIfTI sizeof_hdr. */
function headerSize(bytes: Uint8Array): number | null {
  if (bytes.length < 4) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, 4);
  for (const le of [true, false]) {
    const n = view.getInt32(0, le);
    if (n === NIFTI1_HEADER_BYTES || n === NIFTI2_HEADER_BYTES) return n;
  }
  return null;
}

function readString(bytes: Uint8Array, offset: number, length: number): string {
  let s = '';
  for (let i = 0; i < length; i++) {
    const c = bytes[offset + i];
    if (c === 0) break;
    s += String.fromCharCode(c);
  }
  return s.trim();
}

// No advice on what to open instead: the app, the CLI and mask import each add their own.
const notNifti = (what: string) => new VolumeReadError('unsupported-file', `This is not a NIfTI image (${what}).`);

/**
 * Parses and validates a header. `fileName` only decorates messages; fix-ups (with their reason) are
 * appended to `notes`.
 */
export function parseNiftiHeader(bytes: Uint8Array, fileName = 'the file', notes: string[] = []): NiftiHeader {
  const size = headerSize(bytes);
  if (size === null) throw notNifti(`${fileName} does not start with a NIfTI header size of 348 or 540`);
  if (bytes.length < size) {
    throw new VolumeReadError('corrupt-file', `${fileName} is truncated: it ends inside the ${size}-byte NIfTI header.`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, size);
  const le = view.getInt32(0, true) === size;
  const h = size === NIFTI1_HEADER_BYTES ? parseV1(bytes, view, le) : parseV2(bytes, view, le);
  return validate(h, fileName, notes);
}

type Raw = Omit<NiftiHeader, 'dataType' | 'voxelsPerVolume' | 'volumeCount' | 'dataBytes'> & { magic: string };

function parseV1(bytes: Uint8Array, v: DataView, le: boolean): Raw {
  const i16 = (o: number) => v.getInt16(o, le);
  const f32 = (o: number) => v.getFloat32(o, le);
  return {
    version: 1,
    littleEndian: le,
    magic: readString(bytes, 344, 4),
    dim: Array.from({ length: 8 }, (_, i) => i16(40 + 2 * i)),
    pixdim: Array.from({ length: 8 }, (_, i) => f32(76 + 4 * i)),
    intentCode: i16(68),
    datatypeCode: i16(70),
    bitpix: i16(72),
    voxOffset: f32(108),
    sclSlope: f32(112),
    sclInter: f32(116),
    xyztUnits: bytes[123],
    calMax: f32(124),
    calMin: f32(128),
    description: readString(bytes, 148, 80),
    qformCode: i16(252),
    sformCode: i16(254),
    quatern: [f32(256), f32(260), f32(264)],
    qoffset: [f32(268), f32(272), f32(276)],
    srow: Array.from({ length: 12 }, (_, i) => f32(280 + 4 * i)),
  };
}

function parseV2(bytes: Uint8Array, v: DataView, le: boolean): Raw {
  const i64 = (o: number) => Number(v.getBigInt64(o, le));
  const i32 = (o: number) => v.getInt32(o, le);
  const f64 = (o: number) => v.getFloat64(o, le);
  return {
    version: 2,
    littleEndian: le,
    magic: readString(bytes, 4, 3),
    datatypeCode: v.getInt16(12, le),
    bitpix: v.getInt16(14, le),
    dim: Array.from({ length: 8 }, (_, i) => i64(16 + 8 * i)),
    pixdim: Array.from({ length: 8 }, (_, i) => f64(104 + 8 * i)),
    voxOffset: i64(168),
    sclSlope: f64(176),
    sclInter: f64(184),
    calMax: f64(192),
    calMin: f64(200),
    description: readString(bytes, 240, 80),
    qformCode: i32(344),
    sformCode: i32(348),
    quatern: [f64(352), f64(360), f64(368)],
    qoffset: [f64(376), f64(384), f64(392)],
    srow: Array.from({ length: 12 }, (_, i) => f64(400 + 8 * i)),
    xyztUnits: i32(500),
    intentCode: i32(504),
  };
}

function validate(raw: Raw, fileName: string, notes: string[]): NiftiHeader {
  const { magic, ...h } = raw;
  const single = h.version === 1 ? 'n+1' : 'n+2';
  const pair = h.version === 1 ? 'ni1' : 'ni2';
  if (magic === pair) {
    throw new VolumeReadError(
      'unsupported-file',
      `${fileName} is the header of a .hdr/.img pair; Quorum opens single-file NIfTI (.nii or .nii.gz). Convert it, e.g. with fslchfiletype NIFTI_GZ.`,
    );
  }
  if (magic !== single) throw notNifti(`${fileName} has NIfTI magic "${magic}", expected "${single}"`);

  const nd = h.dim[0];
  if (!(nd >= 1 && nd <= 7)) {
    throw new VolumeReadError('corrupt-file', `${fileName} has an invalid NIfTI header: dim[0] = ${nd}, must be 1 to 7.`);
  }
  // Unused trailing dims are treated as 1, as the standard asks.
  const dims = Array.from({ length: 7 }, (_, i) => (i + 1 <= nd ? h.dim[i + 1] : 1));
  const badDim = dims.findIndex((d) => !(Number.isInteger(d) && d >= 1));
  if (badDim >= 0) {
    throw new VolumeReadError(
      'corrupt-file',
      `${fileName} has an invalid NIfTI header: dim[${badDim + 1}] = ${dims[badDim]}, must be a positive integer.`,
    );
  }

  const dataType = NIFTI_DATATYPES[h.datatypeCode];
  if (!dataType) {
    const name = UNSUPPORTED_DATATYPE_NAMES[h.datatypeCode];
    throw name
      ? new VolumeReadError(
          'unsupported-file',
          `${fileName} stores ${name} voxels, which Quorum does not display. Convert it to an integer or float32 image.`,
        )
      : new VolumeReadError(
          'corrupt-file',
          `${fileName} has an unknown NIfTI datatype code ${h.datatypeCode}; the header is probably corrupt.`,
        );
  }

  // Size checks use plain doubles (exact below 2^53) so the refusal happens before any allocation.
  const voxelsPerVolume = dims[0] * dims[1] * dims[2];
  const volumeCount = dims[3] * dims[4] * dims[5] * dims[6];
  const voxels = voxelsPerVolume * volumeCount;
  const dataBytes = voxels * BYTES_PER_VOXEL[dataType];
  if (voxels > MAX_VOXELS || dataBytes > MAX_BYTES) {
    throw new VolumeReadError(
      'too-large',
      `${fileName} claims ${dims.slice(0, nd).join('×')} = ${voxels.toExponential(3)} voxels (${(dataBytes / 2 ** 30).toFixed(1)} GiB); ` +
        `Quorum refuses images of 2^31 voxels or 2 GiB and more. Crop or downsample it first.`,
    );
  }

  if (volumeCount > MAX_VOLUMES) {
    throw new VolumeReadError(
      'too-large',
      `${fileName} claims ${dims.slice(0, nd).join('×')}: ${volumeCount} volumes of ${voxelsPerVolume} voxels; ` +
        `Quorum opens at most ${MAX_VOLUMES} volumes per image. Split it or keep the volumes you need first.`,
    );
  }

  const minOffset = h.version === 1 ? NIFTI1_HEADER_BYTES + 4 : NIFTI2_HEADER_BYTES + 4;
  if (!(Number.isFinite(h.voxOffset) && h.voxOffset >= 0)) {
    throw new VolumeReadError('corrupt-file', `${fileName} has an invalid NIfTI header: vox_offset = ${h.voxOffset}.`);
  }
  let voxOffset = Math.floor(h.voxOffset);
  if (voxOffset < minOffset) {
    // A vox_offset below the header end in a single-file NIfTI is a known writer bug; the data then
    // starts right after the header and its 4-byte extension flag.
    notes.push(`vox_offset ${h.voxOffset} is inside the header; read the voxels from byte ${minOffset}.`);
    voxOffset = minOffset;
  }
  const expectedBitpix = BYTES_PER_VOXEL[dataType] * 8;
  if (h.bitpix !== expectedBitpix) notes.push(`bitpix ${h.bitpix} disagrees with datatype ${dataType}; used ${expectedBitpix}.`);
  if (nd > 4 && dims.slice(4).some((d) => d > 1)) {
    notes.push(`The image has ${nd} dimensions (${dims.slice(0, nd).join('×')}); dimensions 5 and up are shown as further volumes.`);
  }
  return {
    ...h,
    dataType,
    voxOffset,
    voxelsPerVolume,
    volumeCount,
    dataBytes,
  };
}
