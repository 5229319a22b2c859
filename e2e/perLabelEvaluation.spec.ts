/**
 * Per-label evaluation (issue 14) end to end on the demo DWI with a server of its own: the admin
 * picks the core/penumbra preset; two raters paint core and penumbra in overlapping but different
 * places and submit. The admin's metrics panel then lists each label's lesions (the components of
 * the voxels both raters gave that label, i.e. the two raters' majority) and each rater's volume per
 * label, and the dashboard's row for the case (and its CSV export, with a label column) gives each
 * label's Dice and the mean over labels: all equal to what this test counts itself from the stored
 * masks read back through the API.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test, type Page } from '@playwright/test';
import { LABEL_PRESETS } from '../src-shared/project/labelTable';
import { signInAs, signOut } from './helpers/annotate';
import { parseExport } from './helpers/exportCsv';
import { labelDice, paintLabelsAndSubmit, pickLabelPreset, type LabelStroke } from './helpers/labels';
import { openCaseByName } from './helpers/openCase';
import type { ProjectApi } from './helpers/projectApi';
import { closeSpecServer, openSpecServer } from './helpers/specServer';
import type { RunningServer } from './helpers/startServer';

test.describe.configure({ mode: 'serial' });

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ADMIN = 'Ada Admin';
const [CORE, PENUMBRA] = LABEL_PRESETS['core-penumbra'].labels;
const DWI = /dwi|diffusion/i;
// Off the viewport's centre lines; the second rater's strokes are shifted so they overlap the first's in part.
const STROKES: ReadonlyArray<readonly [string, readonly LabelStroke[]]> = [
  [
    'Alice Annotator',
    [
      { label: CORE, region: { x0: 0.3, y0: 0.3, x1: 0.45, y1: 0.4 } },
      { label: PENUMBRA, region: { x0: 0.55, y0: 0.6, x1: 0.7, y1: 0.7 } },
    ],
  ],
  [
    'Bea Annotator',
    [
      { label: CORE, region: { x0: 0.34, y0: 0.3, x1: 0.5, y1: 0.41 } },
      { label: PENUMBRA, region: { x0: 0.6, y0: 0.6, x1: 0.74, y1: 0.71 } },
    ],
  ],
];

let server: RunningServer;
let api: ProjectApi;
let page: Page;

test.beforeAll(async ({ browser }) => {
  ({ server, api, page } = await openSpecServer(browser, repoRoot));
});

test.afterAll(async () => {
  await closeSpecServer(page, server);
});

async function openDwi(): Promise<void> {
  await openCaseByName(page, DWI);
}

/** The DWI case's stored masks by rater name, its id, name and voxel volume, read back through the API. */
async function storedMasks(): Promise<{
  caseId: string;
  name: string;
  ids: Map<string, string>;
  masks: Map<string, Uint8Array>;
  dims: number[];
  voxelMl: number;
}> {
  const admin = await api.signInAs(ADMIN);
  const cases = await api.call<Array<{ caseId: string; name: string }>>('projectCase.list', { session: admin });
  const dwi = cases.find((c) => DWI.test(c.name));
  if (!dwi) throw new Error(`no DWI case among ${cases.map((c) => c.name).join(', ')}`);
  const sources = await api.call<{
    geometry: { dims: number[]; spacingMm: number[] };
    raters: Array<{ raterId: string; name: string; labelmap: Uint8Array | null }>;
  }>('evaluation.caseSources', { session: admin, caseId: dwi.caseId });
  const masks = new Map<string, Uint8Array>();
  const ids = new Map<string, string>();
  for (const r of sources.raters) {
    if (r.labelmap === null) continue;
    masks.set(r.name, r.labelmap);
    ids.set(r.name, r.raterId);
  }
  const voxelMl = sources.geometry.spacingMm.reduce((a, b) => a * b, 1) / 1000;
  return { caseId: dwi.caseId, name: dwi.name, ids, masks, dims: sources.geometry.dims, voxelMl };
}

