/**
 * Multi-label projects (issue 14), end to end on the demo DWI with a server of its own: the admin
 * (the project's first identity) picks the core/penumbra preset in the Labels dialog; a rater paints
 * core with key 1 and penumbra with key 2 in two places and submits; the stored labelmap, read back
 * through the API, holds both values; after a reload the case shows each place in its label's colour;
 * the admin's edit that would drop the painted penumbra is refused in the dialog with its reason;
 * the metrics panel shows a rater pair per label and the label mean, and the review's soft reference
 * and disagreement map one label at a time, as computed from the stored masks.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test, type Page } from '@playwright/test';
import { LABEL_PRESETS, labelRgb, type LabelEntry } from '../src-shared/project/labelTable';
import { signInAs, signOut } from './helpers/annotate';
import { colouredMean, colouredPixels, type Region } from './helpers/colouredPixels';
import { labelDice, paintLabelsAndSubmit, pickLabelPreset } from './helpers/labels';
import { openCaseByName } from './helpers/openCase';
import type { ProjectApi } from './helpers/projectApi';
import { closeSpecServer, openSpecServer } from './helpers/specServer';
import type { RunningServer } from './helpers/startServer';

test.describe.configure({ mode: 'serial' });

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// Off the viewport's centre lines (the crosshairs are drawn there, in colour).
const CORE_REGION: Region = { x0: 0.3, y0: 0.3, x1: 0.45, y1: 0.4 };
const PENUMBRA_REGION: Region = { x0: 0.55, y0: 0.6, x1: 0.7, y1: 0.7 };
const [CORE, PENUMBRA] = LABEL_PRESETS['core-penumbra'].labels;

let server: RunningServer;
let api: ProjectApi;
let page: Page;
let submitted = '';

test.beforeAll(async ({ browser }) => {
  ({ server, api, page } = await openSpecServer(browser, repoRoot));
});

test.afterAll(async () => {
  await closeSpecServer(page, server);
});

async function openDwi(): Promise<void> {
  await openCaseByName(page, /dwi|diffusion/i);
}

/** Whether the drawn colour leans the way the label's own colour does (red over blue or blue over red). */
function leansLike(drawn: readonly [number, number, number], label: LabelEntry): boolean {
  const [r, , b] = labelRgb(label);
  return Math.sign(drawn[0] - drawn[2]) === Math.sign(r - b);
}

test('the admin picks the core/penumbra preset in the Labels dialog', async () => {
  await pickLabelPreset(page, api, 'core-penumbra');
});

test('a rater paints core (key 1) and penumbra (key 2) in two places and submits both values', async () => {
  await signInAs(page, 'Alice Annotator');
  await openDwi();
  submitted = await paintLabelsAndSubmit(page, [
    { label: CORE, region: CORE_REGION },
    { label: PENUMBRA, region: PENUMBRA_REGION },
  ]);

  const lm = await api.readLabelmap(await api.signInAs('Ada Admin'), submitted);
  const counts = new Map<number, number>();
  for (const v of lm) if (v !== 0) counts.set(v, (counts.get(v) ?? 0) + 1);
  expect([...counts.keys()].sort()).toEqual([CORE.value, PENUMBRA.value]);
  for (const n of counts.values()) expect(n).toBeGreaterThan(10);
  await signOut(page);
});

test("reloading the case shows each place in its label's colour", async () => {
  await page.reload();
  await signInAs(page, 'Alice Annotator');
  await openDwi();
  await expect(page.getByTestId('annotation-status')).toHaveAttribute('data-version', submitted);
  await expect.poll(() => colouredPixels(page, 'axial', CORE_REGION)).toBeGreaterThan(20);
  await expect.poll(() => colouredPixels(page, 'axial', PENUMBRA_REGION)).toBeGreaterThan(20);
  // Core is drawn in vermillion (red over blue), penumbra in sky blue (blue over red).
  expect(leansLike(await colouredMean(page, 'axial', CORE_REGION), CORE)).toBe(true);
  expect(leansLike(await colouredMean(page, 'axial', PENUMBRA_REGION), PENUMBRA)).toBe(true);
  expect(leansLike(await colouredMean(page, 'axial', PENUMBRA_REGION), CORE)).toBe(false);
});

test('the dialog shows why an edit that drops a painted label is refused, and nothing changes', async () => {
  // Every version holding the penumbra value, counted from the stored labelmaps (the demo cohort's
  // seeded raters painted value 2 as "uncertain" before the table changed, and Alice painted it).
  const admin = await api.signInAs('Ada Admin');
  const versions = await api.call<Array<{ versionId: string; fileHash: string | null }>>('annotation.list', { session: admin });
  let holding = 0;
  for (const v of versions) if (v.fileHash && (await api.readLabelmap(admin, v.versionId)).includes(PENUMBRA.value)) holding++;
  expect(holding).toBeGreaterThanOrEqual(1);

  await signOut(page);
  await signInAs(page, 'Ada Admin');
  await page.getByTestId('labels-open').click();
  const dialog = page.getByTestId('labels-dialog');
  await dialog.getByRole('button', { name: 'Remove label 2' }).click();
  await dialog.getByTestId('labels-save').click();
  await expect(dialog.getByTestId('labels-refusal')).toContainText(
    `${PENUMBRA.value} (${PENUMBRA.name}) in ${holding} version${holding === 1 ? '' : 's'}`,
  );
  await expect(dialog).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  expect(await api.call('labels.get', { session: admin })).toEqual(LABEL_PRESETS['core-penumbra'].labels);
});

