/**
 * The editing tools beyond the circle brush, on the demo DWI with a server of its own. Each edit is
 * saved and the labelmap read back through the API:
 * - rectangle scissors fill exactly a rectangle of voxels on one axial slice;
 * - the eraser makes a hole in it, flood fill in the hole restores the full rectangle, and
 *   Ctrl+Z / Ctrl+Shift+Z undo and redo the fill;
 * - the threshold brush paints only voxels whose image value lies in the range it shows;
 * - interpolation fills the axial slices between two annotated ones;
 * - a reviewer gets the disagreement map, the p = 0.5 contour and the side-by-side mode;
 * - a freehand contour is filled into its axial slice, and undo removes it.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test, type Page } from '@playwright/test';
import { brushStroke, signInAs, signOut } from './helpers/annotate';
import { colouredPixels, type Region } from './helpers/colouredPixels';
import { loadNifti, niftiValue } from './helpers/niftiVoxelAt';
import { openCaseByName } from './helpers/openCase';
import type { ProjectApi } from './helpers/projectApi';
import { closeSpecServer, openSpecServer } from './helpers/specServer';
import type { RunningServer } from './helpers/startServer';

test.describe.configure({ mode: 'serial' });

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const RECT: Region = { x0: 0.3, y0: 0.3, x1: 0.45, y1: 0.42 };
const THRESHOLD_REGION: Region = { x0: 0.55, y0: 0.6, x1: 0.7, y1: 0.7 };
// Around both raters' rectangles, clear of the crosshair lines through the viewport's centre.
const DIFFER_REGION: Region = { x0: 0.25, y0: 0.25, x1: 0.47, y1: 0.47 };

let server: RunningServer;
let api: ProjectApi;
let page: Page;
let dwiPath = '';
let reviewer = '';
let dims: [number, number, number] = [0, 0, 0];

test.beforeAll(async ({ browser }) => {
  ({ server, api, page } = await openSpecServer(browser, repoRoot));
});

test.afterAll(async () => {
  await closeSpecServer(page, server);
});

/** Saves a draft and returns the saved labelmap, read back through the API. */
async function saveAndRead(): Promise<Uint8Array> {
  const status = page.getByTestId('annotation-status');
  await expect(status).toHaveAttribute('data-dirty', 'yes');
  const before = (await status.getAttribute('data-version')) ?? '';
  await page.getByTestId('save-draft').click();
  await expect(status).not.toHaveAttribute('data-version', before);
  await expect(status).toHaveAttribute('data-dirty', 'no');
  return api.readLabelmap(reviewer, (await status.getAttribute('data-version')) ?? '');
}

interface Painted {
  count: number;
  values: number[];
  slices: number[];
  /** Bounding box [i0, i1, j0, j1] over all painted voxels. */
  box: [number, number, number, number];
}

function painted(lm: Uint8Array): Painted {
  const [nx, ny] = dims;
  const values = new Set<number>();
  const slices = new Set<number>();
  const box: [number, number, number, number] = [Infinity, -Infinity, Infinity, -Infinity];
  let count = 0;
  lm.forEach((v, n) => {
    if (v === 0) return;
    count++;
    values.add(v);
    const i = n % nx;
    const j = Math.floor(n / nx) % ny;
    slices.add(Math.floor(n / (nx * ny)));
    box[0] = Math.min(box[0], i);
    box[1] = Math.max(box[1], i);
    box[2] = Math.min(box[2], j);
    box[3] = Math.max(box[3], j);
  });
  return { count, values: [...values].sort(), slices: [...slices].sort((a, b) => a - b), box };
}

async function viewportPoint(view: string, fx: number, fy: number): Promise<[number, number]> {
  const box = await page.getByTestId(`viewport-element-${view}`).boundingBox();
  if (!box) throw new Error(`no ${view} viewport`);
  return [box.x + box.width * fx, box.y + box.height * fy];
}

async function drag(view: string, from: [number, number], to: [number, number]): Promise<void> {
  const a = await viewportPoint(view, ...from);
  const b = await viewportPoint(view, ...to);
  await page.mouse.move(...a);
  await page.mouse.down();
  await page.mouse.move(...b, { steps: 10 });
  await page.mouse.up();
}

/** Picks a tool by its key (pressing the key of the tool in hand puts it away, so check first). */
async function chooseTool(key: string, tool: string): Promise<void> {
  const button = page.getByTestId(`tool-${tool}`);
  if (!/\bon\b/.test((await button.getAttribute('class')) ?? '')) await page.keyboard.press(key);
  await expect(button).toHaveClass(/on/);
}

