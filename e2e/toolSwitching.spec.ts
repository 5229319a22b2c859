/**
 * Switching the left-button tool between window/level and the editing tools, as a radiologist does
 * all the time (issue 11, item 1): after W/L, the brush, the eraser and the crosshairs each take the
 * left button, so a drag paints, erases or moves the crosshairs and leaves the window alone; the
 * same when W/L was picked while a brush was working. Each edit is saved and read back through the
 * API; the window is read from the status bar.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test, type Page } from '@playwright/test';
import { brushStroke, signInAs, signOut } from './helpers/annotate';
import type { Region } from './helpers/colouredPixels';
import { openCaseByName } from './helpers/openCase';
import type { ProjectApi } from './helpers/projectApi';
import { closeSpecServer, openSpecServer } from './helpers/specServer';
import type { RunningServer } from './helpers/startServer';

test.describe.configure({ mode: 'serial' });

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const RATER = 'Wanda Window';
// Clear of the crosshair lines through the viewport's centre.
const STROKE: Region = { x0: 0.3, y0: 0.3, x1: 0.45, y1: 0.42 };

let server: RunningServer;
let api: ProjectApi;
let page: Page;

test.beforeAll(async ({ browser }) => {
  ({ server, api, page } = await openSpecServer(browser, repoRoot));
  // The first identity is the project's admin, who reviews; the rater after it annotates.
  await signInAs(page, 'Ada Admin');
  await signOut(page);
  await signInAs(page, RATER);
  await openCaseByName(page, /dwi|diffusion/i);
  await expect(page.getByTestId('annotation-status')).toHaveAttribute('data-status', 'not-started');
});

test.afterAll(async () => {
  await closeSpecServer(page, server);
});

/** Presses the key of a tool and waits for its button to light up (pressing it again would put it away). */
async function pick(key: string, tool: string): Promise<void> {
  const button = page.getByTestId(`tool-${tool}`);
  if (!/\bon\b/.test((await button.getAttribute('class')) ?? '')) await page.keyboard.press(key);
  await expect(button).toHaveClass(/\bon\b/);
}

/** The labelmap's non-zero voxels after saving a draft, read back through the API. */
async function savedVoxels(): Promise<number> {
  const status = page.getByTestId('annotation-status');
  await expect(status).toHaveAttribute('data-dirty', 'yes');
  const before = (await status.getAttribute('data-version')) ?? '';
  await page.getByTestId('save-draft').click();
  await expect(status).not.toHaveAttribute('data-version', before);
  await expect(status).toHaveAttribute('data-dirty', 'no');
  const session = await api.signInAs(RATER);
  const labelmap = await api.readLabelmap(session, (await status.getAttribute('data-version')) ?? '');
  return labelmap.reduce((n, v) => n + (v !== 0 ? 1 : 0), 0);
}

/** A window/level drag with the left button alone (no Ctrl): it changes the window. */
async function dragWindow(): Promise<void> {
  const readout = page.getByTestId('window-readout');
  const before = await readout.innerText();
  await brushStroke(page, 'axial', { x0: 0.55, y0: 0.6, x1: 0.75, y1: 0.7 });
  await expect(readout).not.toHaveText(before);
}

/** `edit` (a stroke with the tool in hand) leaves the window as it was. */
async function windowUnchangedBy(edit: () => Promise<void>): Promise<void> {
  const readout = page.getByTestId('window-readout');
  const before = await readout.innerText();
  await edit();
  await expect(readout).toHaveText(before);
}

let painted = 0;

test('after W/L, the brush paints and the window stays', async () => {
  await pick('w', 'windowLevel');
  await dragWindow();
  await pick('d', 'brush');
  await windowUnchangedBy(() => brushStroke(page, 'axial', STROKE));
  painted = await savedVoxels();
  expect(painted).toBeGreaterThan(0);
});

test('after W/L, the eraser erases and the window stays', async () => {
  await pick('w', 'windowLevel');
  await dragWindow();
  await pick('e', 'eraser');
  await windowUnchangedBy(() => brushStroke(page, 'axial', STROKE));
  expect(await savedVoxels()).toBeLessThan(painted);
});

test('W/L picked while the brush works, then the brush again: it paints, the window stays', async () => {
  await pick('d', 'brush');
  await brushStroke(page, 'axial', STROKE);
  painted = await savedVoxels();
  expect(painted).toBeGreaterThan(0);
  await pick('w', 'windowLevel');
  await dragWindow();
  await pick('d', 'brush');
  // Another row of the same region, so the stroke adds voxels.
  await windowUnchangedBy(() => brushStroke(page, 'axial', { ...STROKE, y0: STROKE.y1, y1: STROKE.y1 + 0.1 }));
  expect(await savedVoxels()).toBeGreaterThan(painted);
});

test('after W/L, the crosshairs move with a drag and the window stays', async () => {
  await pick('w', 'windowLevel');
  await dragWindow();
  await pick('c', 'crosshairs');
  // Dragging the crosshairs' centre to the left moves the sagittal plane: its slice number changes.
  const sagittal = page.getByTestId('slice-info-sagittal');
  const slice = await sagittal.getAttribute('data-slice');
  const box = await page.getByTestId('viewport-element-axial').boundingBox();
  if (!box) throw new Error('no axial viewport');
  await windowUnchangedBy(async () => {
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.5);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.5, { steps: 10 });
    await page.mouse.up();
  });
  await expect(sagittal).not.toHaveAttribute('data-slice', slice ?? '');
});