/** Voxel counts of the 26-connected components of `mask`, ascending: a plain flood fill, not the app's labelling. */
function componentSizes(mask: Uint8Array, [nx, ny, nz]: number[]): number[] {
  const seen = new Uint8Array(mask.length);
  const stack: number[] = [];
  const sizes: number[] = [];
  for (let start = 0; start < mask.length; start++) {
    if (!mask[start] || seen[start]) continue;
    seen[start] = 1;
    stack.push(start);
    let size = 0;
    while (stack.length > 0) {
      const v = stack.pop() ?? 0;
      size++;
      const i = v % nx,
        j = Math.floor(v / nx) % ny,
        k = Math.floor(v / (nx * ny));
      for (let dk = -1; dk <= 1; dk++)
        for (let dj = -1; dj <= 1; dj++)
          for (let di = -1; di <= 1; di++) {
            const a = i + di,
              b = j + dj,
              c = k + dk;
            if (a < 0 || b < 0 || c < 0 || a >= nx || b >= ny || c >= nz) continue;
            const w = a + nx * (b + ny * c);
            if (mask[w] && !seen[w]) {
              seen[w] = 1;
              stack.push(w);
            }
          }
    }
    sizes.push(size);
  }
  return sizes.sort((a, b) => a - b);
}

/** Voxels both masks gave `label`: the strict majority of two raters. */
function bothGave(a: Uint8Array, b: Uint8Array, label: number): Uint8Array {
  const out = new Uint8Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i] === label && b[i] === label ? 1 : 0;
  return out;
}

function count(m: Uint8Array, label: number): number {
  let n = 0;
  for (const v of m) if (v === label) n++;
  return n;
}

test('the admin picks core/penumbra and two raters paint both labels differently', async () => {
  await pickLabelPreset(page, api, 'core-penumbra', ADMIN);
  for (const [rater, strokes] of STROKES) {
    await signInAs(page, rater);
    await openDwi();
    await paintLabelsAndSubmit(page, strokes);
    await signOut(page);
  }
  const { masks } = await storedMasks();
  const [a, b] = STROKES.map(([r]) => masks.get(r) ?? new Uint8Array());
  // Both labels painted by both, overlapping in part but not the same (else nothing here would be per label).
  for (const l of [CORE, PENUMBRA]) {
    expect(count(a, l.value)).toBeGreaterThan(10);
    expect(count(b, l.value)).toBeGreaterThan(10);
    const d = labelDice(a, b, l.value);
    expect(d).toBeGreaterThan(0);
    expect(d).toBeLessThan(1);
  }
});

