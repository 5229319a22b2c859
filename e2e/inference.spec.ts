/**
 * Local inference from the UI (issues 5 and 16): open the demo DWI, run the demo ensemble, see
 * progress, the overlay and the uncertainty maps, the EP (native CPU on the server here: SwiftShader
 * is a fallback adapter, so the automatic choice skips WebGPU), the expected and thresholded
 * volumes, and Cancel stopping a second run. A native start the server refuses falls back to WASM
 * in the browser with the reason shown.
 *
 * The volumes shown are checked against the same pipeline run in this test with onnxruntime-node on
 * the same file. Tolerance: onnxruntime-web WASM and onnxruntime-node agree within 1e-4 per voxel
 * (src-shared/inference/ort.test.ts), so Σp·voxel can differ by at most N·1e-4·voxel ml, and the
 * thresholded volume only by the voxels whose p lies within 1e-4 of the threshold (counted here).
 *
 * Each map shown has a colour bar with its unit and range. The region above the threshold is outlined
 * in cyan, one pixel wide with no fill, on the slice on screen, and side by side offers it as
 * "Model mask" (issue 15: as the former mask labelmap drew them).
 *
 * Then a reviewer saves the result as the model's rater: the legend lists the model, and the API
 * gives back the threshold picked, the provenance and a mask equal to node's p > threshold (same
 * tolerance on the voxels within 1e-4 of it).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { runSegmentation, dwiChannelSources, type SegmentationResult } from '../src-shared/inference';
import { modelOnNode } from './helpers/modelOnNode';
import { parseBval, readNifti, splitByBValue } from '../src-shared/nifti';
import { signInWithTestSecret, testSecretOf } from '../src-main/services/project/signIn.testSupport';
import { signInAs } from './helpers/annotate';
import { appUrl } from './helpers/appUrl';
import { colouredPixels, cyanOutline } from './helpers/colouredPixels';
import { openCaseByName } from './helpers/openCase';
import { projectApi } from './helpers/projectApi';

test.describe.configure({ mode: 'serial' });

const repoRoot = path.resolve(import.meta.dirname, '..');
const FULL = { x0: 0.05, y0: 0.05, x1: 0.95, y1: 0.95 };
const TOL_P = 1e-4;

const REVIEWER = 'Model Reviewer';

let page: Page;
let dwiPath = '';
/** Every case volume the page downloaded, in order. */
const volumeFetches: string[] = [];
/** onnxruntime-node's run of the same file, kept for the save test. */
let nodeRun: { r: SegmentationResult; voxelMl: number } | null = null;
/** The axial slice (1-based, as the viewer counts) the run test looks at, and how many of its voxels have node's p above `t`. */
let measuredSlice: { target: number; above: (t: number) => number } | null = null;

/** A reviewer on the shared server's project: the first identity (admin) if none exists, else made by an admin. */
async function ensureReviewer(): Promise<void> {
  const api = projectApi(appUrl());
  await api.call('project.open', {});
  const ids = await api.call<Array<{ name: string }>>('rater.identities', {});
  if (ids.some((i) => i.name === REVIEWER)) return;
  // The picker names no roles: find an admin among the people by signing each in.
  for (const { name } of ids) {
    const person = await signInWithTestSecret(api.call, name);
    if (person.role === 'admin') {
      await api.call('rater.create', { name: REVIEWER, role: 'reviewer', session: person.token });
      return;
    }
  }
  await api.call('rater.create', { name: REVIEWER, secret: testSecretOf(REVIEWER) });
}

/** The same pipeline on the same file with onnxruntime-node (CPU). */
async function nodeReference(file: string): Promise<{ r: SegmentationResult; voxelMl: number; dims: readonly [number, number, number] }> {
  const dir = path.join(repoRoot, 'models', 'demo-dwi-lesion');
  const { model, runners } = await modelOnNode(dir);
  const image = readNifti(new Uint8Array(readFileSync(file)), { fileName: path.basename(file) });
  const vols = splitByBValue(image, parseBval(readFileSync(file.replace(/\.nii(\.gz)?$/, '.bval'), 'utf8')), []);
  const sources = dwiChannelSources(vols.map((v) => ({ bValue: v.bValue, data: v.volume.data })));
  const r = await runSegmentation({
    manifest: model.manifest,
    runners,
    dims: image.geometry.dims,
    spacingMm: image.geometry.spacingMm,
    sources,
  });
  const [sx, sy, sz] = image.geometry.spacingMm;
  return { r, voxelMl: (sx * sy * sz) / 1000, dims: image.geometry.dims };
}

