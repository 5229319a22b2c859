/**
 * A multi-class model from the UI (issue 14), with a server of its own on a project made here: the
 * demo head CT (data-cache/ct/cranium.nii.gz, fetched by scripts/fetch-sample-data.sh) with a
 * synthetic infarct written into a temporary copy (a penumbra 4 HU darker around a core 10 HU
 * darker, in brain-range voxels only). Its first person, the admin, runs the
 * multi-class demo model (models/demo-ct-core-penumbra: softmax over background, Core, Penumbra).
 * The Model panel has a class selector: switching it changes the map's colour bar and the volumes
 * line, each class's Σp equal to onnxruntime-node's run of the same model in this test. Saving is
 * refused while the project's labels (the stroke table) have no "Core" or "Penumbra", naming both;
 * after the admin picks the core/penumbra preset it saves, and the stored mask holds only
 * {0, Core, Penumbra} and equals the rule recomputed here from node's probabilities: the argmax
 * class, background where its p is at or below the threshold, written as the label's value.
 *
 * Tolerance: the server's native run is onnxruntime-node like the reference, but the two need not
 * be bit-identical, so voxels whose two largest p are within 1e-4 of each other or whose largest p
 * is within 1e-4 of the threshold may differ (counted), as in inference.spec.ts.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { runSegmentation, type SegmentationResult } from '../src-shared/inference';
import { modelOnNode } from './helpers/modelOnNode';
import { caseChannelSources } from '../src-shared/inference/caseSources';
import { readNifti, writeNifti } from '../src-shared/nifti';
import type { Vec3 } from '../src-shared/volume/types';
import { LABEL_PRESETS } from '../src-shared/project/labelTable';
import { signInAs } from './helpers/annotate';
import { openCaseByName } from './helpers/openCase';
import { projectApi, type ProjectApi } from './helpers/projectApi';
import { startServer, type RunningServer } from './helpers/startServer';

test.describe.configure({ mode: 'serial' });

const repoRoot = path.resolve(import.meta.dirname, '..');
const ctFile = path.join(repoRoot, 'data-cache', 'ct', 'cranium.nii.gz');
const modelDir = path.join(repoRoot, 'models', 'demo-ct-core-penumbra');
const ADMIN = 'Ada Admin';
const TOL_P = 1e-4;
const [CORE, PENUMBRA] = LABEL_PRESETS['core-penumbra'].labels;

let server: RunningServer;
let api: ProjectApi;
let page: Page;
let projectDir = '';
let ct: { dims: Vec3; spacingMm: Vec3; hu: Int16Array } | null = null;
let reference: { r: SegmentationResult; voxelMl: number } | null = null;

test.skip(!existsSync(ctFile), 'the demo head CT is not fetched (scripts/fetch-sample-data.sh)');

/**
 * The demo CT with an infarct, in a new project folder: a box around the centroid of its
 * brain-range voxels, 32 slices thick (a save carries the result in one request of at most 1 MiB,
 * and the probability maps of the whole 256×256×108 grid exceed it), with the infarct centred there, darkening
 * only voxels in that range (not bone, CSF or air).
 */