test('set-up: a reviewer (the first identity) and an annotator on the demo DWI', async () => {
  await signInAs(page, 'Rita Reviewer');
  await signOut(page);
  reviewer = await api.signInAs('Rita Reviewer');
  await signInAs(page, 'Eve Editor');
  ({ path: dwiPath } = await openCaseByName(page, /dwi|diffusion/i));
  await expect(page.getByTestId('annotation-status')).toHaveAttribute('data-status', 'not-started');
  const image = loadNifti(dwiPath);
  dims = [image.geometry.dims[0], image.geometry.dims[1], image.geometry.dims[2]];
});

let rectangle: Painted;
let eveVersion = '';
/** The sign of the slice number's change for a wheel notch down. */
let wheelDirection = 1;

test('rectangle scissors fill a whole rectangle of voxels on one axial slice', async () => {
  await chooseTool('q', 'rectScissors');
  await drag('axial', [RECT.x0, RECT.y0], [RECT.x1, RECT.y1]);
  rectangle = painted(await saveAndRead());
  const [i0, i1, j0, j1] = rectangle.box;
  expect(rectangle.slices.length).toBe(1);
  expect(rectangle.values).toEqual([1]);
  expect(i1 - i0).toBeGreaterThan(4);
  expect(j1 - j0).toBeGreaterThan(4);
  // Every voxel of its bounding box is set: a filled rectangle.
  expect(rectangle.count).toBe((i1 - i0 + 1) * (j1 - j0 + 1));
});

test('flood fill restores a hole erased in the rectangle, and undo/redo take the fill back and forth', async () => {
  await chooseTool('e', 'eraser');
  // A short stroke in the rectangle's middle, well inside its edges (radius 4 mm ≈ 2 voxels).
  const cx = (RECT.x0 + RECT.x1) / 2;
  const cy = (RECT.y0 + RECT.y1) / 2;
  await drag('axial', [cx - 0.01, cy], [cx + 0.01, cy]);
  const holed = painted(await saveAndRead());
  expect(holed.count).toBeLessThan(rectangle.count);
  expect(holed.box).toEqual(rectangle.box);

  await chooseTool('f', 'fill');
  const at = await viewportPoint('axial', cx, cy);
  await page.mouse.click(...at);
  expect(painted(await saveAndRead()).count).toBe(rectangle.count);

  await page.keyboard.press('Control+z');
  expect(painted(await saveAndRead()).count).toBe(holed.count);
  await page.keyboard.press('Control+Shift+Z');
  expect(painted(await saveAndRead()).count).toBe(rectangle.count);
});

test('the threshold brush paints only voxels within the range taken from the press', async () => {
  await chooseTool('t', 'threshold');
  await brushStroke(page, 'axial', THRESHOLD_REGION);
  const tolerance = page.getByTestId('threshold-tolerance');
  await expect(tolerance).not.toHaveAttribute('data-range-low', '');
  const low = Number(await tolerance.getAttribute('data-range-low'));
  const high = Number(await tolerance.getAttribute('data-range-high'));
  expect(high).toBeGreaterThan(low);
  const lm = await saveAndRead();
  const image = loadNifti(dwiPath);
  const [nx, ny] = dims;
  let added = 0;
  const inRect = (i: number, j: number) => i >= rectangle.box[0] && i <= rectangle.box[1] && j >= rectangle.box[2] && j <= rectangle.box[3];
  lm.forEach((v, n) => {
    const i = n % nx;
    const j = Math.floor(n / nx) % ny;
    const k = Math.floor(n / (nx * ny));
    if (v === 0 || inRect(i, j)) return;
    added++;
    const value = niftiValue(image, [i, j, k], 0);
    expect(value).toBeGreaterThanOrEqual(low);
    expect(value).toBeLessThanOrEqual(high);
  });
  expect(added).toBeGreaterThan(0);
});

