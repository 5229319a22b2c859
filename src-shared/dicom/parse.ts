/**
 * One DICOM file → the frames it holds, each with the tags series assembly needs and a pointer to its
 * pixels (no copy yet). dicom-parser does the tag walking; this module decides what is supported.
 *
 * Supported: the transfer syntaxes of transferSyntax.ts; single-frame files, enhanced multi-frame
 * files with per-frame positions and rescale, and Siemens mosaics (split later in slices.ts).
 * Native pixels are pointed at in place; compressed frames are cut out of their fragments here and
 * decoded later, off the thread that parses (src-main/services/dicomDecode.ts), so this module
 * stays environment-free.
 */
import { Inflate } from 'fflate';
import * as dicomParserModule from 'dicom-parser';
import type { DataSet, Element } from 'dicom-parser';
import { MAX_FRAMES_PER_FILE, VolumeReadError } from '../volume/errors';
import type { Vec3 } from '../volume/types';
import { readBValue, readGradientDirection } from './bvalue';
import { readCsaImageHeader } from './csa';
import { BIG_ENDIAN_SYNTAX, COMPRESSED_SYNTAXES, DEFLATED_SYNTAX, NATIVE_SYNTAXES, syntaxName } from './transferSyntax';

// dicom-parser ships only a minified UMD bundle. Bundlers and Vitest expose its functions as named
// exports, but Node's own ESM loader (tsx, the CLI, Electron's main bundle) cannot see through the
// UMD wrapper and offers only `default`; take whichever this runtime provides.
const dicomParser: typeof dicomParserModule =
  (dicomParserModule as unknown as { default?: typeof dicomParserModule }).default ?? dicomParserModule;

/** How a frame's stored samples are laid out, whether read in place or decoded. */
interface PixelLayout {
  bitsAllocated: 8 | 16 | 32;
  /** Bits Stored (0028,0101): the low bits that hold the value; the bits above are masked off, or filled with the sign. */
  bitsStored: number;
  signed: boolean;
}

/** Samples readable in place: `bytes` from `offset` on. */
export interface NativePixels extends PixelLayout {
  kind: 'native';
  bytes: Uint8Array;
  /** Byte offset of this frame's first pixel in `bytes`. */
  offset: number;
  bigEndian: boolean;
}

/** One frame's compressed bitstream, to be decoded before the series is stacked. */
interface EncodedPixels extends PixelLayout {
  kind: 'encoded';
  /** The transfer syntax UID (a key of COMPRESSED_SYNTAXES). */
  syntax: string;
  data: Uint8Array;
}

export type PixelSource = NativePixels | EncodedPixels;

export interface DicomFrame {
  file: string;
  frameIndex: number;
  seriesInstanceUid: string;
  seriesDescription: string;
  seriesNumber: number | null;
  modality: string;
  instanceNumber: number | null;
  acquisitionNumber: number | null;
  rows: number;
  columns: number;
  /** [between rows (mm along a column), between columns (mm along a row)], as stored in (0028,0030). */
  pixelSpacing: [number, number] | null;
  /** Row direction cosine then column direction cosine (0020,0037). */
  orientation: [number, number, number, number, number, number] | null;
  position: Vec3 | null;
  sliceThickness: number | null;
  spacingBetweenSlices: number | null;
  rescaleSlope: number;
  rescaleIntercept: number;
  bValue: number | null;
  /** Diffusion gradient direction in patient LPS, where the file states one. */
  gradient: Vec3 | null;
  photometric: string;
  /**
   * Pixel Padding Value (0028,0120) and Range Limit (0028,0121) as stored values: pixels outside the
   * scanned field (e.g. the corners of a round CT reconstruction), not tissue.
   */
  padding: { value: number; limit: number } | null;
  /** Siemens mosaic: how many slices are tiled in this frame, and the CSA slice normal if present. */
  mosaic: { count: number; sliceNormal: Vec3 | null } | null;
  pixels: PixelSource;
}

export function hasDicomPreamble(bytes: Uint8Array): boolean {
  return bytes.length >= 132 && bytes[128] === 0x44 && bytes[129] === 0x49 && bytes[130] === 0x43 && bytes[131] === 0x4d;
}

/**
 * The default cap on what a deflated data set may inflate to. Deflate reaches about 1000:1 on
 * uniform data, so without a cap a 1 MB file grows into gigabytes; 512 MiB holds a 600-slice
 * 512×512 int16 volume, far more than the deflated syntax is used for (reports, small images).
 */