test('the metrics panel and the soft reference work per label, as computed from the stored masks', async () => {
  const admin = await api.signInAs('Ada Admin');
  const cases = await api.call<Array<{ caseId: string; name: string }>>('projectCase.list', { session: admin });
  type Sources = {
    geometry: { spacingMm: [number, number, number] };
    raters: Array<{ raterId: string; labelmap: Uint8Array | null }>;
  };
  let chosen: { name: string; maps: Map<string, Uint8Array>; voxelMl: number } | null = null;
  for (const c of cases) {
    const sources = await api.call<Sources>('evaluation.caseSources', { session: admin, caseId: c.caseId });
    const painted = sources.raters.flatMap((r) => (r.labelmap === null ? [] : [{ raterId: r.raterId, labelmap: r.labelmap }]));
    if (painted.length < 2) continue;
    const maps = new Map(painted.map((r) => [r.raterId, r.labelmap]));
    // A case where both labels were painted, so neither column is the trivial both-empty 1.
    if (![CORE, PENUMBRA].every((l) => [...maps.values()].some((m) => m.includes(l.value)))) continue;
    chosen = { name: c.name, maps, voxelMl: sources.geometry.spacingMm.reduce((a, b) => a * b, 1) / 1000 };
    break;
  }
  if (!chosen) throw new Error('no case with two painted raters');

  await openCaseByName(page, chosen.name);
  await expect(page.getByTestId('metrics-panel')).toHaveAttribute('data-status', 'ready', { timeout: 60_000 });
  await page.getByTestId('metrics-convention').selectOption('metricsreloaded');
  const select = page.getByTestId('metrics-comparison-select');
  const pairs = await select.locator('option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
  const pair = pairs.find(
    (v) =>
      v.startsWith('rater-rater:') &&
      v
        .split(':')
        .slice(1)
        .every((id) => chosen.maps.has(id)),
  );
  if (!pair) throw new Error(`no rater pair among ${pairs.join(', ')}`);
  await select.selectOption(pair);
  const [, refId, predId] = pair.split(':');

  const table = page.getByTestId('metrics-per-label');
  await expect(table).toHaveAttribute('data-convention', 'metricsreloaded');
  await expect(page.getByTestId('metrics-table')).toHaveCount(0);
  await expect(table.getByTestId(`metrics-label-${CORE.value}`)).toHaveText(CORE.name);
  await expect(table.getByTestId(`metrics-label-${PENUMBRA.value}`)).toHaveText(PENUMBRA.name);
  const uncertain = LABEL_PRESETS['core-penumbra'].labels.find((l) => l.uncertain);
  await expect(table.getByTestId(`metrics-label-${uncertain?.value}`)).toHaveCount(0);

  const ref = chosen.maps.get(refId) ?? new Uint8Array();
  const pred = chosen.maps.get(predId) ?? new Uint8Array();
  const dice = [CORE, PENUMBRA].map((l) => labelDice(ref, pred, l.value));
  const row = table.getByTestId('metric-dice');
  const cell = async (label: string) => Number(await row.locator(`td[data-label="${label}"]`).getAttribute('data-value'));
  for (const [i, l] of [CORE, PENUMBRA].entries()) expect(await cell(String(l.value))).toBeCloseTo(dice[i], 9);
  // Dice is never NaN under MetricsReloaded, so the label mean is the plain mean of the two.
  expect(await cell('mean')).toBeCloseTo((dice[0] + dice[1]) / 2, 9);

  // The review's soft reference per label: V_soft = Σ over raters of the label's voxels / R.
  const heat = page.getByTestId('heatmap');
  const raters = Number(await heat.getAttribute('data-raters'));
  expect(raters).toBeGreaterThanOrEqual(chosen.maps.size);
  const labelSelect = page.getByTestId('heatmap-label-select');
  expect(await labelSelect.locator('option').allTextContents()).toEqual([CORE.name, PENUMBRA.name]);
  // And the disagreement map of the label: drawn where some but not all raters painted it.
  await page.getByTestId('disagreement-visible').check();
  const disagreement = page.getByTestId('disagreement');
  const first = chosen.maps.values().next().value ?? new Uint8Array();
  const k = new Uint8Array(first.length);
  for (const l of [CORE, PENUMBRA]) {
    await labelSelect.selectOption(String(l.value));
    k.fill(0);
    for (const m of chosen.maps.values()) for (let i = 0; i < m.length; i++) if (m[i] === l.value) k[i]++;
    let painted = 0,
      split = 0;
    for (const c of k) {
      painted += c;
      if (c > 0 && c < raters) split++;
    }
    await expect(disagreement).toHaveAttribute('data-voxels', String(split));
    const softMl = (painted / raters) * chosen.voxelMl;
    await expect
      .poll(async () => Math.abs(Number(await heat.getAttribute('data-soft-ml')) - softMl))
      .toBeLessThanOrEqual(1e-9 + 1e-6 * softMl);
  }
});
