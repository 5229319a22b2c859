/**
 * Multi-rater annotation, end to end on the demo DWI, with a server of its own (a fresh data
 * folder, so the project's first identity, the admin who reviews, is ours):
 * - two raters paint with the brush on the axial viewport (lesion, and uncertain with undo/redo);
 *   each sees only their own work; a draft is autosaved; both submit;
 * - a reviewer sees both layers (legend lists both) and the heat map, and can hide each layer;
 * - after a reload and signing in again the editor holds every voxel: saving it again gives a
 *   version whose labelmap, read through the API, equals the submitted one voxel for voxel.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test, type Page } from '@playwright/test';
import { brushStroke, signInAs, signOut } from './helpers/annotate';
import { colouredPixels, type Region } from './helpers/colouredPixels';
import { openCaseByName } from './helpers/openCase';
import type { ProjectApi } from './helpers/projectApi';
import { closeSpecServer, openSpecServer } from './helpers/specServer';
import type { RunningServer } from './helpers/startServer';

test.describe.configure({ mode: 'serial' });

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// Off the viewport's centre lines (the crosshairs are drawn there, in colour).
const ALICE_REGION: Region = { x0: 0.3, y0: 0.3, x1: 0.45, y1: 0.4 };
const BOB_REGION: Region = { x0: 0.55, y0: 0.6, x1: 0.7, y1: 0.7 };
const DWI_DIMS = [124, 152, 32] as const;

let server: RunningServer;
let api: ProjectApi;
let page: Page;
let aliceSubmitted = '';

test.beforeAll(async ({ browser }) => {
  ({ server, api, page } = await openSpecServer(browser, repoRoot));
});

test.afterAll(async () => {
  await closeSpecServer(page, server);
});

async function openDwi(): Promise<void> {
  await openCaseByName(page, /dwi|diffusion/i);
}

/** Paints one stroke with the brush and checks it is drawn; returns the status element. */
async function paint(region: Region) {
  const status = page.getByTestId('annotation-status');
  await expect(status).toHaveAttribute('data-status', 'not-started');
  await page.keyboard.press('d');
  await expect(page.getByTestId('tool-brush')).toHaveClass(/on/);
  await brushStroke(page, 'axial', region);
  await expect(status).toHaveAttribute('data-dirty', 'yes');
  await expect.poll(() => colouredPixels(page, 'axial', region)).toBeGreaterThan(20);
  return status;
}

async function submit(): Promise<string> {
  const status = page.getByTestId('annotation-status');
  await page.getByTestId('submit-annotation').click();
  await expect(status).toHaveAttribute('data-status', 'submitted');
  await expect(status).toHaveAttribute('data-dirty', 'no');
  return (await status.getAttribute('data-version')) ?? '';
}

/** The painted voxels of a labelmap: how many, which values, on how many axial slices. */
function paintedVoxels(lm: Uint8Array): { count: number; values: number[]; slices: number } {
  const values = new Set<number>();
  const slices = new Set<number>();
  let count = 0;
  lm.forEach((v, i) => {
    if (v === 0) return;
    count++;
    values.add(v);
    slices.add(Math.floor(i / (DWI_DIMS[0] * DWI_DIMS[1])));
  });
  return { count, values: [...values].sort(), slices: slices.size };
}

test('the first identity is the project admin, who reviews', async () => {
  await signInAs(page, 'Rita Reviewer');
  await expect(page.getByTestId('signed-in')).toHaveAttribute('data-role', 'admin');
  await signOut(page);
});