export const MAX_INFLATED_DATASET_BYTES = 512 * 2 ** 20;

/** Input slice fed to the inflater at a time, so the cap is checked as the output grows. */
const INFLATE_STEP = 65_536;

/**
 * dicom-parser's deflate hook: given the file and where its deflated data set starts, the whole file
 * with that data set inflated in place. It is synchronous, so a caller that must not block its thread
 * (the server) inflates beforehand, elsewhere, and hands in an inflater that returns the result.
 * Whatever it throws refuses the file with the file's name in front.
 */
export type DataSetInflater = (bytes: Uint8Array, position: number) => Uint8Array;

/**
 * How a deflated data set is inflated: here, on this thread, to at most this many bytes; or by the
 * given inflater.
 */
type DataSetInflation = number | DataSetInflater;

/** The refusal of a data set that inflates past `maxBytes`, wherever it was inflated. */
export function inflatesPastCap(maxBytes: number): VolumeReadError {
  return new VolumeReadError(
    'too-large',
    `its deflated data set inflates to more than ${(maxBytes / 2 ** 20).toFixed(0)} MiB, more than Quorum reads from one file`,
  );
}

/**
 * Where the deflated data set of a Deflated Explicit VR Little Endian file starts (the end of its
 * meta group), or null when the file is not one (or has no readable meta group, which the parser
 * then reports).
 */
export function deflatedDataSetStart(bytes: Uint8Array): number | null {
  try {
    const meta = dicomParser.readPart10Header(bytes);
    if (meta.string('x00020010') !== DEFLATED_SYNTAX) return null;
    // The meta group ends with its last element; dicom-parser starts the data set there too.
    return Math.max(...Object.values(meta.elements).map((e) => e.dataOffset + e.length));
  } catch {
    return null;
  }
}

/** Streams the inflate on this thread and stops as soon as the output passes `maxBytes`. */
function inflateHere(bytes: Uint8Array, position: number, maxBytes: number): Uint8Array {
  const chunks: Uint8Array[] = [];
  let total = position;
  const stream = new Inflate((chunk) => {
    total += chunk.length;
    if (total - position > maxBytes) throw inflatesPastCap(maxBytes);
    chunks.push(chunk);
  });
  const deflated = bytes.subarray(position);
  for (let p = 0; p < deflated.length; p += INFLATE_STEP) {
    const end = Math.min(deflated.length, p + INFLATE_STEP);
    stream.push(deflated.subarray(p, end), end === deflated.length);
  }
  const full = new Uint8Array(total);
  full.set(bytes.subarray(0, position));
  let offset = position;
  for (const c of chunks) {
    full.set(c, offset);
    offset += c.length;
  }
  return full;
}

/**
 * The reason dicom-parser gives. Past the meta group it throws a plain object `{ exception, dataSet }`
 * (the partial data set beside the real error), which String() would print as "[object Object]".
 */
function parserFailure(e: unknown): string | VolumeReadError {
  if (e instanceof VolumeReadError) return e;
  if (e instanceof Error) return e.message;
  if (typeof e === 'string') return e;
  if (typeof e === 'object' && e !== null && 'exception' in e) return parserFailure(e.exception);
  return 'the parser gave no reason';
}

/**
 * Parses the data set; `headerOnly` stops before the pixel data (for folder scans), `inflation` says
 * how a deflated data set is inflated (by default here, up to MAX_INFLATED_DATASET_BYTES).
 */
export function parseDataSet(
  bytes: Uint8Array,
  file: string,
  headerOnly = false,
  inflation: DataSetInflation = MAX_INFLATED_DATASET_BYTES,
): DataSet {
  const inflater: DataSetInflater = typeof inflation === 'number' ? (arr, position) => inflateHere(arr, position, inflation) : inflation;
  try {
    return dicomParser.parseDicom(bytes, {
      inflater: inflater as unknown as (arr: Uint8Array, position: number) => void,
      ...(headerOnly ? { untilTag: 'x7fe00010' } : {}),
    });
  } catch (e) {
    const why = parserFailure(e);
    if (why instanceof VolumeReadError) throw new VolumeReadError(why.code, `${file}: ${why.message}.`);
    if (!hasDicomPreamble(bytes)) {
      throw new VolumeReadError('unsupported-file', `${file} is not a DICOM file (no DICM preamble, and it does not parse as DICOM).`);
    }
    throw new VolumeReadError('corrupt-file', `${file} is a damaged DICOM file: ${why.replace(/^dicomParser\.\w+: /, '')}`);
  }
}