function writeInfarctCase(dir: string): { dims: Vec3; spacingMm: Vec3; hu: Int16Array } {
  const image = readNifti(new Uint8Array(readFileSync(ctFile)), { fileName: path.basename(ctFile) });
  const full = image.geometry.dims;
  const { spacingMm } = image.geometry;
  const brain = (x: number) => x >= 20 && x <= 45;
  const lo = [Infinity, Infinity, Infinity];
  const hi = [0, 0, 0];
  const centre = [0, 0, 0];
  let count = 0;
  for (let k = 0, v = 0; k < full[2]; k++)
    for (let j = 0; j < full[1]; j++)
      for (let i = 0; i < full[0]; i++, v++)
        if (brain(image.data[v])) {
          [i, j, k].forEach((x, a) => {
            centre[a] += x;
            lo[a] = Math.min(lo[a], x);
            hi[a] = Math.max(hi[a], x);
          });
          count++;
        }
  // Around the centroid: 0.45 of the head's extent each way in plane, so the box's corners are air
  // (the app takes an integer image spanning -500…500 for a CT), and 16 slices (24 mm) each way
  // across them, beyond the infarct's 20 mm.
  const c = centre.map((x) => x / count);
  const reach = [0.45 * (hi[0] - lo[0]), 0.45 * (hi[1] - lo[1]), 16];
  const start = c.map((x, a) => Math.max(0, Math.round(x - reach[a])));
  const dims = c.map((x, a) => Math.min(full[a], Math.round(x + reach[a])) - start[a]) as unknown as Vec3;
  const hu = new Int16Array(dims[0] * dims[1] * dims[2]);
  for (let k = 0, v = 0; k < dims[2]; k++)
    for (let j = 0; j < dims[1]; j++)
      for (let i = 0; i < dims[0]; i++, v++) {
        let x = image.data[start[0] + i + full[0] * (start[1] + j + full[1] * (start[2] + k))];
        if (brain(x)) {
          const mm = Math.hypot(
            (start[0] + i - c[0]) * spacingMm[0],
            (start[1] + j - c[1]) * spacingMm[1],
            (start[2] + k - c[2]) * spacingMm[2],
          );
          if (mm < 9) x -= 10;
          else if (mm < 20) x -= 4;
        }
        hu[v] = x;
      }
  const geometry = { ...image.geometry, dims };
  writeFileSync(
    path.join(dir, 'ct-infarct.nii.gz'),
    writeNifti({ geometry, data: hu, description: 'synthetic infarct on the demo CT' }, { gzip: true, level: 1 }),
  );
  return { dims, spacingMm, hu };
}

test.beforeAll(async ({ browser }) => {
  projectDir = mkdtempSync(path.join(tmpdir(), 'quorum-mc-'));
  ct = writeInfarctCase(projectDir);
  server = await startServer(repoRoot, { project: projectDir });
  api = projectApi(server.url);
  page = await browser.newPage();
  await page.goto(server.url);
  await expect(page.getByTestId('case-item').first()).toBeVisible();
});

test.afterAll(async () => {
  await page?.close();
  await server?.stop();
  rmSync(projectDir, { recursive: true, force: true });
});

/** The same model and pipeline on the same voxels with onnxruntime-node. */
async function nodeReference(): Promise<{ r: SegmentationResult; voxelMl: number }> {
  if (!ct) throw new Error('no case');
  const { model, runners } = await modelOnNode(modelDir);
  const r = await runSegmentation({
    manifest: model.manifest,
    runners,
    dims: ct.dims,
    spacingMm: ct.spacingMm,
    sources: caseChannelSources('CT', [{ bValue: null, data: ct.hu }]),
  });
  const [sx, sy, sz] = ct.spacingMm;
  return { r, voxelMl: (sx * sy * sz) / 1000 };
}

async function readVolumes(): Promise<{ label: string; expected: number; mask: number }> {
  const shown = page.getByTestId('inference-volumes');
  return {
    label: (await shown.getAttribute('data-class')) ?? '',
    expected: Number(await shown.getAttribute('data-expected-ml')),
    mask: Number(await shown.getAttribute('data-mask-ml')),
  };
}

