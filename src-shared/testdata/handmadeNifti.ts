/**
 * Test fixture: NIfTI-1 files built field by field at the offsets of nifti1.h, independently of
 * writeNifti, so reader tests do not just check the writer against itself. Every field can be set to
 * a broken value (NaN spacing, absurd dims, wrong magic) to exercise the error paths.
 */
import { gzipSync } from 'fflate';

export interface HandmadeFields {
  dim: number[]; // dim[0..7]; shorter arrays are padded with 1
  datatype: number;
  bitpix: number;
  pixdim?: number[]; // pixdim[0..7]
  voxOffset?: number;
  sclSlope?: number;
  sclInter?: number;
  qformCode?: number;
  sformCode?: number;
  quatern?: [number, number, number];
  qoffset?: [number, number, number];
  srow?: number[]; // 12 values
  xyztUnits?: number;
  magic?: string;
  description?: string;
  bigEndian?: boolean;
}

/** The 352-byte header (348 + empty extension flag). */
export function handmadeHeader(f: HandmadeFields): Uint8Array {
  const out = new Uint8Array(352);
  const v = new DataView(out.buffer);
  const le = !f.bigEndian;
  v.setInt32(0, 348, le);
  const dim = [...f.dim, 1, 1, 1, 1, 1, 1, 1, 1].slice(0, 8);
  dim.forEach((d, i) => v.setInt16(40 + 2 * i, d, le));
  v.setInt16(70, f.datatype, le);
  v.setInt16(72, f.bitpix, le);
  const pixdim = [...(f.pixdim ?? [1, 1, 1, 1]), 0, 0, 0, 0, 0, 0, 0, 0].slice(0, 8);
  pixdim.forEach((p, i) => v.setFloat32(76 + 4 * i, p, le));
  v.setFloat32(108, f.voxOffset ?? 352, le);
  v.setFloat32(112, f.sclSlope ?? 1, le);
  v.setFloat32(116, f.sclInter ?? 0, le);
  out[123] = f.xyztUnits ?? 2;
  const desc = f.description ?? 'handmade';
  for (let i = 0; i < Math.min(79, desc.length); i++) out[148 + i] = desc.charCodeAt(i);
  v.setInt16(252, f.qformCode ?? 0, le);
  v.setInt16(254, f.sformCode ?? 0, le);
  (f.quatern ?? [0, 0, 0]).forEach((q, i) => v.setFloat32(256 + 4 * i, q, le));
  (f.qoffset ?? [0, 0, 0]).forEach((q, i) => v.setFloat32(268 + 4 * i, q, le));
  (f.srow ?? new Array<number>(12).fill(0)).forEach((s, i) => v.setFloat32(280 + 4 * i, s, le));
  const magic = f.magic ?? 'n+1';
  for (let i = 0; i < magic.length; i++) out[344 + i] = magic.charCodeAt(i);
  return out;
}

/** Header followed by `body` (raw bytes, already in the file's byte order). */
export function handmadeFile(f: HandmadeFields, body: Uint8Array, gzip = false): Uint8Array {
  const header = handmadeHeader(f);
  const file = new Uint8Array(header.length + body.length);
  file.set(header);
  file.set(body, header.length);
  return gzip ? gzipSync(file) : file;
}

/** Little-endian bytes of an Int16 sequence. */
export function int16Bytes(values: readonly number[], bigEndian = false): Uint8Array {
  const out = new Uint8Array(values.length * 2);
  const v = new DataView(out.buffer);
  values.forEach((x, i) => v.setInt16(2 * i, x, !bigEndian));
  return out;
}

/** Deterministic pseudo-random bytes (xorshift32), incompressible enough for gzip tests. */
export function noiseBytes(length: number, seed = 12345): Uint8Array {
  const out = new Uint8Array(length);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    out[i] = s & 0xff;
  }
  return out;
}

/** A NIfTI-2 file (540-byte header + 4-byte extension flag) with an sform, little-endian. */
export function handmadeNifti2(
  f: { dim: number[]; datatype: number; bitpix: number; pixdim: number[]; srow: number[]; sclSlope?: number; sclInter?: number },
  body: Uint8Array,
): Uint8Array {
  const out = new Uint8Array(544 + body.length);
  const v = new DataView(out.buffer);
  v.setInt32(0, 540, true);
  [0x6e, 0x2b, 0x32, 0, 0x0d, 0x0a, 0x1a, 0x0a].forEach((b, i) => (out[4 + i] = b)); // "n+2\0\r\n\032\n"
  v.setInt16(12, f.datatype, true);
  v.setInt16(14, f.bitpix, true);
  [...f.dim, 1, 1, 1, 1, 1, 1, 1, 1].slice(0, 8).forEach((d, i) => v.setBigInt64(16 + 8 * i, BigInt(d), true));
  [...f.pixdim, 0, 0, 0, 0, 0, 0, 0, 0].slice(0, 8).forEach((p, i) => v.setFloat64(104 + 8 * i, p, true));
  v.setBigInt64(168, 544n, true);
  v.setFloat64(176, f.sclSlope ?? 1, true);
  v.setFloat64(184, f.sclInter ?? 0, true);
  v.setInt32(348, 1, true); // sform_code
  f.srow.forEach((s, i) => v.setFloat64(400 + 8 * i, s, true));
  v.setInt32(500, 2, true); // xyzt_units: mm
  out.set(body, 544);
  return out;
}