test('interpolation fills the axial slices between two annotated ones', async () => {
  const before = painted(
    await api.readLabelmap(reviewer, (await page.getByTestId('annotation-status').getAttribute('data-version')) ?? ''),
  );
  expect(before.slices.length).toBe(1);
  const k0 = before.slices[0];
  // Four slices on in the axial view (the wheel scrolls one slice a notch), then another rectangle.
  const sliceInfo = page.getByTestId('slice-info-axial');
  const startSlice = Number(await sliceInfo.getAttribute('data-slice'));
  await page.mouse.move(...(await viewportPoint('axial', 0.5, 0.8)));
  for (let n = 0; n < 4; n++) await page.mouse.wheel(0, 100);
  await expect(sliceInfo).not.toHaveAttribute('data-slice', String(startSlice));
  const moved = Number(await sliceInfo.getAttribute('data-slice')) - startSlice;
  wheelDirection = Math.sign(moved);
  await chooseTool('q', 'rectScissors');
  await drag('axial', [RECT.x0, RECT.y0], [RECT.x1, RECT.y1]);
  const two = painted(await saveAndRead());
  expect(two.slices.length).toBe(2);
  const gap = Math.abs(two.slices[1] - two.slices[0]);
  expect(gap).toBe(Math.abs(moved));
  expect(gap).toBeGreaterThan(1);

  await page.getByTestId('interpolate').click();
  const filled = painted(await saveAndRead());
  const lo = Math.min(...two.slices);
  const hi = Math.max(...two.slices);
  expect(filled.slices).toEqual(Array.from({ length: hi - lo + 1 }, (_, n) => lo + n));
  expect(filled.slices).toContain(k0);
  // Undo takes the whole interpolation back in one step.
  await page.keyboard.press('Control+z');
  expect(painted(await saveAndRead()).slices.length).toBe(2);
  await page.keyboard.press('Control+Shift+Z');
  await page.getByTestId('submit-annotation').click();
  await expect(page.getByTestId('annotation-status')).toHaveAttribute('data-status', 'submitted');
  eveVersion = (await page.getByTestId('annotation-status').getAttribute('data-version')) ?? '';
  expect(await colouredPixels(page, 'axial', RECT)).toBeGreaterThan(20);
});