/** Steps the axial viewport (hovered, so it is the active one) to the 1-based slice `target`. */
async function goToAxialSlice(target: number): Promise<void> {
  const info = page.getByTestId('slice-info-axial');
  const slice = async () => Number(await info.getAttribute('data-slice'));
  await page.getByTestId('viewport-element-axial').hover();
  // Which key raises the slice number depends on the view's orientation: find out from one step.
  let up = 'ArrowDown';
  let down = 'ArrowUp';
  const start = await slice();
  await page.keyboard.press(up);
  await expect
    .poll(slice, { timeout: 3000 })
    .not.toBe(start)
    .catch(() => undefined);
  if ((await slice()) < start || (await slice()) === start) [up, down] = [down, up];
  for (let guard = 0; guard < 80; guard++) {
    const now = await slice();
    if (now === target) return;
    await page.keyboard.press(now < target ? up : down);
    await expect.poll(slice).not.toBe(now);
  }
  throw new Error(`could not reach axial slice ${target}`);
}

test.beforeAll(async ({ browser }) => {
  await ensureReviewer();
  page = await browser.newPage();
  page.on('request', (r) => {
    if (new URL(r.url()).pathname.startsWith('/api/volume/')) volumeFetches.push(r.url());
  });
  await page.goto(appUrl());
  await expect(page.getByTestId('case-item').first()).toBeVisible();
  // Models are listed to signed-in people only (issue 18): signed out, the panel says so.
  await expect(page.getByTestId('models-sign-in')).toBeVisible();
  await signInAs(page, REVIEWER);
  await expect(page.getByTestId('models-sign-in')).toHaveCount(0);
  ({ path: dwiPath } = await openCaseByName(page, /dwi|diffusion/i));
});

test.afterAll(async () => {
  await page.close();
});

test('lists the demo model, labelled as not for clinical use, and the user models folder', async () => {
  await expect(page.getByTestId('model-select')).toContainText('Demo DWI lesion model');
  await expect(page.getByTestId('model-intended-use')).toHaveText(/^demo model, not for clinical use/);
  await expect(page.getByTestId('user-models-dir')).toContainText(/models/);
});