const num = (s: string | undefined): number | null => {
  if (s === undefined || s.trim() === '') return null;
  const v = Number(s);
  return Number.isFinite(v) ? v : null;
};

function numbers(ds: DataSet, tag: string, count: number): number[] | null {
  const s = ds.string(tag);
  if (!s) return null;
  const parts = s.split('\\').map((p) => Number(p));
  if (parts.length < count || parts.slice(0, count).some((v) => !Number.isFinite(v))) return null;
  return parts.slice(0, count);
}

/** The tags every frame of a file shares. */
export interface SeriesHeader {
  seriesInstanceUid: string;
  seriesDescription: string;
  modality: string;
}

export function readSeriesHeader(ds: DataSet, file: string): SeriesHeader {
  const uid = ds.string('x0020000e');
  if (!uid) throw new VolumeReadError('corrupt-file', `${file} has no SeriesInstanceUID (0020,000E); it cannot be grouped into a series.`);
  return {
    seriesInstanceUid: uid,
    seriesDescription: ds.string('x0008103e') ?? '',
    modality: (ds.string('x00080060') ?? 'OT').toUpperCase(),
  };
}

export function parseDicomFrames(bytes: Uint8Array, file: string, inflation: DataSetInflation = MAX_INFLATED_DATASET_BYTES): DicomFrame[] {
  const ds = parseDataSet(bytes, file, false, inflation);
  const series = readSeriesHeader(ds, file);
  const syntax = ds.string('x00020010') ?? '1.2.840.10008.1.2';
  const compressed = COMPRESSED_SYNTAXES[syntax];
  if (!NATIVE_SYNTAXES[syntax] && !compressed) {
    throw new VolumeReadError(
      'unsupported-file',
      `${file} uses the transfer syntax ${syntaxName(syntax)} (${syntax}), which Quorum does not decode. Convert it first, e.g. with "gdcmconv --raw" or "dcmconv +te".`,
    );
  }
  const pixelElement = ds.elements.x7fe00010;
  if (!pixelElement)
    throw new VolumeReadError(
      'unsupported-file',
      `${file} holds no image (no Pixel Data element); it may be a report or structured document.`,
    );
  if (Boolean(pixelElement.encapsulatedPixelData) !== Boolean(compressed)) {
    const mismatch = compressed
      ? 'compressed, but they are stored as plain samples'
      : 'plain samples, but they are encapsulated (compressed)';
    throw new VolumeReadError(
      'corrupt-file',
      `${file} is a damaged DICOM file: its transfer syntax (${syntaxName(syntax)}) says its pixels are ${mismatch}.`,
    );
  }
  const rows = ds.uint16('x00280010') ?? 0;
  const columns = ds.uint16('x00280011') ?? 0;
  const bits = ds.uint16('x00280100') ?? 0;
  const samples = ds.uint16('x00280002') ?? 1;
  const photometric = (ds.string('x00280004') ?? 'MONOCHROME2').toUpperCase();
  if (samples !== 1 || !photometric.startsWith('MONOCHROME')) {
    // A grey-level case has one value per voxel; turning colour into grey would invent values.
    // Planar Configuration (0028,0006) only orders the samples of colour pixels, so it never applies.
    throw new VolumeReadError(
      'unsupported-file',
      `${file} is a colour image (${photometric}, ${samples} samples per pixel); a Quorum case is grey-level CT or MR (MONOCHROME1/2), so colour images (photos, screenshots, secondary captures) cannot be opened.`,
    );
  }
  if (bits !== 8 && bits !== 16 && bits !== 32) {
    throw new VolumeReadError('unsupported-file', `${file} has ${bits} bits per pixel; Quorum reads 8, 16 or 32.`);
  }
  const bitsStored = ds.uint16('x00280101') ?? bits;
  if (!(bitsStored >= 1 && bitsStored <= bits)) {
    throw new VolumeReadError('corrupt-file', `${file} says ${bitsStored} of its ${bits}-bit pixels' bits are stored, which cannot be.`);
  }
  if (!(rows > 0 && columns > 0)) throw new VolumeReadError('corrupt-file', `${file} has an empty image (${rows}×${columns}).`);
  const frameCount = Math.max(1, num(ds.string('x00280008')) ?? 1);
  if (frameCount > MAX_FRAMES_PER_FILE) {
    throw new VolumeReadError(
      'too-large',
      `${file} claims ${frameCount} frames; Quorum reads at most ${MAX_FRAMES_PER_FILE} frames per DICOM file.`,
    );
  }
  const frameBytes = rows * columns * (bits / 8);
  if (!compressed) {
    const available = Math.min(pixelElement.length, ds.byteArray.length - pixelElement.dataOffset);
    if (available < frameBytes * frameCount) {
      throw new VolumeReadError(
        'corrupt-file',
        `${file} is truncated: ${frameCount} frame(s) of ${rows}×${columns}×${bits / 8} bytes need ${frameBytes * frameCount} bytes of pixel data, only ${available} present.`,
      );
    }
  }

  const signed = (ds.uint16('x00280103') ?? 0) === 1;
  const base = {
    file,
    ...series,
    seriesNumber: num(ds.string('x00200011')),
    instanceNumber: num(ds.string('x00200013')),
    acquisitionNumber: num(ds.string('x00200012')),
    rows,
    columns,
    pixelSpacing: numbers(ds, 'x00280030', 2) as [number, number] | null,
    orientation: numbers(ds, 'x00200037', 6) as DicomFrame['orientation'],
    position: numbers(ds, 'x00200032', 3) as Vec3 | null,
    sliceThickness: num(ds.string('x00180050')),
    spacingBetweenSlices: num(ds.string('x00180088')),
    rescaleSlope: num(ds.string('x00281053')) ?? 1,
    rescaleIntercept: num(ds.string('x00281052')) ?? 0,
    bValue: readBValue(ds),
    gradient: readGradientDirection(ds),
    photometric,
    padding: readPadding(ds, signed),
    mosaic: readMosaic(ds),
  };
  const layout: PixelLayout = { bitsAllocated: bits, bitsStored, signed };
  const frameData = compressed ? encapsulatedFrames(ds, pixelElement, frameCount, file) : null;
  const bigEndian = syntax === BIG_ENDIAN_SYNTAX;
  const native = bigEndian && bits === 8 && pixelElement.vr === 'OW' ? unswapWords(ds, pixelElement) : null;
  const pixelSource = (frame: number): PixelSource =>
    frameData
      ? { kind: 'encoded', ...layout, syntax, data: frameData(frame) }
      : {
          kind: 'native',
          ...layout,
          bytes: native ?? (ds.byteArray as Uint8Array),
          offset: (native ? 0 : pixelElement.dataOffset) + frame * frameBytes,
          bigEndian,
        };
  if (frameCount === 1) return [{ ...base, frameIndex: 0, pixels: pixelSource(0) }];
  return enhancedFrames(ds, base, frameCount, pixelSource);
}

