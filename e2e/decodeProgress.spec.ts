/**
 * Issue 12 in Chromium: while a large compressed DICOM series opens, the loading indicator says how
 * many slices the server has decoded ("Decoding 120 / 200 slices") with a progress bar, then the
 * whole series is shown. The series (JPEG Lossless, decoded in plain JavaScript, so it takes
 * seconds) is written and compressed with dcmcjpeg into a temp folder.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { convertSeries, writeSeries } from '../src-main/services/dicomCorpus.testSupport';
import { openAppSignedIn } from './helpers/openApp';
import { openPathFromDialog } from './helpers/openCase';
import { waitForVolume } from './helpers/waitForVolume';

const SLICES = 200;
let dir = '';

test.beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'quorum-decode-progress-'));
  // Noise-like values compress poorly, so each frame takes the decoder real work.
  const pixels = Uint16Array.from({ length: 512 * 512 * SLICES }, (_, i) => (i * 7919) % 4096);
  writeSeries(path.join(dir, 'plain'), { columns: 512, rows: 512, pixels, modality: 'CT', bitsStored: 12, spacingMm: [0.5, 0.5, 1] });
  convertSeries(path.join(dir, 'plain'), path.join(dir, 'jpeg'), ['dcmcjpeg', '+e1']);
});

test.afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('shows the slices decoded so far while a compressed series opens', async ({ page }) => {
  test.setTimeout(180_000);
  await openAppSignedIn(page);
  await openPathFromDialog(page, path.join(dir, 'jpeg'));
  const indicator = page.getByTestId('loading-indicator');
  await expect(indicator).toContainText(new RegExp(`Decoding \\d+ / ${SLICES} slices`), { timeout: 60_000 });
  await expect(indicator.locator('progress')).toBeVisible();
  await waitForVolume(page);
  await expect(page.getByTestId('slice-info-axial')).toHaveAttribute('data-count', String(SLICES));
});