test('runs the demo model: progress, native CPU on SwiftShader, overlay, uncertainty, volumes equal to onnxruntime-node', async () => {
  test.setTimeout(480_000);
  const reference = nodeReference(dwiPath);
  const { r, voxelMl, dims } = await reference;
  nodeRun = { r, voxelMl };
  // The demo scan has no lesion, so the model's probabilities are small and local: look at the axial
  // slice where the reference has most voxels above the map's 0.05 floor. The viewer may count
  // slices from either end, so both candidates are measured before the run (a reviewer also sees
  // the raters' layers there) and judged after it.
  const [nx, ny, nz] = dims;
  let best = 0;
  let bestCount = -1;
  for (let k = 0; k < nz; k++) {
    let n = 0;
    for (let v = k * nx * ny; v < (k + 1) * nx * ny; v++) if (r.probabilities[0][v] > 0.05) n++;
    if (n > bestCount) [best, bestCount] = [k, n];
  }
  expect(bestCount).toBeGreaterThan(10);
  const above = (t: number) => {
    let n = 0;
    for (let v = best * nx * ny; v < (best + 1) * nx * ny; v++) if (r.probabilities[0][v] > t) n++;
    return n;
  };
  const candidates = [best + 1, nz - best];
  const beforeAt = new Map<number, number>();
  // Each count starts from a reset view: mounting the model's layers resets the cameras (zoom
  // included), so counts taken at different zooms would compare the crosshairs, not the overlay.
  const atSlice = async (target: number) => {
    await page.getByTestId('reset-view').click();
    await goToAxialSlice(target);
    return colouredPixels(page, 'axial', FULL);
  };
  for (const target of candidates) beforeAt.set(target, await atSlice(target));
  await page.getByTestId('inference-run').click();
  await expect(page.getByTestId('inference-progress')).toBeVisible();
  await expect(page.getByTestId('inference-progress')).toContainText(/patches/, { timeout: 120_000 });
  await expect(page.getByTestId('inference-result')).toBeVisible({ timeout: 400_000 });

  await expect(page.getByTestId('inference-ep')).toHaveAttribute('data-ep', 'cpu-native');
  await expect(page.getByTestId('inference-ep')).toContainText(/native CPU .*WebGPU is not available/);
  await expect(page.getByTestId('inference-timings')).toContainText(/sliding window/);

  let probabilityPixels = 0;
  let before = 0;
  for (const target of candidates) {
    probabilityPixels = await atSlice(target);
    before = beforeAt.get(target) ?? 0;
    measuredSlice = { target, above };
    if (probabilityPixels > before + 50) break;
  }
  // Probability overlay: coloured pixels appear in the axial view.
  expect(probabilityPixels).toBeGreaterThan(before + 50);
  // Its colour bar: p from 0 to 1, no unit, and the floor left undrawn (issue 11, item 5).
  const bar = page.getByTestId('inference-result').getByTestId('colour-bar');
  await expect(bar).toHaveAttribute('data-map', 'probability');
  await expect(bar).toHaveAttribute('data-max', '1');
  await expect(bar).toHaveAttribute('data-unit', '');
  await expect(bar.getByTestId('colour-bar-not-drawn')).toHaveText('≤ 0.05 not drawn');
  // Entropy and mutual information in bits, up to 1 bit per sigmoid label (a binary entropy's
  // maximum, log2 2) or log2 of the classes under softmax; the bound read from the manifest.
  const { output } = JSON.parse(readFileSync(path.join(repoRoot, 'models', 'demo-dwi-lesion', 'model.json'), 'utf8')) as {
    output: { activation: 'sigmoid' | 'softmax'; labels: string[] };
  };
  const bitsMax = output.activation === 'sigmoid' ? output.labels.length * Math.log2(2) : Math.log2(output.labels.length);
  // Uncertainty maps: entropy is non-zero wherever p is neither ~0 nor ~1, so more voxels are drawn.
  await page.getByTestId('inference-display-entropy').check();
  await expect.poll(() => colouredPixels(page, 'axial', FULL)).toBeGreaterThan(probabilityPixels);
  await expect(bar).toHaveAttribute('data-map', 'entropy');
  await expect(bar).toHaveAttribute('data-max', String(bitsMax));
  await expect(bar).toContainText('(bits)');
  await page.getByTestId('inference-display-mutualInformation').check();
  await expect(page.getByTestId('inference-display-mutualInformation')).toBeChecked();
  await expect.poll(() => colouredPixels(page, 'axial', FULL)).toBeGreaterThan(before + 50);
  await expect(bar).toHaveAttribute('data-map', 'mutualInformation');
  await expect(bar).toHaveAttribute('data-max', String(bitsMax));
  await expect(bar).toHaveAttribute('data-unit', 'bits');
  const shown = page.getByTestId('inference-volumes');
  const readVolumes = async () => ({
    expected: Number(await shown.getAttribute('data-expected-ml')),
    mask: Number(await shown.getAttribute('data-mask-ml')),
    threshold: Number(await shown.getAttribute('data-threshold')),
  });
  const near = (t: number) => r.probabilities[0].reduce((n, p) => n + (Math.abs(p - t) <= TOL_P ? 1 : 0), 0);
  const maskMlAt = (t: number) => r.probabilities[0].reduce((n, p) => n + (p > t ? 1 : 0), 0) * voxelMl;
  const expectedTol = r.probabilities[0].length * TOL_P * voxelMl;

  const at05 = await readVolumes();
  expect(at05.threshold).toBe(0.5);
  expect(Math.abs(at05.expected - r.volumes[0].expectedMl)).toBeLessThanOrEqual(expectedTol);
  expect(Math.abs(at05.mask - r.volumes[0].maskMl)).toBeLessThanOrEqual(near(0.5) * voxelMl + 1e-9);
  await expect(shown).toContainText(/expected Σp .* ml · thresholded .* ml · gap/);

  // Lower the threshold: the mask grows (or stays), Σp does not change, and it matches node at that threshold.
  const slider = page.getByTestId('inference-threshold');
  await slider.focus();
  for (let i = 0; i < 8; i++) await slider.press('ArrowLeft'); // 0.5 → 0.1 in steps of 0.05
  await expect(shown).toHaveAttribute('data-threshold', '0.1');
  const at01 = await readVolumes();
  expect(at01.expected).toBe(at05.expected);
  expect(at01.mask).toBeGreaterThanOrEqual(at05.mask);
  expect(Math.abs(at01.mask - maskMlAt(0.1))).toBeLessThanOrEqual(near(0.1) * voxelMl + 1e-9);

  // The region is outlined in pure cyan, one pixel wide: no outline pixel is surrounded by others (a
  // fill would be, and a translucent fill is never pure cyan). At the slider's minimum the slice on
  // screen holds the voxels counted above 0.05; at its maximum, an outline only if node has p > 0.95 there.
  await slider.press('Home');
  await expect(shown).toHaveAttribute('data-threshold', '0.05');
  await expect.poll(async () => (await cyanOutline(page, 'axial', FULL)).cyan).toBeGreaterThan(10);
  expect((await cyanOutline(page, 'axial', FULL)).enclosed).toBe(0);
  await slider.press('End');
  await expect(shown).toHaveAttribute('data-threshold', '0.95');
  await expect.poll(async () => (await cyanOutline(page, 'axial', FULL)).cyan > 0).toBe(above(0.95) > 0);
  await slider.press('Home');
  await slider.press('ArrowRight');
  await expect(shown).toHaveAttribute('data-threshold', '0.1');
});