test('two raters annotate the same case, each seeing only their own work, and both submit', async () => {
  await signInAs(page, 'Alice Annotator');
  await expect(page.getByTestId('signed-in')).toHaveAttribute('data-role', 'annotator');
  await openDwi();
  const status = await paint(ALICE_REGION);
  // Autosave: a draft is saved about 10 s after the edit, without a click.
  await expect(status).toHaveAttribute('data-status', 'draft', { timeout: 20_000 });
  await expect(status).toHaveAttribute('data-dirty', 'no');
  const draft = (await status.getAttribute('data-version')) ?? '';
  aliceSubmitted = await submit();
  expect(aliceSubmitted).toMatch(/^ver_/);
  expect(aliceSubmitted).not.toBe(draft);

  // The submitted labelmap is one stroke of lesion (1) on one axial slice, the same as the autosaved draft.
  const reviewer = await api.signInAs('Rita Reviewer');
  const lm = await api.readLabelmap(reviewer, aliceSubmitted);
  expect(lm.length).toBe(DWI_DIMS[0] * DWI_DIMS[1] * DWI_DIMS[2]);
  const alice = paintedVoxels(lm);
  expect(alice.count).toBeGreaterThan(10);
  expect(alice.values).toEqual([1]);
  expect(alice.slices).toBe(1);
  expect(Buffer.compare(await api.readLabelmap(reviewer, draft), lm)).toBe(0);

  await signOut(page);
  await signInAs(page, 'Bob Blinded');
  // Bob starts from nothing: Alice's stroke is not drawn for him.
  await expect(page.getByTestId('annotation-status')).toHaveAttribute('data-status', 'not-started');
  await expect.poll(() => colouredPixels(page, 'axial', ALICE_REGION)).toBe(0);
  await expect(page.getByTestId('review-panel')).toHaveCount(0);
  // Bob paints "uncertain" (label 2), undoes the stroke and redoes it.
  await page.keyboard.press('l');
  await expect(page.getByTestId('label-2')).toHaveClass(/on/);
  await paint(BOB_REGION);
  await page.keyboard.press('Control+z');
  await expect.poll(() => colouredPixels(page, 'axial', BOB_REGION)).toBe(0);
  await page.keyboard.press('Control+Shift+Z');
  await expect.poll(() => colouredPixels(page, 'axial', BOB_REGION)).toBeGreaterThan(20);
  const bobSubmitted = await submit();
  expect(await colouredPixels(page, 'axial', ALICE_REGION)).toBe(0);
  const bob = paintedVoxels(await api.readLabelmap(reviewer, bobSubmitted));
  expect(bob.values).toEqual([2]);
  expect(bob.count).toBeGreaterThan(10);
  await signOut(page);
});

test('a reviewer sees both raters in the legend, their layers and the heat map', async () => {
  await signInAs(page, 'Rita Reviewer');
  const legend = page.getByTestId('legend-item');
  await expect(legend).toHaveCount(2);
  await expect(page.getByTestId('legend')).toContainText('Alice Annotator');
  await expect(page.getByTestId('legend')).toContainText('Bob Blinded');
  await expect(page.getByTestId('heatmap')).toHaveAttribute('data-raters', '2');
  await expect.poll(() => colouredPixels(page, 'axial', ALICE_REGION)).toBeGreaterThan(20);
  expect(await colouredPixels(page, 'axial', BOB_REGION)).toBeGreaterThan(20);

  // Hiding Alice's layer and the heat map leaves nothing coloured where only Alice painted.
  await page.getByTestId('layer-visible-Alice Annotator').uncheck();
  await page.getByTestId('heatmap-visible').uncheck();
  await expect.poll(() => colouredPixels(page, 'axial', ALICE_REGION)).toBe(0);
  expect(await colouredPixels(page, 'axial', BOB_REGION)).toBeGreaterThan(20);
  // The heat map alone shows Alice's stroke (mean vote ½ there, above the 0.25 threshold).
  await page.getByTestId('heatmap-visible').check();
  await expect.poll(() => colouredPixels(page, 'axial', ALICE_REGION)).toBeGreaterThan(20);
  // A lower threshold above ½ leaves her stroke out (the layer's colours change, not its voxels); back at 0.25 it shows again.
  await page.getByTestId('heatmap-threshold').fill('0.55');
  await expect.poll(() => colouredPixels(page, 'axial', ALICE_REGION)).toBe(0);
  await page.getByTestId('heatmap-threshold').fill('0.25');
  await expect.poll(() => colouredPixels(page, 'axial', ALICE_REGION)).toBeGreaterThan(20);
  await signOut(page);
});

test('reopening restores every voxel of the saved labelmap', async () => {
  await page.reload();
  await expect(page.getByTestId('case-item').first()).toBeVisible();
  await signInAs(page, 'Alice Annotator');
  await openDwi();
  const status = page.getByTestId('annotation-status');
  await expect(status).toHaveAttribute('data-status', 'submitted');
  await expect(status).toHaveAttribute('data-version', aliceSubmitted);
  await expect.poll(() => colouredPixels(page, 'axial', ALICE_REGION)).toBeGreaterThan(20);

  // Save what the editor holds now, untouched, and compare it with what was submitted.
  await page.getByTestId('save-draft').click();
  await expect(status).not.toHaveAttribute('data-version', aliceSubmitted);
  const resaved = (await status.getAttribute('data-version')) ?? '';
  const reviewer = await api.signInAs('Rita Reviewer');
  const [before, after] = await Promise.all([api.readLabelmap(reviewer, aliceSubmitted), api.readLabelmap(reviewer, resaved)]);
  expect(after.length).toBe(before.length);
  let differing = 0;
  for (let i = 0; i < before.length; i++) if (before[i] !== after[i]) differing++;
  expect(differing).toBe(0);
  expect(before.some((v) => v === 1)).toBe(true);
});