/**
 * Enhanced multi-frame: per-frame position, orientation, spacing, rescale and b-value live in the
 * per-frame (5200,9230) or shared (5200,9229) functional groups. Frames without them keep the
 * file-level values (legacy multi-frame), and series assembly then falls back to frame order.
 */
function enhancedFrames(
  ds: DataSet,
  base: Omit<DicomFrame, 'frameIndex' | 'pixels'>,
  count: number,
  pixelSource: (f: number) => PixelSource,
): DicomFrame[] {
  const shared = ds.elements.x52009229?.items?.[0]?.dataSet;
  const perFrame = ds.elements.x52009230?.items ?? [];
  const fromGroups = (groups: DataSet | undefined, seq: string, tag: string, n: number): number[] | null => {
    const item = groups?.elements[seq]?.items?.[0]?.dataSet;
    return item ? numbers(item, tag, n) : null;
  };
  const frames: DicomFrame[] = [];
  for (let f = 0; f < count; f++) {
    const own = perFrame[f]?.dataSet;
    const pick = (seq: string, tag: string, n: number) => fromGroups(own, seq, tag, n) ?? fromGroups(shared, seq, tag, n);
    const position = pick('x00209113', 'x00200032', 3) as Vec3 | null;
    const orientation = pick('x00209116', 'x00200037', 6) as DicomFrame['orientation'];
    const spacing = pick('x00289110', 'x00280030', 2) as [number, number] | null;
    const thickness = pick('x00289110', 'x00180050', 1);
    const rescale = [pick('x00289145', 'x00281053', 1), pick('x00289145', 'x00281052', 1)];
    const diffusion = own?.elements.x00189117?.items?.[0]?.dataSet ?? shared?.elements.x00189117?.items?.[0]?.dataSet;
    frames.push({
      ...base,
      frameIndex: f,
      position: position ?? base.position,
      orientation: orientation ?? base.orientation,
      pixelSpacing: spacing ?? base.pixelSpacing,
      sliceThickness: thickness?.[0] ?? base.sliceThickness,
      rescaleSlope: rescale[0]?.[0] ?? base.rescaleSlope,
      rescaleIntercept: rescale[1]?.[0] ?? base.rescaleIntercept,
      bValue: diffusion ? readBValue(diffusion) : base.bValue,
      // (0018,9089) sits in the Diffusion Gradient Direction Sequence (0018,9076) of the diffusion item.
      gradient: gradientOf(diffusion) ?? base.gradient,
      // Legacy multi-frame files have one position for all frames: order them by frame number.
      instanceNumber: position ? base.instanceNumber : f + 1,
      pixels: pixelSource(f),
    });
  }
  return frames;
}