test('a reviewer saves the result as the model rater, with the threshold picked; the legend lists it', async () => {
  test.setTimeout(120_000);
  if (!nodeRun) throw new Error('the run test did not finish');
  await expect(page.getByTestId('signed-in')).toHaveAttribute('data-role', /reviewer|admin/);
  await page.getByTestId('mode-review').click();
  await expect(page.getByTestId('inference-result')).toBeVisible();
  await page.getByTestId('inference-save').click();
  const saved = page.getByTestId('inference-saved');
  await expect(saved).toHaveAttribute('data-threshold', '0.1');
  await expect(saved).toContainText('(model)');
  const versionId = (await saved.getAttribute('data-version-id')) ?? '';

  // The review legend lists the model like any rater, with its own layer.
  const item = page.locator('[data-testid="legend-item"][data-name$="(model)"]');
  await expect(item).toHaveCount(1);
  await expect(item).toHaveAttribute('data-status', 'submitted');
  // The metrics evaluate the saved p > 0.1 mask under that name, and the heat map leaves the model out (issue 11, items 7-8).
  await expect(page.getByTestId('metrics-model-mask')).toHaveAttribute('data-threshold', '0.1');
  await expect(page.getByTestId('heatmap')).toHaveAttribute('data-models', '0');

  // Through the API: the threshold, the provenance, and the mask node's p > 0.1 gives.
  const api = projectApi(appUrl());
  const session = await api.signInAs(REVIEWER);
  const read = await api.call<{
    threshold: number;
    provenance: { executionProvider: string; members: Array<{ sha256: string }>; settings: { threshold: number } };
  }>('inference.readResult', { session, versionId });
  expect(read.threshold).toBe(0.1);
  expect(read.provenance.settings.threshold).toBe(0.1);
  expect(read.provenance.executionProvider).toBe('cpu-native');
  const manifest = JSON.parse(readFileSync(path.join(repoRoot, 'models', 'demo-dwi-lesion', 'model.json'), 'utf8')) as {
    members: Array<{ sha256: string }>;
  };
  expect(read.provenance.members.map((m) => m.sha256)).toEqual(manifest.members.map((m) => m.sha256));
  const mask = await api.readLabelmap(session, versionId);
  const p = nodeRun.r.probabilities[0];
  let differing = 0;
  let nearThreshold = 0;
  for (let v = 0; v < p.length; v++) {
    if ((mask[v] === 1) !== p[v] > 0.1) differing++;
    if (Math.abs(p[v] - 0.1) <= TOL_P) nearThreshold++;
  }
  expect(differing).toBeLessThanOrEqual(nearThreshold);
});

test('side by side offers "Model mask": the outline at the threshold picked, following the slider', async () => {
  test.setTimeout(120_000);
  if (!measuredSlice) throw new Error('the run test did not finish');
  // Review mode since the save test; the keys go to the shortcuts once nothing has the focus.
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await page.keyboard.press('v');
  await expect(page.getByTestId('side-by-side')).toHaveAttribute('data-panes', '2');
  const select = page.getByTestId('side-pane-layer-1');
  await expect(select.locator('option', { hasText: 'Model mask' })).toHaveCount(1);
  await select.selectOption({ label: 'Model mask' });
  await expect(page.getByTestId('side-pane-1')).toHaveAttribute('data-layer', 'Model mask');

  // The pane follows the axial view: back on the slice the run test measured (review mode moved it).
  await goToAxialSlice(measuredSlice.target);
  const whole = { x0: 0, y0: 0, x1: 1, y1: 1 };
  const shown = page.getByTestId('inference-volumes');
  const slider = page.getByTestId('inference-threshold');
  await slider.focus();
  await slider.press('Home');
  await expect(shown).toHaveAttribute('data-threshold', '0.05');
  await expect.poll(async () => (await cyanOutline(page, 'side-1', whole)).cyan).toBeGreaterThan(10);
  expect((await cyanOutline(page, 'side-1', whole)).enclosed).toBe(0);
  await slider.press('End');
  await expect(shown).toHaveAttribute('data-threshold', '0.95');
  await expect.poll(async () => (await cyanOutline(page, 'side-1', whole)).cyan > 0).toBe(measuredSlice.above(0.95) > 0);

  await page.getByTestId('side-by-side-close').click();
  await expect(page.getByTestId('side-by-side')).toHaveCount(0);
});

