/**
 * One DICOM file → the frames it holds, each with the tags series assembly needs and a pointer to its
 * pixels (no copy yet). dicom-parser does the tag walking; this module decides what is supported.
 *
 * Supported: uncompressed little-endian (implicit and explicit), explicit big-endian and deflated
 * transfer syntaxes; single-frame files, enhanced multi-frame files with per-frame positions, and
 * Siemens mosaics (split later in mosaic.ts). Compressed pixel data is refused with a message that
 * names the codec and a tool to decompress it.
 */
import { Inflate } from 'fflate';
import * as dicomParserModule from 'dicom-parser';
import type { DataSet } from 'dicom-parser';
import { MAX_FRAMES_PER_FILE, VolumeReadError } from '../volume/errors';
import type { Vec3 } from '../volume/types';
import { readBValue, readGradientDirection } from './bvalue';
import { readCsaImageHeader } from './csa';

// dicom-parser ships only a minified UMD bundle. Bundlers and Vitest expose its functions as named
// exports, but Node's own ESM loader (tsx, the CLI, Electron's main bundle) cannot see through the
// UMD wrapper and offers only `default`; take whichever this runtime provides.
const dicomParser: typeof dicomParserModule =
  (dicomParserModule as unknown as { default?: typeof dicomParserModule }).default ?? dicomParserModule;

const DEFLATED_SYNTAX = '1.2.840.10008.1.2.1.99';

export const UNCOMPRESSED_SYNTAXES: Readonly<Record<string, string>> = {
  '1.2.840.10008.1.2': 'Implicit VR Little Endian',
  '1.2.840.10008.1.2.1': 'Explicit VR Little Endian',
  '1.2.840.10008.1.2.2': 'Explicit VR Big Endian',
  [DEFLATED_SYNTAX]: 'Deflated Explicit VR Little Endian',
};

const COMPRESSED_NAMES: Readonly<Record<string, string>> = {
  '1.2.840.10008.1.2.4.50': 'JPEG Baseline',
  '1.2.840.10008.1.2.4.51': 'JPEG Extended',
  '1.2.840.10008.1.2.4.57': 'JPEG Lossless',
  '1.2.840.10008.1.2.4.70': 'JPEG Lossless (SV1)',
  '1.2.840.10008.1.2.4.80': 'JPEG-LS Lossless',
  '1.2.840.10008.1.2.4.81': 'JPEG-LS Near-lossless',
  '1.2.840.10008.1.2.4.90': 'JPEG 2000 Lossless',
  '1.2.840.10008.1.2.4.91': 'JPEG 2000',
  '1.2.840.10008.1.2.5': 'RLE Lossless',
  '1.2.840.10008.1.2.4.201': 'HTJ2K Lossless',
  '1.2.840.10008.1.2.4.203': 'HTJ2K',
};

export interface PixelSource {
  bytes: Uint8Array;
  /** Byte offset of this frame's first pixel in `bytes`. */
  offset: number;
  bitsAllocated: 8 | 16 | 32;
  signed: boolean;
  bigEndian: boolean;
}

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
  if (!UNCOMPRESSED_SYNTAXES[syntax]) {
    const name = COMPRESSED_NAMES[syntax] ?? 'an unknown transfer syntax';
    throw new VolumeReadError(
      'unsupported-file',
      `${file} stores compressed pixels (${name}, ${syntax}); Quorum reads uncompressed DICOM only. Decompress the series first, e.g. with "gdcmconv --raw" or "dcmdjpeg".`,
    );
  }
  const pixelElement = ds.elements.x7fe00010;
  if (!pixelElement)
    throw new VolumeReadError(
      'unsupported-file',
      `${file} holds no image (no Pixel Data element); it may be a report or structured document.`,
    );
  if (pixelElement.encapsulatedPixelData) {
    throw new VolumeReadError(
      'unsupported-file',
      `${file} has encapsulated (compressed) pixel data; Quorum reads uncompressed DICOM only.`,
    );
  }
  const rows = ds.uint16('x00280010') ?? 0;
  const columns = ds.uint16('x00280011') ?? 0;
  const bits = ds.uint16('x00280100') ?? 0;
  const samples = ds.uint16('x00280002') ?? 1;
  const photometric = (ds.string('x00280004') ?? 'MONOCHROME2').toUpperCase();
  if (samples !== 1 || !photometric.startsWith('MONOCHROME')) {
    throw new VolumeReadError(
      'unsupported-file',
      `${file} is a colour image (${photometric}, ${samples} samples per pixel); Quorum shows greyscale CT and MR.`,
    );
  }
  if (bits !== 8 && bits !== 16 && bits !== 32) {
    throw new VolumeReadError('unsupported-file', `${file} has ${bits} bits per pixel; Quorum reads 8, 16 or 32.`);
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
  const available = Math.min(pixelElement.length, ds.byteArray.length - pixelElement.dataOffset);
  if (available < frameBytes * frameCount) {
    throw new VolumeReadError(
      'corrupt-file',
      `${file} is truncated: ${frameCount} frame(s) of ${rows}×${columns}×${bits / 8} bytes need ${frameBytes * frameCount} bytes of pixel data, only ${available} present.`,
    );
  }

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
    mosaic: readMosaic(ds),
  };
  const pixelSource = (frame: number): PixelSource => ({
    bytes: ds.byteArray as Uint8Array,
    offset: pixelElement.dataOffset + frame * frameBytes,
    bitsAllocated: bits,
    signed: (ds.uint16('x00280103') ?? 0) === 1,
    bigEndian: syntax === '1.2.840.10008.1.2.2',
  });
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

function readMosaic(ds: DataSet): DicomFrame['mosaic'] {
  const imageType = (ds.string('x00080008') ?? '').toUpperCase();
  if (!imageType.split('\\').includes('MOSAIC')) return null;
  const csa = readCsaImageHeader(ds);
  const fromTag = ds.elements.x0019100a ? ds.uint16('x0019100a') : undefined;
  const count = fromTag ?? csa.numberOfImagesInMosaic;
  if (!count || count < 1) return null;
  return { count, sliceNormal: csa.sliceNormal };
}