function gradientOf(diffusion: DataSet | undefined): Vec3 | null {
  const item = diffusion?.elements.x00189076?.items?.[0]?.dataSet;
  return item ? readGradientDirection(item) : null;
}

/**
 * The frames of encapsulated pixel data (PS3.5 A.4): by the Basic Offset Table when there is one,
 * else one fragment per frame, or all fragments for a single frame. Cut out lazily, as each frame's
 * source is built, so a bad fragment layout names its frame.
 */
function encapsulatedFrames(ds: DataSet, element: Element, frameCount: number, file: string): (frame: number) => Uint8Array {
  const fragments = element.fragments ?? [];
  const offsets = element.basicOffsetTable ?? [];
  if (fragments.length === 0)
    throw new VolumeReadError('corrupt-file', `${file} is a damaged DICOM file: its compressed pixel data hold no fragments.`);
  if (offsets.length === 0 && frameCount > 1 && fragments.length !== frameCount) {
    throw new VolumeReadError(
      'unsupported-file',
      `${file} packs ${frameCount} compressed frames into ${fragments.length} fragments without an offset table, which Quorum cannot split.`,
    );
  }
  return (frame) => {
    try {
      if (offsets.length > 0) return dicomParser.readEncapsulatedImageFrame(ds, element, frame) as Uint8Array;
      if (frameCount === 1) return dicomParser.readEncapsulatedPixelDataFromFragments(ds, element, 0, fragments.length) as Uint8Array;
      return dicomParser.readEncapsulatedPixelDataFromFragments(ds, element, frame, 1) as Uint8Array;
    } catch (e) {
      const why = parserFailure(e);
      throw new VolumeReadError(
        'corrupt-file',
        `${file} is a damaged DICOM file: frame ${frame + 1}: ${typeof why === 'string' ? why : why.message}`,
      );
    }
  };
}

/**
 * Big-endian OW data are 16-bit words, so 8-bit samples arrive in swapped pairs (PS3.5 8.1.1): a
 * copy with each pair put back in order.
 */
function unswapWords(ds: DataSet, element: Element): Uint8Array {
  const out = ds.byteArray.slice(element.dataOffset, element.dataOffset + element.length) as Uint8Array;
  for (let i = 0; i + 1 < out.length; i += 2) {
    const t = out[i];
    out[i] = out[i + 1];
    out[i + 1] = t;
  }
  return out;
}

/** Pixel Padding Value and Range Limit, US or SS like the pixels (read as 16 bits; implicit VR leaves the sign to us). */
function readPadding(ds: DataSet, signed: boolean): DicomFrame['padding'] {
  const read = (tag: string): number | null => {
    const v = ds.elements[tag] ? ds.uint16(tag) : undefined;
    if (v === undefined) return null;
    return signed && v >= 0x8000 ? v - 0x10000 : v;
  };
  const value = read('x00280120');
  if (value === null) return null;
  const limit = read('x00280121') ?? value;
  return { value: Math.min(value, limit), limit: Math.max(value, limit) };
}

function readMosaic(ds: DataSet): DicomFrame['mosaic'] {
  const imageType = (ds.string('x00080008') ?? '').toUpperCase();
  if (!imageType.split('\\').includes('MOSAIC')) return null;
  const csa = readCsaImageHeader(ds);
  const fromTag = ds.elements.x0019100a ? ds.uint16('x0019100a') : undefined;
  const count = fromTag ?? csa.numberOfImagesInMosaic;
  if (!count || count < 1) return null;
  return { count, sliceNormal: csa.sliceNormal };
}