test('Cancel stops a second run', async () => {
  test.setTimeout(240_000);
  await page.getByTestId('inference-run').click();
  await expect(page.getByTestId('inference-progress')).toContainText(/patches/, { timeout: 120_000 });
  await page.getByTestId('inference-cancel').click();
  await expect(page.getByTestId('inference-status')).toContainText(/Cancelled/, { timeout: 30_000 });
  await expect(page.getByTestId('inference-progress')).toHaveCount(0);
  await expect(page.getByTestId('inference-result')).toHaveCount(0);
  // Runnable again after a cancel.
  await expect(page.getByTestId('inference-run')).toBeEnabled();
});

test('a native start the server refuses falls back to WASM in the browser, with the reason shown', async () => {
  // The first WASM run of the page: the worker compiles onnxruntime-web's WASM and opens 3 sessions.
  test.setTimeout(600_000);
  // As the server answers when onnxruntime-node cannot load (nativeInference.test.ts makes that failure for real).
  const reason = 'onnxruntime-node could not be loaded (no add-on for this platform)';
  await page.route('**/api/inference.nativeStart', (route) =>
    route.fulfill({
      status: 500,
      contentType: 'application/json',
      body: JSON.stringify({ ok: false, error: { code: 'internal', message: reason } }),
    }),
  );
  try {
    await page.getByTestId('inference-run').click();
    await expect(page.getByTestId('inference-progress')).toContainText(/patches/, { timeout: 500_000 });
    await expect(page.getByTestId('inference-ep')).toHaveAttribute('data-ep', 'wasm');
    await expect(page.getByTestId('inference-ep')).toContainText(`Native CPU could not run the model (${reason}); using WASM.`);
    await page.getByTestId('inference-cancel').click();
    await expect(page.getByTestId('inference-status')).toContainText(/Cancelled/, { timeout: 30_000 });
  } finally {
    await page.unroute('**/api/inference.nativeStart');
  }
});

test('Settings show both models folders and every model; "WASM only" applies from the next run, without a fallback reason nor a second download of the case', async () => {
  test.setTimeout(240_000);
  await page.getByTestId('settings-button').click();
  // The e2e server's --data-dir is a fresh quorum-e2e-data-* folder; the user's models live in its models/.
  await expect(page.getByTestId('settings-user-models-dir')).toHaveText(/quorum-e2e-data-[^/]+\/models$/);
  await expect(page.getByTestId('settings-bundled-models-dir')).toHaveText(path.join(repoRoot, 'models'));
  await expect(page.getByTestId('settings-models')).toContainText('Demo DWI lesion model');
  // Automatic picked native CPU above (no real WebGPU adapter here); it can also be chosen alone.
  await expect(page.getByTestId('settings-ep-auto')).toBeChecked();
  await expect(page.getByTestId('settings-ep-native')).toBeVisible();
  await page.getByTestId('settings-ep-wasm').check();
  await page.getByTestId('settings-threads').selectOption('1');
  expect(JSON.parse((await page.evaluate(() => localStorage.getItem('quorum.settings.v1'))) ?? 'null')).toEqual({
    executionProvider: 'wasm',
    wasmThreads: 1,
  });
  await page.getByTestId('settings-close').click();
  await expect(page.getByTestId('settings-overlay')).toHaveCount(0);

  await page.getByTestId('inference-run').click();
  await expect(page.getByTestId('inference-progress')).toContainText(/patches/, { timeout: 120_000 });
  // The worker's inputs are the volumes the viewer holds (a b-value not yet shown is loaded into
  // the viewer once): over the viewer and two worker runs, no volume was downloaded twice (issue 15).
  expect(volumeFetches.length).toBeGreaterThan(0);
  expect(volumeFetches.filter((u, i) => volumeFetches.indexOf(u) !== i)).toEqual([]);
  await expect(page.getByTestId('inference-ep')).toHaveAttribute('data-ep', 'wasm');
  await expect(page.getByTestId('inference-ep')).toContainText('chosen in Settings');
  await expect(page.getByTestId('inference-ep')).not.toContainText(/WebGPU is not available/);
  await page.getByTestId('inference-cancel').click();
  await expect(page.getByTestId('inference-status')).toContainText(/Cancelled/, { timeout: 30_000 });
});
