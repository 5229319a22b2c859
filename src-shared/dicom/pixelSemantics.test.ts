/**
 * Pixel semantics (issue 12): what stored pixel values mean. Each expected value is computed here
 * from the values the test wrote, not read back from the code under test.
 */
import { describe, expect, it } from 'vitest';
import { sequence, sliceFile, type Element, type SliceSpec } from '../testdata/makeDicom';
import { VolumeReadError } from '../volume/errors';
import { parseDicomFrames } from './parse';
import { assembleSeries } from './series';

const rows = 4;
const columns = 4;
const base: Pick<SliceSpec, 'seriesUid' | 'instance' | 'rows' | 'columns' | 'orientation' | 'pixelSpacing'> = {
  seriesUid: '1.2.3',
  instance: 1,
  rows,
  columns,
  orientation: [1, 0, 0, 0, 1, 0],
  pixelSpacing: [1, 1],
};
const open = (bytes: Uint8Array) => assembleSeries(parseDicomFrames(bytes, 'test.dcm'));
const us = (group: number, element: number, value: number): Element => ({ group, element, vr: 'US', value });

describe('Bits Stored below Bits Allocated', () => {
  // Every 12-bit value once at the ends and a few between, with the top four bits set in odd ways.
  const values = [-2048, -2047, -1024, -5, -1, 0, 1, 5, 1000, 2046, 2047, -300, 300, -2000, 1999, 7];

  it('extends the sign of signed 12-bit values, whatever the four bits above hold', () => {
    const junk = [0x0000, 0xf000, 0x5000, 0xa000];
    const stored = Int16Array.from(values, (v, i) => (v & 0x0fff) | junk[i % 4]);
    const volume = open(sliceFile({ ...base, pixels: stored, bitsStored: 12, position: [0, 0, 0] })).volumes[0].volume;
    expect(Array.from(volume.data)).toEqual(values);
  });

  it('clears overlay bits above unsigned 12-bit values', () => {
    const unsigned = values.map((v) => v + 2048);
    const stored = Uint16Array.from(unsigned, (v, i) => v | (i % 2 ? 0x8000 : 0x1000));
    const volume = open(sliceFile({ ...base, pixels: stored, bitsStored: 12, position: [0, 0, 0] })).volumes[0].volume;
    expect(Array.from(volume.data)).toEqual(unsigned);
  });

  it('refuses a Bits Stored larger than Bits Allocated', () => {
    const bad = sliceFile({ ...base, pixels: new Int16Array(16), bitsStored: 17 });
    expect(() => parseDicomFrames(bad, 'bad.dcm')).toThrow(/bad\.dcm says 17 of its 16-bit pixels' bits are stored/);
  });
});

describe('Pixel Padding Value', () => {
  const ring = (padding: number, inside: (i: number) => number) =>
    Int16Array.from({ length: rows * columns }, (_, i) => (i % columns === 0 || i % columns === columns - 1 ? padding : inside(i)));

  it('shows CT padding as air (-1024 HU), in HU after the rescale', () => {
    const stored = ring(-2000, (i) => 40 + i);
    const file = sliceFile({
      ...base,
      modality: 'CT',
      pixels: stored,
      rescale: [1, -1024],
      position: [0, 0, 0],
      extra: [us(0x28, 0x120, 0x10000 - 2000)],
    });
    const series = open(file);
    const expected = Array.from(stored, (v) => (v === -2000 ? -1024 : v - 1024));
    expect(Array.from(series.volumes[0].volume.data)).toEqual(expected);
    expect(series.notes.join(' ')).toMatch(/8 pixels carry the Pixel Padding Value \(stored -2000\).*shown as air \(-1024 HU\)/);
  });

  it('treats a padding range (Pixel Padding Range Limit) the same way, and MR padding as 0', () => {
    const stored = Int16Array.from({ length: 16 }, (_, i) => (i < 4 ? 900 + i : 10 + i));
    const file = sliceFile({ ...base, pixels: stored, position: [0, 0, 0], extra: [us(0x28, 0x120, 900), us(0x28, 0x121, 903)] });
    const series = open(file);
    expect(Array.from(series.volumes[0].volume.data)).toEqual(Array.from(stored, (v) => (v >= 900 ? 0 : v)));
    expect(series.notes.join(' ')).toMatch(/stored 900 to 903.*0 \(no signal\)/);
  });

  it('leaves padding that already reads as background alone, without a note', () => {
    const stored = ring(0, (i) => i + 1);
    const series = open(sliceFile({ ...base, pixels: stored, position: [0, 0, 0], extra: [us(0x28, 0x120, 0)] }));
    expect(Array.from(series.volumes[0].volume.data)).toEqual(Array.from(stored));
    expect(series.notes).toEqual([]);
  });
});

describe('enhanced multi-frame', () => {
  it('applies each frame’s own rescale from the per-frame functional groups', () => {
    const rescales = [
      [2, -100],
      [0.5, 10],
      [1, 0],
    ] as const;
    const stored = Int16Array.from({ length: 16 * 3 }, (_, i) => (i * 37) % 500);
    const perFrame = rescales.map(([slope, intercept], k) => [
      sequence(0x20, 0x9113, [[{ group: 0x20, element: 0x32, vr: 'DS', value: `0\\0\\${k * 2}` }]]),
      sequence(0x28, 0x9145, [
        [
          { group: 0x28, element: 0x1052, vr: 'DS', value: String(intercept) },
          { group: 0x28, element: 0x1053, vr: 'DS', value: String(slope) },
        ],
      ]),
    ]);
    const shared = [
      sequence(0x20, 0x9116, [[{ group: 0x20, element: 0x37, vr: 'DS', value: '1\\0\\0\\0\\1\\0' }]]),
      sequence(0x28, 0x9110, [
        [
          { group: 0x28, element: 0x30, vr: 'DS', value: '1\\1' },
          { group: 0x18, element: 0x50, vr: 'DS', value: '2' },
        ],
      ]),
    ];
    const file = sliceFile({
      seriesUid: '1.2.3',
      instance: 1,
      rows,
      columns,
      pixels: stored,
      extra: [{ group: 0x28, element: 0x08, vr: 'IS', value: '3' }, sequence(0x5200, 0x9229, [shared]), sequence(0x5200, 0x9230, perFrame)],
    });
    const volume = open(file).volumes[0].volume;
    const expected = Array.from(stored, (v, i) => {
      const [slope, intercept] = rescales[Math.floor(i / 16)];
      return v * slope + intercept;
    });
    expect(volume.data).toBeInstanceOf(Float32Array);
    expect(Array.from(volume.data)).toEqual(expected);
    expect(volume.geometry.dims).toEqual([4, 4, 3]);
    expect(volume.geometry.spacingMm[2]).toBeCloseTo(2, 6);
  });
});

describe('photometric interpretation', () => {
  it('keeps MONOCHROME1 values as stored and says they are meant to display inverted', () => {
    const stored = Int16Array.from({ length: 16 }, (_, i) => i * 10);
    const series = open(sliceFile({ ...base, pixels: stored, photometric: 'MONOCHROME1', position: [0, 0, 0] }));
    expect(Array.from(series.volumes[0].volume.data)).toEqual(Array.from(stored));
    expect(series.notes.join(' ')).toMatch(/MONOCHROME1/);
    expect(series.volumes[0].volume.displayInverted).toBe(true);
  });

  it('refuses colour images with a reason, before any pixel is read', () => {
    for (const [photometric, samples] of [
      ['RGB', 3],
      ['YBR_FULL_422', 3],
      ['PALETTE COLOR', 1],
    ] as const) {
      const colour = sliceFile({ ...base, pixels: new Uint8Array(16 * samples), photometric, samplesPerPixel: samples });
      const read = () => parseDicomFrames(colour, 'photo.dcm');
      expect(read).toThrow(VolumeReadError);
      expect(read).toThrow(
        new RegExp(`^photo\\.dcm is a colour image \\(${photometric}, ${samples} samples per pixel\\); a Quorum case is grey-level`),
      );
    }
  });
});
