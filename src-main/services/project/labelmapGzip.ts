/**
 * A labelmap's stored file (gzipped NIfTI-1) put together from deflate pieces, one for the NIfTI
 * header and one per axial slice, so that a slice save compresses only the slices it changed and
 * takes the rest from the labelmap it started from (labelmapCache.ts) instead of compressing 75 MiB
 * again. The result is one ordinary gzip member that any reader inflates: each piece ends on a byte
 * boundary with an empty stored block (Z_SYNC_FLUSH) and no final bit, and a fresh compressor per
 * piece never refers back past its own start. The bytes depend on the labelmap alone, not on how
 * it was saved, so a whole save and a slice save of the same labelmap store the same file and hash.
 *
 * Z_RLE: a labelmap is long runs of one value; run-length matching alone is 4–5× faster than the
 * default match search and compresses a labelmap as well or better (measured in
 * src-shared/volume/README.md, "Edits as slice diffs").
 *
 * Plain Node.
 */
import zlib from 'node:zlib';
import { writeNiftiHeader } from '../../../src-shared/nifti';
import type { Geometry } from '../../../src-shared/volume/types';

const PIECE: zlib.ZlibOptions = { strategy: zlib.constants.Z_RLE, finishFlush: zlib.constants.Z_SYNC_FLUSH };

/** gzip member head: deflate, no flags, mtime 0, no extra flags, OS 3 (Unix) on every platform, so equal content gives equal bytes. */
const GZIP_HEAD = Uint8Array.of(0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3);
/** The last deflate block: final bit set, fixed Huffman codes, only the end-of-block code. */
const FINAL_BLOCK = Uint8Array.of(0x03, 0x00);

/** One piece: its raw bytes deflated, and their CRC-32 (the gzip trailer's checksum is combined from these). */
interface Piece {
  readonly deflated: Uint8Array;
  readonly crc: number;
  readonly rawLength: number;
}

export interface LabelmapPieces {
  /** The NIfTI bytes before the voxels (header, empty extension flag). */
  readonly header: Piece;
  /** Slice k's voxels. */
  readonly slices: readonly Piece[];
}

const piece = (raw: Uint8Array): Piece => ({ deflated: zlib.deflateRawSync(raw, PIECE), crc: zlib.crc32(raw), rawLength: raw.length });

function sliceOf(labelmap: Uint8Array, geometry: Geometry, k: number): Uint8Array {
  const size = geometry.dims[0] * geometry.dims[1];
  return labelmap.subarray(k * size, (k + 1) * size);
}

const LABELMAP_DESCRIPTION = 'Quorum labelmap 0 bg 1 lesion 2 uncertain';

/** Every piece of `labelmap` (Uint8 on `geometry`), compressed anew. */
export function deflateLabelmap(geometry: Geometry, labelmap: Uint8Array): LabelmapPieces {
  const header = piece(writeNiftiHeader({ geometry, data: labelmap, description: LABELMAP_DESCRIPTION }));
  return { header, slices: Array.from({ length: geometry.dims[2] }, (_, k) => piece(sliceOf(labelmap, geometry, k))) };
}

/** `pieces` of the labelmap before an edit, with the `changed` slices compressed again from `labelmap` (after it). */
export function redeflateSlices(
  pieces: LabelmapPieces,
  geometry: Geometry,
  labelmap: Uint8Array,
  changed: readonly number[],
): LabelmapPieces {
  const slices = [...pieces.slices];
  for (const k of changed) slices[k] = piece(sliceOf(labelmap, geometry, k));
  return { ...pieces, slices };
}

/** The bytes of the pieces in memory, for the cache's bound. */
export function piecesBytes(pieces: LabelmapPieces): number {
  return [pieces.header, ...pieces.slices].reduce((n, p) => n + p.deflated.byteLength + PIECE_OVERHEAD_BYTES, 0);
}
/** A piece's object and its numbers, roughly. */
const PIECE_OVERHEAD_BYTES = 64;

/**
 * The gzip file: the pieces between the gzip head and its trailer, the CRC-32 and length of the raw
 * NIfTI. The CRC is combined from the pieces' own, so nothing here reads the voxels: a warm slice
 * save costs the changed slices and the compressed bytes, not the volume.
 */
export function gzipLabelmap(pieces: LabelmapPieces): Uint8Array {
  const all = [pieces.header, ...pieces.slices];
  const out = new Uint8Array(GZIP_HEAD.length + all.reduce((n, p) => n + p.deflated.length, 0) + FINAL_BLOCK.length + 8);
  out.set(GZIP_HEAD);
  let at = GZIP_HEAD.length;
  let crc = 0;
  let rawLength = 0;
  for (const p of all) {
    out.set(p.deflated, at);
    at += p.deflated.length;
    crc = crc32Combine(crc, p.crc, p.rawLength);
    rawLength += p.rawLength;
  }
  out.set(FINAL_BLOCK, at);
  at += FINAL_BLOCK.length;
  const trailer = new DataView(out.buffer, at, 8);
  trailer.setUint32(0, crc, true);
  trailer.setUint32(4, rawLength % 2 ** 32, true);
  return out;
}

/**
 * CRC-32 of A followed by B from crc(A), crc(B) and B's length (zlib's crc32_combine, which Node does
 * not expose): crc(A) is carried through `length` zero bytes, a linear map over GF(2) kept per length
 * as its 32 columns (every slice of a grid has one length), then B's CRC is added.
 */
function crc32Combine(crcA: number, crcB: number, length: number): number {
  let op = zeroOperators.get(length);
  if (!op) {
    op = zeroBytesOperator(length);
    zeroOperators.set(length, op);
  }
  return (gf2Times(op, crcA) ^ crcB) >>> 0;
}

const zeroOperators = new Map<number, Uint32Array>();

function gf2Times(matrix: Uint32Array, vector: number): number {
  let sum = 0;
  for (let i = 0; vector !== 0; i++, vector >>>= 1) if (vector & 1) sum ^= matrix[i];
  return sum >>> 0;
}

/** The matrix that carries a CRC through `length` zero bytes: the operator for one zero bit, squared up by binary powers. */
function zeroBytesOperator(length: number): Uint32Array {
  const square = (m: Uint32Array): Uint32Array => m.map((column) => gf2Times(m, column));
  const times = (a: Uint32Array, b: Uint32Array): Uint32Array => b.map((column) => gf2Times(a, column));
  // One zero bit: the reflected CRC-32 polynomial in the first column, a shift by one in the others.
  let power: Uint32Array = Uint32Array.from({ length: 32 }, (_, n) => (n === 0 ? 0xedb88320 : (1 << (n - 1)) >>> 0));
  for (let i = 0; i < 3; i++) power = square(power); // one zero byte
  let result: Uint32Array = Uint32Array.from({ length: 32 }, (_, n) => (1 << n) >>> 0); // identity
  for (let n = length; n > 0; n = Math.floor(n / 2)) {
    if (n % 2 === 1) result = times(power, result);
    power = square(power);
  }
  return result;
}
