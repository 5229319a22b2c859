/**
 * Bad input: each file is refused with a clear message in the banner, and the app stays usable
 * (the banner dismisses, and a good case still opens afterwards).
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test, type Page } from '@playwright/test';
import { makeBadInputs, type BadInputs } from './helpers/makeBadInputs';
import { openAppSignedIn } from './helpers/openApp';
import { openPathFromDialog } from './helpers/openCase';
import { waitForVolume } from './helpers/waitForVolume';

test.describe.configure({ mode: 'serial' });

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
let inputs: BadInputs;
let page: Page;

test.beforeAll(async ({ browser }) => {
  inputs = makeBadInputs(repoRoot);
  page = await browser.newPage();
  await openAppSignedIn(page);
});

test.afterAll(async () => {
  await page.close();
  rmSync(inputs.dir, { recursive: true, force: true });
});

async function expectRefused(file: string, code: string, message: RegExp): Promise<void> {
  await openPathFromDialog(page, file);
  const banner = page.getByTestId('error-banner');
  await expect(banner).toBeVisible();
  await expect(banner).toHaveAttribute('data-code', code);
  await expect(page.getByTestId('error-message')).toHaveText(message);
  await expect(page.getByTestId('loading-indicator')).toBeHidden();
}

async function dismiss(): Promise<void> {
  await page.getByTestId('error-dismiss').click();
  await expect(page.getByTestId('error-banner')).toBeHidden();
}

test('a truncated .nii.gz', async () => {
  await expectRefused(inputs.truncatedGz, 'corrupt-file', /truncated|damaged|incomplete/i);
  await dismiss();
});

test('a NIfTI header claiming 2^31 voxels is refused before allocation', async () => {
  await expectRefused(inputs.hugeHeader, 'too-large', /2147483648|2\^31|too large|too many/i);
  await dismiss();
});

test('a non-image file', async () => {
  await expectRefused(inputs.nonImage, 'unsupported-file', /not a|unsupported|recogni|neither/i);
  await dismiss();
});

test('a NIfTI with NaN spacing', async () => {
  await expectRefused(inputs.nanSpacing, 'bad-geometry', /spacing|pixdim|NaN/i);
  await dismiss();
});

test('a folder with two series offers both, and one opens', async () => {
  await expectRefused(inputs.twoSeriesFolder, 'multiple-series', /series/i);
  const options = page.getByTestId('series-option');
  await expect(options).toHaveCount(2);
  const brain = options.filter({ hasText: /5 files|PD|AXIAL/i }).first();
  await brain.click();
  await waitForVolume(page);
  await expect(page.getByTestId('error-banner')).toBeHidden();
  await expect(page.getByTestId('slice-info-axial')).toHaveAttribute('data-count', '5');
});

test('the app is still usable: a good case opens after all that', async () => {
  const before = await page.getByTestId('viewer-grid').getAttribute('data-shown');
  await page.getByTestId('case-item').first().click();
  await waitForVolume(page, before);
  await expect(page.getByTestId('error-banner')).toBeHidden();
  await expect(page.getByTestId('slice-info-axial')).toBeVisible();
});
