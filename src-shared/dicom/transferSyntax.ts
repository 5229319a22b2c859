/**
 * The transfer syntaxes Quorum reads, and which decoder each compressed one needs. One table, so the
 * parser (what it accepts), the decode worker (which codec it loads) and the README agree.
 */

/** Pixel data stored as plain samples: read in place, no decoder. */
export const NATIVE_SYNTAXES: Readonly<Record<string, string>> = {
  '1.2.840.10008.1.2': 'Implicit VR Little Endian',
  '1.2.840.10008.1.2.1': 'Explicit VR Little Endian',
  '1.2.840.10008.1.2.2': 'Explicit VR Big Endian',
  '1.2.840.10008.1.2.1.99': 'Deflated Explicit VR Little Endian',
};

export const BIG_ENDIAN_SYNTAX = '1.2.840.10008.1.2.2';
export const DEFLATED_SYNTAX = '1.2.840.10008.1.2.1.99';

/**
 * The decoders, each a maintained package (see src-main/services/dicomDecodeWorker.ts):
 * - jpeg: DCT JPEG, by the frame's precision (its SOF header; .4.51 may hold either):
 *   8-bit by @cornerstonejs/codec-libjpeg-turbo-8bit, 12-bit (process 4) by dcmjs-codecs, whose
 *   WASM build of IJG 6b's 12-bit library is the one dcmtk's dcmdjpeg uses;
 * - jpegLossless: jpeg-lossless-decoder-js (processes 14 and SV1);
 * - jpegLs: @cornerstonejs/codec-charls;
 * - j2k: @cornerstonejs/codec-openjpeg;
 * - htj2k: @cornerstonejs/codec-openjph;
 * - rle: DICOM's own RLE (PS3.5 Annex G), a few lines in the worker.
 */
export type Codec = 'jpeg' | 'jpegLossless' | 'jpegLs' | 'j2k' | 'htj2k' | 'rle';

interface CompressedSyntax {
  name: string;
  codec: Codec;
  /** Whether the stored pixels come back exactly (the corpus test compares voxel for voxel). */
  lossless: boolean;
}

export const COMPRESSED_SYNTAXES: Readonly<Record<string, CompressedSyntax>> = {
  '1.2.840.10008.1.2.4.50': { name: 'JPEG Baseline', codec: 'jpeg', lossless: false },
  '1.2.840.10008.1.2.4.51': { name: 'JPEG Extended', codec: 'jpeg', lossless: false },
  '1.2.840.10008.1.2.4.57': { name: 'JPEG Lossless', codec: 'jpegLossless', lossless: true },
  '1.2.840.10008.1.2.4.70': { name: 'JPEG Lossless (SV1)', codec: 'jpegLossless', lossless: true },
  '1.2.840.10008.1.2.4.80': { name: 'JPEG-LS Lossless', codec: 'jpegLs', lossless: true },
  '1.2.840.10008.1.2.4.81': { name: 'JPEG-LS Near-lossless', codec: 'jpegLs', lossless: false },
  '1.2.840.10008.1.2.4.90': { name: 'JPEG 2000 Lossless', codec: 'j2k', lossless: true },
  '1.2.840.10008.1.2.4.91': { name: 'JPEG 2000', codec: 'j2k', lossless: false },
  '1.2.840.10008.1.2.4.201': { name: 'HTJ2K Lossless', codec: 'htj2k', lossless: true },
  '1.2.840.10008.1.2.4.202': { name: 'HTJ2K Lossless RPCL', codec: 'htj2k', lossless: true },
  '1.2.840.10008.1.2.4.203': { name: 'HTJ2K', codec: 'htj2k', lossless: false },
  '1.2.840.10008.1.2.5': { name: 'RLE Lossless', codec: 'rle', lossless: true },
};

/** Syntaxes recognised only to name them in the refusal. */
const UNSUPPORTED_NAMES: Readonly<Record<string, string>> = {
  '1.2.840.10008.1.2.4.92': 'JPEG 2000 Part 2 multi-component (lossless)',
  '1.2.840.10008.1.2.4.93': 'JPEG 2000 Part 2 multi-component',
  '1.2.840.10008.1.2.4.94': 'JPIP referenced',
  '1.2.840.10008.1.2.4.95': 'JPIP referenced deflate',
  '1.2.840.10008.1.2.4.100': 'MPEG2 video',
  '1.2.840.10008.1.2.4.102': 'MPEG-4 AVC/H.264 video',
  '1.2.840.10008.1.2.4.110': 'JPEG XL lossless',
  '1.2.840.10008.1.2.4.112': 'JPEG XL',
};

/** A person-readable name for any transfer syntax UID. */
export function syntaxName(uid: string): string {
  return NATIVE_SYNTAXES[uid] ?? COMPRESSED_SYNTAXES[uid]?.name ?? UNSUPPORTED_NAMES[uid] ?? 'an unknown transfer syntax';
}