test('a reviewer sees the disagreement map (entropy and variance), the p = 0.5 contour and side by side', async () => {
  // A second rater fills an overlapping rectangle on the slice on screen and submits.
  await signOut(page);
  await signInAs(page, 'Finn Fresh');
  await expect(page.getByTestId('annotation-status')).toHaveAttribute('data-status', 'not-started');
  await chooseTool('q', 'rectScissors');
  await drag('axial', [RECT.x0 + 0.05, RECT.y0 + 0.03], [RECT.x1 + 0.05, RECT.y1 + 0.03]);
  await expect(page.getByTestId('annotation-status')).toHaveAttribute('data-dirty', 'yes');
  await page.getByTestId('submit-annotation').click();
  await expect(page.getByTestId('annotation-status')).toHaveAttribute('data-status', 'submitted');
  const finnVersion = (await page.getByTestId('annotation-status').getAttribute('data-version')) ?? '';
  await signOut(page);

  const [eve, finn] = await Promise.all([api.readLabelmap(reviewer, eveVersion), api.readLabelmap(reviewer, finnVersion)]);
  let differ = 0;
  let union = 0;
  let both = 0;
  for (let n = 0; n < eve.length; n++) {
    if (eve[n] !== finn[n]) differ++;
    if (eve[n] || finn[n]) union++;
    if (eve[n] && finn[n]) both++;
  }
  expect(both).toBeGreaterThan(0);
  expect(differ).toBeGreaterThan(0);

  await signInAs(page, 'Rita Reviewer');
  await expect(page.getByTestId('legend-item')).toHaveCount(2);
  // p = 0.5 with two raters: a voxel either of them painted (a 1-of-2 tie is on the contour's inside).
  await expect(page.getByTestId('contour-voxels')).toHaveAttribute('data-voxels', String(union));
  // Disagreement: both measures are non-zero exactly where the two labelmaps differ.
  const disagreement = page.getByTestId('disagreement');
  await expect(disagreement).toHaveAttribute('data-visible', 'no');
  await page.keyboard.press('m');
  await expect(disagreement).toHaveAttribute('data-visible', 'yes');
  await expect(disagreement).toHaveAttribute('data-voxels', String(differ));
  await page.getByTestId('disagreement-measure').selectOption('variance');
  await expect(disagreement).toHaveAttribute('data-measure', 'variance');
  await expect(disagreement).toHaveAttribute('data-voxels', String(differ));
  // With the raters and the heat map hidden, what is coloured is the disagreement map (and the white contour is not coloured).
  await page.getByTestId('layer-visible-Eve Editor').uncheck();
  await page.getByTestId('layer-visible-Finn Fresh').uncheck();
  await page.getByTestId('heatmap-visible').uncheck();
  await expect.poll(() => colouredPixels(page, 'axial', DIFFER_REGION)).toBeGreaterThan(20);
  await page.getByTestId('disagreement-visible').uncheck();
  await expect(disagreement).toHaveAttribute('data-visible', 'no');
  await expect.poll(() => colouredPixels(page, 'axial', DIFFER_REGION)).toBe(0);
  // Only the white p = 0.5 contour is drawn now: hiding it changes the picture, switching the
  // disagreement measure leaves it hidden (that change recolours the other map only), and showing it
  // again draws it as before.
  const axialShot = () => page.getByTestId('viewport-element-axial').screenshot();
  const withContour = await axialShot();
  await page.getByTestId('contour-visible').uncheck();
  await expect.poll(async () => (await axialShot()).equals(withContour)).toBe(false);
  await page.waitForTimeout(300);
  const withoutContour = await axialShot();
  await page.getByTestId('disagreement-measure').selectOption('entropy');
  await expect(disagreement).toHaveAttribute('data-measure', 'entropy');
  await page.waitForTimeout(500);
  expect((await axialShot()).equals(withoutContour)).toBe(true);
  await page.getByTestId('contour-visible').check();
  await expect.poll(async () => (await axialShot()).equals(withContour)).toBe(true);
  await expect(page.getByTestId('contour-voxels')).toHaveAttribute('data-voxels', String(union));

  // Side by side: Eve | Finn, each pane showing its rater's layer, cameras following the axial view.
  // (Keys typed while a checkbox has the focus go to the checkbox, not to the shortcuts.)
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await page.keyboard.press('v');
  const whole: Region = { x0: 0, y0: 0, x1: 1, y1: 1 };
  await expect(page.getByTestId('side-by-side')).toHaveAttribute('data-panes', '2');
  await expect(page.getByTestId('side-pane-0')).toHaveAttribute('data-layer', 'Eve Editor');
  await expect(page.getByTestId('side-pane-1')).toHaveAttribute('data-layer', 'Finn Fresh');
  await expect.poll(() => colouredPixels(page, 'side-0', whole)).toBeGreaterThan(20);
  await expect.poll(() => colouredPixels(page, 'side-1', whole)).toBeGreaterThan(20);
  // Scrolling the main axial view past every annotated slice takes the panes along: nothing left to colour.
  const sliceInfo = page.getByTestId('slice-info-axial');
  const start = Number(await sliceInfo.getAttribute('data-slice'));
  await page.mouse.move(...(await viewportPoint('axial', 0.5, 0.8)));
  // Finn painted on the slice on screen, which is the end of Eve's interpolated run that her wheel
  // moved away from (the view is back on her first rectangle's slice): wheel the other way.
  for (let n = 0; n < 3; n++) await page.mouse.wheel(0, -100);
  await expect(sliceInfo).toHaveAttribute('data-slice', String(start - 3 * wheelDirection));
  await expect.poll(() => colouredPixels(page, 'side-0', whole)).toBe(0);
  await expect.poll(() => colouredPixels(page, 'side-1', whole)).toBe(0);
  await page.getByTestId('side-by-side-close').click();
  await expect(page.getByTestId('side-by-side')).toHaveCount(0);
});

test('a freehand contour drawn on the axial view is filled into the labelmap, and undo removes it', async () => {
  await signOut(page);
  await signInAs(page, 'Gus Contour');
  const status = page.getByTestId('annotation-status');
  await expect(status).toHaveAttribute('data-status', 'not-started');
  await chooseTool('n', 'contour');
  // A square lasso, drawn as one drag that returns to its start.
  const corners: Array<[number, number]> = [
    [0.3, 0.3],
    [0.45, 0.3],
    [0.45, 0.42],
    [0.3, 0.42],
    [0.3, 0.3],
  ];
  await page.mouse.move(...(await viewportPoint('axial', ...corners[0])));
  await page.mouse.down();
  for (const c of corners.slice(1)) await page.mouse.move(...(await viewportPoint('axial', ...c)), { steps: 15 });
  await page.mouse.up();
  const lasso = painted(await saveAndRead());
  const [i0, i1, j0, j1] = lasso.box;
  expect(lasso.slices.length).toBe(1);
  expect(lasso.values).toEqual([1]);
  expect(i1 - i0).toBeGreaterThan(4);
  expect(j1 - j0).toBeGreaterThan(4);
  // Filled, not just outlined: nearly every voxel of the bounding box (corners may be cut by smoothing).
  expect(lasso.count).toBeGreaterThan(0.9 * (i1 - i0 + 1) * (j1 - j0 + 1));
  await page.keyboard.press('Control+z');
  expect(painted(await saveAndRead()).count).toBe(0);
});
