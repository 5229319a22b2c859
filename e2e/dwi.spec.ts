/**
 * The demo DWI, end to end: it opens with the right number of slices, the value under the cursor
 * is the file's value at that point, the b-value switcher changes the volume (and the value), and
 * the rendered screen is not blank, and the readout under a resting pointer follows wheel scrolling
 * and b-value switches. One page for the whole file: SwiftShader WebGL is slow.
 */
import { existsSync, readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { parseBval } from '../src-shared/nifti';
import { imageVariance } from './helpers/imageVariance';
import { loadNifti, niftiValue, voxelOfWorld } from './helpers/niftiVoxelAt';
import { openAppSignedIn } from './helpers/openApp';
import { openCaseByName } from './helpers/openCase';
import { hoverAndRead, readCursor } from './helpers/readCursor';
import { waitForVolume } from './helpers/waitForVolume';

test.describe.configure({ mode: 'serial' });

let page: Page;
let dwiPath = '';
let shown = '';

test.beforeAll(async ({ browser }) => {
  page = await browser.newPage();
  await openAppSignedIn(page);
  ({ path: dwiPath, shown } = await openCaseByName(page, /dwi|diffusion/i));
});

test.afterAll(async () => {
  await page.close();
});

test('opens the demo DWI with as many axial slices as the file has', async () => {
  const image = loadNifti(dwiPath);
  const [nx, ny, nz] = image.geometry.dims;
  // The demo DWI is stored axially (k = slice axis), so the three views count k, i and j.
  await expect(page.getByTestId('slice-info-axial')).toHaveAttribute('data-count', String(nz));
  await expect(page.getByTestId('slice-info-sagittal')).toHaveAttribute('data-count', String(nx));
  await expect(page.getByTestId('slice-info-coronal')).toHaveAttribute('data-count', String(ny));
  await expect(page.getByTestId('slice-info-axial')).toContainText(new RegExp(`Slice \\d+ / ${nz}`));
  // The open → first image time is measured for the benchmark (User Timing).
  const openMs = await page.evaluate(() => performance.getEntriesByName('quorum:open-to-first-image').map((e) => e.duration));
  expect(openMs.length).toBe(1);
  expect(openMs[0]).toBeGreaterThan(0);
  // Radiological axial view: anterior at the top, the patient's left on the screen's right.
  await expect(page.getByTestId('orient-axial-top')).toHaveText('A');
  await expect(page.getByTestId('orient-axial-right')).toHaveText('L');
  await expect(page.getByTestId('orient-sagittal-top')).toHaveText('S');
  await expect(page.getByTestId('orient-coronal-left')).toHaveText('R');

  // Each view looks along one voxel axis of the (slightly oblique) file: axial along k, sagittal
  // along i, coronal along j, so each slice is one acquired slice, not an interpolated cut.
  const d = image.geometry.direction;
  for (const [view, axis] of [
    ['axial', 2],
    ['sagittal', 0],
    ['coronal', 1],
  ] as const) {
    const normal = ((await page.getByTestId(`viewport-${view}`).getAttribute('data-normal')) ?? '').split(',').map(Number);
    const cos = normal[0] * d[3 * axis] + normal[1] * d[3 * axis + 1] + normal[2] * d[3 * axis + 2];
    expect(Math.abs(cos)).toBeGreaterThan(0.99999);
  }
});

test('shows the file value and position under the cursor', async () => {
  const image = loadNifti(dwiPath);
  const sample = await hoverAndRead(page, 'axial', 0.45, 0.42);
  const expectedVoxel = voxelOfWorld(image, sample.worldLps);
  if (!expectedVoxel) throw new Error(`the hovered point ${sample.worldLps.join(', ')} is outside the file's grid`);
  expect(sample.voxel).toEqual(expectedVoxel);
  expect(sample.value).toBe(niftiValue(image, expectedVoxel, 0));
  expect(sample.value).not.toBe(0); // inside the head, so the check is not 0 === 0

  // Screen directions: right is mostly patient left (+x in LPS), down mostly posterior (+y). Not
  // exactly: the views follow the file's slightly oblique axes.
  const right = await hoverAndRead(page, 'axial', 0.6, 0.42);
  const down = await hoverAndRead(page, 'axial', 0.45, 0.6);
  const dr = right.worldLps.map((v, n) => v - sample.worldLps[n]);
  const dd = down.worldLps.map((v, n) => v - sample.worldLps[n]);
  expect(dr[0]).toBeGreaterThan(0.95 * Math.hypot(dr[0], dr[1], dr[2]));
  expect(dd[1]).toBeGreaterThan(0.95 * Math.hypot(dd[0], dd[1], dd[2]));
});

test('switches b-values: another volume, another value at the same voxel', async () => {
  const image = loadNifti(dwiPath);
  const bvalFile = dwiPath.replace(/\.nii(\.gz)?$/, '.bval');
  const bvals = existsSync(bvalFile) ? parseBval(readFileSync(bvalFile, 'utf8')) : null;
  const switcher = page.getByTestId('volume-switcher');
  const options = switcher.getByTestId('volume-option');
  // The file's volumes, then the ADC map fitted from them (checked in its own test below).
  await expect(options).toHaveCount(image.volumeCount + 1);

  const before = await hoverAndRead(page, 'axial', 0.45, 0.42);
  const last = image.volumeCount - 1;
  await options.nth(last).click();
  shown = await waitForVolume(page, shown);
  await expect(options.nth(last)).toHaveAttribute('aria-checked', 'true');
  if (bvals) await expect(options.nth(last)).toHaveAttribute('data-bvalue', String(bvals[last]));

  const after = await hoverAndRead(page, 'axial', 0.45, 0.42);
  expect(after.voxel).toEqual(before.voxel); // the camera stays put across b-values
  if (!after.voxel) throw new Error('the hovered point left the volume');
  expect(after.value).toBe(niftiValue(image, after.voxel, last));
  expect(after.value).not.toBe(before.value);

  // The B key steps to the next volume (the ADC map after the last b-value), wrapping round to the first.
  await page.keyboard.press('b');
  shown = await waitForVolume(page, shown);
  await expect(options.nth(image.volumeCount)).toHaveAttribute('aria-checked', 'true');
  await page.keyboard.press('b');
  shown = await waitForVolume(page, shown);
  await expect(options.nth(0)).toHaveAttribute('aria-checked', 'true');
  const back = await hoverAndRead(page, 'axial', 0.45, 0.42);
  expect(back.value).toBe(before.value);
});

test('shows the ADC map: the fit at the hovered voxel, a fixed 0–3000 window and a colour bar with its unit', async () => {
  const image = loadNifti(dwiPath);
  const bvals = parseBval(readFileSync(dwiPath.replace(/\.nii(\.gz)?$/, '.bval'), 'utf8'));
  const options = page.getByTestId('volume-switcher').getByTestId('volume-option');
  const adcOption = options.nth(image.volumeCount);
  await expect(adcOption).toHaveText('ADC');
  await adcOption.click();
  shown = await waitForVolume(page, shown);
  await expect(adcOption).toHaveAttribute('aria-checked', 'true');

  const bar = page.getByTestId('colour-bar');
  await expect(bar).toHaveAttribute('data-map', 'adc');
  await expect(bar).toHaveAttribute('data-max', '3000');
  await expect(bar).toHaveAttribute('data-unit', '10⁻⁶ mm²/s');
  await expect(page.getByTestId('window-readout')).toContainText(/W 3000 L 1500/);

  const sample = await hoverAndRead(page, 'axial', 0.45, 0.42);
  if (!sample.voxel) throw new Error('the hovered point is outside the volume');
  // The least-squares line through (b, ln S) over every volume, from the file itself: ADC = −slope, in 10⁻⁶ mm²/s.
  const logs = bvals.map((_, t) => Math.log(niftiValue(image, sample.voxel as [number, number, number], t)));
  const bMean = bvals.reduce((a, b) => a + b, 0) / bvals.length;
  const yMean = logs.reduce((a, b) => a + b, 0) / logs.length;
  const sxy = bvals.reduce((a, b, t) => a + (b - bMean) * (logs[t] - yMean), 0);
  const sxx = bvals.reduce((a, b) => a + (b - bMean) ** 2, 0);
  const expected = (-sxy / sxx) * 1e6;
  expect(expected).toBeGreaterThan(100); // brain tissue, not the masked background
  expect(sample.value).not.toBeNull();
  expect(Math.abs((sample.value ?? 0) - expected)).toBeLessThan(1e-4 * expected);
  expect(sample.text).toContain('10⁻⁶ mm²/s');

  await options.nth(0).click();
  shown = await waitForVolume(page, shown);
  await expect(page.getByTestId('colour-bar')).toHaveCount(0);
});

test('crosshairs link the views: a click in the axial view moves the other two there', async () => {
  const element = page.getByTestId('viewport-element-axial');
  const box = await element.boundingBox();
  if (!box) throw new Error('no axial viewport');
  const target = await hoverAndRead(page, 'axial', 0.35, 0.3);
  if (!target.voxel) throw new Error('the click point is outside the volume');
  await page.mouse.click(box.x + box.width * 0.35, box.y + box.height * 0.3);
  // Sagittal views step along i, coronal along j (checked above); slice numbers are 1-based.
  await expect(page.getByTestId('slice-info-sagittal')).toHaveAttribute('data-slice', String(target.voxel[0] + 1));
  await expect(page.getByTestId('slice-info-coronal')).toHaveAttribute('data-slice', String(target.voxel[1] + 1));
});

test('renders a non-blank image', async () => {
  const png = await page.getByTestId('viewer-grid').screenshot();
  const variance = await imageVariance(page, png);
  // A uniform (blank) grid has variance 0; anatomy in grey levels gives hundreds.
  expect(variance).toBeGreaterThan(100);
});

test('under a resting pointer, the readout follows the wheel to the new slice and the B key to the new volume', async () => {
  const image = loadNifti(dwiPath);
  const first = await hoverAndRead(page, 'axial', 0.45, 0.42);
  if (!first.voxel) throw new Error('the hovered point is outside the volume');
  const sliceInfo = page.getByTestId('slice-info-axial');
  const startSlice = Number(await sliceInfo.getAttribute('data-slice'));
  // The wheel scrolls the view under the pointer; the pointer does not move.
  for (let n = 0; n < 3; n++) await page.mouse.wheel(0, 100);
  await expect(sliceInfo).not.toHaveAttribute('data-slice', String(startSlice));
  const moved = Math.abs(Number(await sliceInfo.getAttribute('data-slice')) - startSlice);
  const readout = page.getByTestId('cursor-readout');
  await expect(readout).not.toHaveAttribute('data-voxel', first.voxel.join(','));
  const scrolled = await readCursor(page);
  // The readout is the file's voxel and value at the readout's own position…
  const expected = voxelOfWorld(image, scrolled.worldLps);
  if (!expected) throw new Error(`the readout's point ${scrolled.worldLps.join(', ')} is outside the file's grid`);
  expect(scrolled.voxel).toEqual(expected);
  expect(scrolled.value).toBe(niftiValue(image, expected, 0));
  // …which is the hovered voxel on the new slice: the axial view looks along k (checked above).
  expect(expected).toEqual([first.voxel[0], first.voxel[1], expected[2]]);
  expect(Math.abs(expected[2] - first.voxel[2])).toBe(moved);

  // Two presses of B: the highest b-value, whose signal differs from b ≈ 0; the pointer still rests.
  const last = image.volumeCount - 1;
  for (let n = 0; n < last; n++) {
    await page.keyboard.press('b');
    shown = await waitForVolume(page, shown);
  }
  await expect(page.getByTestId('volume-option').nth(last)).toHaveAttribute('aria-checked', 'true');
  const lastValue = niftiValue(image, expected, last);
  expect(lastValue).not.toBe(scrolled.value);
  await expect(readout).toHaveAttribute('data-value', String(lastValue));
  expect((await readCursor(page)).voxel).toEqual(expected);
});