test('runs the multi-class model on the head CT; the class selector switches the map, its colour bar and volumes', async () => {
  test.setTimeout(480_000);
  const pending = nodeReference();
  await signInAs(page, ADMIN);
  await openCaseByName(page, /ct-infarct/i);
  const select = page.getByTestId('model-select');
  await select.selectOption('bundled/demo-ct-core-penumbra');
  await expect(page.getByTestId('model-intended-use')).toHaveText(/^demo model, not for clinical use/);
  await page.getByTestId('inference-run').click();
  await expect(page.getByTestId('inference-result')).toBeVisible({ timeout: 400_000 });
  reference = await pending;
  const { r, voxelMl } = reference;
  const expectedTol = r.probabilities[0].length * TOL_P * voxelMl;

  const classSelect = page.getByTestId('inference-class');
  await expect(classSelect.locator('option')).toHaveText(['Core', 'Penumbra']);
  const bar = page.getByTestId('colour-bar');
  await expect(bar).toContainText('Model probability: Core');
  const core = await readVolumes();
  expect(core.label).toBe('Core');
  expect(Math.abs(core.expected - r.volumes[0].expectedMl)).toBeLessThanOrEqual(expectedTol);

  await classSelect.selectOption({ label: 'Penumbra' });
  await expect(bar).toContainText('Model probability: Penumbra');
  await expect(page.getByTestId('inference-volumes')).toHaveAttribute('data-class', 'Penumbra');
  const penumbra = await readVolumes();
  expect(Math.abs(penumbra.expected - r.volumes[1].expectedMl)).toBeLessThanOrEqual(expectedTol);
  expect(penumbra.expected).not.toBe(core.expected);
  // Every class in the table; its entropy is that class against the rest (at most 1 bit).
  await expect(page.getByTestId('inference-class-volumes').locator('tbody tr')).toHaveCount(2);
  await page.getByTestId('inference-display-entropy').check();
  await expect(bar).toContainText('Model entropy: Penumbra vs. the rest');
  await expect(bar).toHaveAttribute('data-max', '1');
});

test('saving is refused while the project has no label named like the classes, naming them', async () => {
  await page.getByTestId('inference-save').click();
  await expect(page.getByTestId('inference-save-error')).toContainText('no label named "Core", "Penumbra"');
  await expect(page.getByTestId('inference-saved')).toHaveCount(0);
});

test('with the core/penumbra table the argmax labelmap is saved, in the labels’ values, at the threshold picked', async () => {
  test.setTimeout(180_000);
  if (!reference) throw new Error('the run test did not finish');
  await page.getByTestId('labels-open').click();
  const dialog = page.getByTestId('labels-dialog');
  await dialog.getByTestId('labels-preset').selectOption('core-penumbra');
  await dialog.getByTestId('labels-save').click();
  await expect(dialog).toHaveCount(0);
  // The result is still shown; raise the threshold to 0.6 so it decides some voxels.
  const slider = page.getByTestId('inference-threshold');
  await slider.focus();
  for (let i = 0; i < 2; i++) await slider.press('ArrowRight');
  await expect(page.getByTestId('inference-volumes')).toHaveAttribute('data-threshold', '0.6');
  await page.getByTestId('inference-save').click();
  const saved = page.getByTestId('inference-saved');
  await expect(saved).toHaveAttribute('data-threshold', '0.6');
  const versionId = (await saved.getAttribute('data-version-id')) ?? '';

  const session = await api.signInAs(ADMIN);
  const mask = await api.readLabelmap(session, versionId);
  const p = reference.r.probabilities;
  const values = [0, CORE.value, PENUMBRA.value];
  let differing = 0;
  let ambiguous = 0;
  const found = new Set<number>();
  for (let v = 0; v < mask.length; v++) {
    found.add(mask[v]);
    let best = 0;
    let second = -1;
    for (let c = 1; c < p.length; c++) {
      if (p[c][v] > p[best][v]) [best, second] = [c, best];
      else if (second < 0 || p[c][v] > p[second][v]) second = c;
    }
    const expected = best !== 0 && p[best][v] > 0.6 ? values[best] : 0;
    if (mask[v] !== expected) differing++;
    if (p[best][v] - p[second][v] <= TOL_P || Math.abs(p[best][v] - 0.6) <= TOL_P) ambiguous++;
  }
  expect([...found].every((x) => values.includes(x))).toBe(true);
  expect(differing).toBeLessThanOrEqual(ambiguous);
  // The model found the infarct: both classes are in the labelmap.
  expect([...found].sort()).toEqual(values);
});
