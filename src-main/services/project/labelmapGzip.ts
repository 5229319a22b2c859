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

export interface LabelmapPieces {
  /** The NIfTI bytes before the voxels (header, empty extension flag), raw: the checksum covers them. */
  readonly header: Uint8Array;
  readonly deflatedHeader: Uint8Array;
  /** Slice k's voxels, deflated. */
  readonly slices: readonly Uint8Array[];
}

const deflatePiece = (raw: Uint8Array): Uint8Array => zlib.deflateRawSync(raw, PIECE);

function sliceOf(labelmap: Uint8Array, geometry: Geometry, k: number): Uint8Array {
  const size = geometry.dims[0] * geometry.dims[1];
  return labelmap.subarray(k * size, (k + 1) * size);
}

const LABELMAP_DESCRIPTION = 'Quorum labelmap 0 bg 1 lesion 2 uncertain';

/** Every piece of `labelmap` (Uint8 on `geometry`), compressed anew. */
export function deflateLabelmap(geometry: Geometry, labelmap: Uint8Array): LabelmapPieces {
  const header = writeNiftiHeader({ geometry, data: labelmap, description: LABELMAP_DESCRIPTION });
  const slices = Array.from({ length: geometry.dims[2] }, (_, k) => deflatePiece(sliceOf(labelmap, geometry, k)));
  return { header, deflatedHeader: deflatePiece(header), slices };
}

/** `pieces` of the labelmap before an edit, with the `changed` slices compressed again from `labelmap` (after it). */
export function redeflateSlices(
  pieces: LabelmapPieces,
  geometry: Geometry,
  labelmap: Uint8Array,
  changed: readonly number[],
): LabelmapPieces {
  const slices = [...pieces.slices];
  for (const k of changed) slices[k] = deflatePiece(sliceOf(labelmap, geometry, k));
  return { ...pieces, slices };
}

/** The bytes of the pieces in memory, for the cache's bound. */
export function piecesBytes(pieces: LabelmapPieces): number {
  return pieces.header.byteLength + pieces.deflatedHeader.byteLength + pieces.slices.reduce((n, s) => n + s.byteLength, 0);
}

/** The gzip file: `pieces` (of `labelmap`) between the gzip head and its trailer (CRC-32 and length of the raw NIfTI). */
export function gzipLabelmap(pieces: LabelmapPieces, labelmap: Uint8Array): Uint8Array {
  const body = [pieces.deflatedHeader, ...pieces.slices, FINAL_BLOCK];
  const length = GZIP_HEAD.length + body.reduce((n, b) => n + b.length, 0) + 8;
  const out = new Uint8Array(length);
  out.set(GZIP_HEAD);
  let at = GZIP_HEAD.length;
  for (const b of body) {
    out.set(b, at);
    at += b.length;
  }
  const trailer = new DataView(out.buffer, at, 8);
  trailer.setUint32(0, zlib.crc32(labelmap, zlib.crc32(pieces.header)), true);
  trailer.setUint32(4, (pieces.header.length + labelmap.length) % 2 ** 32, true);
  return out;
}
