/**
 * Dialog details a new user trips over (issue 11, item 6), on a server of its own so the first
 * identity, an admin who may import and export, is ours:
 * - Esc closes the Import/export dialog, as it closes every other dialog;
 * - the Open dialog's folder icons are drawn (an inline SVG in colour), not an emoji that shows as an
 *   empty box on machines without an emoji font;
 * - Recent lists a file once, however its path was spelled when it was opened;
 * - a folder with three series that share a description and a number offers three choices that
 *   differ: matrix, plane and slice count, as the test wrote the files.
 * (Closing a reader study asks first: e2e/readerStudy.spec.ts.)
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test, type Page } from '@playwright/test';
import { sliceFile } from '../src-shared/testdata/makeDicom';
import { signInAs } from './helpers/annotate';
import { openCaseByName, openPathFromDialog } from './helpers/openCase';
import { pngPixelStats } from './helpers/pngPixelStats';
import { closeSpecServer, openSpecServer } from './helpers/specServer';
import type { RunningServer } from './helpers/startServer';
import { waitForVolume } from './helpers/waitForVolume';

test.describe.configure({ mode: 'serial' });

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

let server: RunningServer;
let page: Page;

test.beforeAll(async ({ browser }) => {
  ({ server, page } = await openSpecServer(browser, repoRoot));
});

test.afterAll(async () => {
  await closeSpecServer(page, server);
});

test('Esc closes the Import/export dialog', async () => {
  await signInAs(page, 'Ada Admin');
  await page.getByTestId('exchange-open').click();
  await expect(page.getByTestId('exchange-dialog')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('exchange-dialog')).toBeHidden();
  // Also with the focus in one of its fields.
  await page.getByTestId('exchange-open').click();
  await page.getByTestId('exchange-mask-input').focus();
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('exchange-dialog')).toBeHidden();
});

test('folder icons in the Open dialog are drawn in colour, with no emoji in the entry', async () => {
  await page.getByTestId('open-button').click();
  // The dialog starts in the project folder, which holds the demo's t1/ and dwi/ folders.
  const folder = page.locator('[data-testid="open-entry"].dir').filter({ hasText: /^t1$/ });
  await expect(folder).toBeVisible();
  expect(await folder.innerText()).not.toMatch(/\p{Extended_Pictographic}/u);
  const icon = folder.getByTestId('folder-icon');
  const box = await icon.boundingBox();
  expect(box?.width ?? 0).toBeGreaterThan(8);
  expect(box?.height ?? 0).toBeGreaterThan(6);
  // An empty box (a missing emoji glyph) is a grey outline; the icon is filled in colour.
  const stats = await pngPixelStats(page, await icon.screenshot());
  expect(stats.coloured).toBeGreaterThan(20);
  await page.getByTestId('open-cancel').click();
});

test('Recent lists a file once however its path was spelled', async () => {
  const { path: t1 } = await openCaseByName(page, /ch2bet/);
  const dir = path.dirname(t1);
  const name = path.basename(t1);
  for (const spelled of [`${dir}//${name}`, `${dir}/./${name}`, `${dir}/../${path.basename(dir)}/${name}`]) {
    const before = await page.getByTestId('viewer-grid').getAttribute('data-shown');
    await openPathFromDialog(page, spelled);
    await waitForVolume(page, before);
  }
  await expect(page.getByTestId('recent-list').getByRole('button', { name })).toHaveCount(1);
});

test('three series with one description and number are offered by what differs', async () => {
  const folder = path.join(mkdtempSync(path.join(tmpdir(), 'quorum-e2e-series-')), 'localizers');
  mkdirSync(folder);
  // Same description "localizer" and series number 2; matrix, plane and slice count differ.
  const series = [
    { uid: '1.2.826.0.1.3680043.99.1', columns: 8, rows: 8, plane: 'axial', slices: 3 },
    { uid: '1.2.826.0.1.3680043.99.2', columns: 16, rows: 12, plane: 'axial', slices: 3 },
    { uid: '1.2.826.0.1.3680043.99.3', columns: 8, rows: 8, plane: 'sagittal', slices: 5 },
  ] as const;
  for (const s of series) {
    for (let k = 0; k < s.slices; k++) {
      const axial = s.plane === 'axial';
      const bytes = sliceFile({
        seriesUid: s.uid,
        instance: k + 1,
        rows: s.rows,
        columns: s.columns,
        pixels: new Int16Array(s.rows * s.columns).fill(100 * (k + 1)),
        // Axial: rows along x, columns along y, stacked along z. Sagittal: rows along y, columns down z, stacked along x.
        orientation: axial ? [1, 0, 0, 0, 1, 0] : [0, 1, 0, 0, 0, -1],
        position: axial ? [0, 0, 2 * k] : [2 * k, 0, 0],
        pixelSpacing: [1, 1],
        description: 'localizer',
        extra: [{ group: 0x20, element: 0x11, vr: 'IS', value: '2' }],
      });
      writeFileSync(path.join(folder, `${s.uid.split('.').pop()}-${k}.dcm`), bytes);
    }
  }
  await openPathFromDialog(page, folder);
  await expect(page.getByTestId('error-banner')).toHaveAttribute('data-code', 'multiple-series');
  const options = page.getByTestId('series-option');
  await expect(options).toHaveCount(3);
  const texts = await options.allInnerTexts();
  expect(new Set(texts).size).toBe(3);
  for (const s of series) {
    const option = page.locator(`[data-testid="series-option"][data-uid="${s.uid}"]`);
    await expect(option).toContainText('#2 localizer');
    await expect(option).toContainText(`${s.columns} × ${s.rows}`);
    await expect(option).toContainText(s.plane);
    await expect(option).toContainText(`${s.slices} slices`);
  }
  await page.locator(`[data-testid="series-option"][data-uid="${series[2].uid}"]`).click();
  await waitForVolume(page);
  await expect(page.getByTestId('error-banner')).toBeHidden();
});