test('the lesion table and the volumes are per label, as counted from the stored masks', async () => {
  const { masks, ids, dims, voxelMl } = await storedMasks();
  const [a, b] = STROKES.map(([r]) => masks.get(r) ?? new Uint8Array());
  await signInAs(page, ADMIN);
  await openDwi();
  await expect(page.getByTestId('metrics-panel')).toHaveAttribute('data-status', 'ready', { timeout: 60_000 });
  const picker = page.getByTestId('metrics-label');
  // Default: the first certain label; the uncertain one is not a choice.
  await expect(picker).toHaveValue(String(CORE.value));
  expect(await picker.locator('option').allTextContents()).toEqual([CORE.name, PENUMBRA.name, expect.stringMatching(/^All labels/)]);

  const rows = page.getByTestId('lesion-row');
  const shownSizes = async () =>
    (await rows.evaluateAll((rs) => rs.map((r) => Number(r.getAttribute('data-voxels'))))).sort((x, y) => x - y);
  const expected = new Map([CORE, PENUMBRA].map((l) => [l.value, componentSizes(bothGave(a, b, l.value), dims)]));
  for (const l of [CORE, PENUMBRA]) {
    await picker.selectOption(String(l.value));
    const want = expected.get(l.value) ?? [];
    expect(want.length).toBeGreaterThan(0);
    await expect(rows).toHaveCount(want.length);
    expect(await shownSizes()).toEqual(want);
    // Every row names its label; each rater's own voxels of it cover the majority's, so both detect every lesion.
    for (const row of await rows.all()) {
      await expect(row).toHaveAttribute('data-label', String(l.value));
      await expect(row.locator('td').first()).toHaveText(l.name);
      const by = ((await row.getAttribute('data-detected-by')) ?? '').split(',');
      for (const [rater] of STROKES) expect(by).toContain(ids.get(rater));
    }
    // Volumes: each rater's voxels of the label × the voxel volume.
    for (const [rater] of STROKES) {
      const cell = page.getByTestId(`volume-rater-${rater}`).locator(`td[data-label="${l.value}"]`);
      const want = count(masks.get(rater) ?? new Uint8Array(), l.value) * voxelMl;
      expect(Number(await cell.getAttribute('data-value'))).toBeCloseTo(want, 12);
    }
  }
  // All labels: every label's rows together, and the matrix says it shows the mean over labels.
  await picker.selectOption('all');
  const all = [...(expected.get(CORE.value) ?? []), ...(expected.get(PENUMBRA.value) ?? [])].sort((x, y) => x - y);
  await expect(rows).toHaveCount(all.length);
  expect(await shownSizes()).toEqual(all);
  await expect(page.getByTestId('matrix-label')).toContainText('mean over labels');
  const pairCell = page.locator(`[data-testid="matrix-cell"][title*="${STROKES[0][0]} vs ${STROKES[1][0]}"]`);
  await page.getByTestId('metrics-convention').selectOption('metricsreloaded');
  // MetricsReloaded's Dice is never NaN, so the mean over labels is the plain mean of the two.
  const meanDice = (labelDice(a, b, CORE.value) + labelDice(a, b, PENUMBRA.value)) / 2;
  expect(Number(await pairCell.getAttribute('data-value'))).toBeCloseTo(meanDice, 9);
});

test("the dashboard's row for the case is per label, with the label mean as a choice", async () => {
  const { caseId, name, masks, ids, voxelMl } = await storedMasks();
  const [a, b] = STROKES.map(([r]) => masks.get(r) ?? new Uint8Array());
  await page.getByTestId('workspace-tab-dashboard').click();
  await page.getByTestId('dash-compute-project').click();
  await expect(page.locator('[data-testid="dash-progress-text"][data-state="done"]')).toBeVisible({ timeout: 120_000 });
  await page.getByTestId('dash-convention').selectOption('metricsreloaded');
  // Alice against the others' majority, which with two raters is Bea's mask: reference Bea, prediction Alice.
  await page.getByTestId('dash-comparison').selectOption(`rater-loo:${ids.get(STROKES[0][0])}`);
  const label = page.getByTestId('dash-label');
  await expect(label).toHaveValue(String(CORE.value));
  const dice = page
    .locator('[data-testid="dash-case-row"]')
    .filter({ has: page.locator('td').first().filter({ hasText: name }) })
    .locator('td[data-key="dice"]');
  for (const l of [CORE, PENUMBRA]) {
    await label.selectOption(String(l.value));
    await expect.poll(async () => Number(await dice.getAttribute('data-value'))).toBeCloseTo(labelDice(b, a, l.value), 9);
  }
  await label.selectOption('mean');
  const mean = (labelDice(b, a, CORE.value) + labelDice(b, a, PENUMBRA.value)) / 2;
  await expect.poll(async () => Number(await dice.getAttribute('data-value'))).toBeCloseTo(mean, 9);

  // The per-case CSV names the label in a column; the mean's reference volume is the labels' sum of Bea's voxels.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('dash-export-cases-csv').click()]);
  const exported = parseExport(readFileSync(await download.path(), 'utf8'));
  expect(exported.header.slice(0, 3)).toEqual(['case_id', 'case', 'label']);
  const row = exported.rows.find((r) => r.case_id === caseId);
  expect(row?.label).toBe('mean');
  expect(Number(row?.dice)).toBeCloseTo(mean, 12);
  expect(Number(row?.reference_volume_ml)).toBeCloseTo((count(b, CORE.value) + count(b, PENUMBRA.value)) * voxelMl, 12);
});
