/**
 * The per-case metrics panel on the demo evaluation cohort (three synthetic raters and the demo
 * model's results, seeded into the demo project), with a server of its own so the first identity,
 * an admin who reviews, is ours:
 * - on the empty-reference case every rater answered "no lesion" and the model's p > 0.5 mask has
 *   one false-positive voxel (demo/README.md), so model vs majority has an empty reference and a
 *   non-empty prediction: Dice is NaN under USE-Evaluator (shown as NaN with the empty-case reason,
 *   not 0 or 1) and 0 under ISLES'22 and MetricsReloaded (docs/metric-conventions.md: "One empty:
 *   Dice 0"); with T = 0.05 ml both masks are small and the USE class is TN;
 * - an admin's own brush stroke (annotate mode) shows up in the volumes, recomputed incrementally;
 * - an annotator gets no panel;
 * - a model result saved as a rater at p > 0.1 is evaluated as that saved mask and named with its
 *   threshold; the heat map beside it stays the mean of the human raters (the model joins only when
 *   the reviewer ticks it in), and its Σ equals the panel's V_soft;
 * - the panel starts from the shared defaults (T = 0 ml, uncertain as ½ vote);
 * - on the three-lesion case, clicking a lesion row moves every viewport to the lesion's centroid:
 *   the axial slice readout becomes round(centroid k) + 1.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test, type Page } from '@playwright/test';
import { DEFAULT_UNCERTAIN_AS, DEFAULT_USE_THRESHOLD_ML } from '../src-shared/evaluation/defaults';
import type { InferenceProvenance } from '../src-shared/inference/provenance';
import { signInAs, signOut } from './helpers/annotate';
import { openCaseByName } from './helpers/openCase';
import type { ProjectApi } from './helpers/projectApi';
import { closeSpecServer, openSpecServer } from './helpers/specServer';
import type { RunningServer } from './helpers/startServer';

test.describe.configure({ mode: 'serial' });

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

let server: RunningServer;
let api: ProjectApi;
let page: Page;

test.beforeAll(async ({ browser }) => {
  ({ server, api, page } = await openSpecServer(browser, repoRoot));
});

test.afterAll(async () => {
  await closeSpecServer(page, server);
});

async function panelReady(): Promise<void> {
  await expect(page.getByTestId('metrics-panel')).toHaveAttribute('data-status', 'ready', { timeout: 60_000 });
}

test('empty reference: Dice NaN under USE, 0 under ISLES and MetricsReloaded, TN with T', async () => {
  await signInAs(page, 'Rita Admin');
  await openCaseByName(page, /Cohort 01/);
  await panelReady();
  // The shared defaults, shown in the panel's own controls (the dashboard shows the same).
  await expect(page.getByTestId('metrics-threshold')).toHaveValue(String(DEFAULT_USE_THRESHOLD_ML));
  await expect(page.getByTestId('metrics-uncertain')).toHaveValue(DEFAULT_UNCERTAIN_AS);
  const table = page.getByTestId('metrics-table');
  await expect(table).toHaveAttribute('data-comparison', /^model-majority:majority:/);
  // The cohort's documented make-up: empty reference, one predicted voxel.
  await expect(table).toHaveAttribute('data-ref-empty', 'yes');
  await expect(table).toHaveAttribute('data-pred-empty', 'no');
  const dice = page.getByTestId('metric-dice');
  await expect(table).toHaveAttribute('data-convention', 'use');
  await expect(dice).toHaveAttribute('data-value', 'NaN');
  // T = 0 ml: the empty reference is small, the one-voxel prediction is not: FP.
  await expect(dice).toContainText(/NaN \(reference empty; prediction [0-9.e-]+ ml → FP at 0 ml\)/);
  await expect(dice).toHaveAttribute('title', /2TP\/\(2TP\+FP\+FN\+1e-8\)/);

  await page.getByTestId('metrics-convention').selectOption('isles22');
  await expect(table).toHaveAttribute('data-convention', 'isles22');
  await expect(dice).toHaveAttribute('data-value', '0');
  await expect(dice).toHaveAttribute('title', /One empty: 0/);
  await page.getByTestId('metrics-convention').selectOption('metricsreloaded');
  await expect(dice).toHaveAttribute('data-value', '0');

  // The bias indicator is V_thr − V_exp: here a voxel's worth thresholded against Σp of about 1.4 ml.
  // V_exp is the Σp the generator computed on the model's float map (cohort.json), not Σp of the
  // stored map, whose p × 255 quantisation drops every p < 1/510.
  const cohort = JSON.parse(readFileSync(path.join(repoRoot, 'data-cache', 'demo-cohort', 'cohort.json'), 'utf8')) as {
    cases: { name: string; model: { maskMl: number; expectedMl: number } }[];
  };
  const generated = cohort.cases.find((c) => c.name.startsWith('Cohort 01'))?.model;
  expect(generated?.maskMl, 'the cohort documents one false-positive voxel on the empty case').toBeGreaterThan(0);
  const vThr = Number(await page.getByTestId('volume-thr').getAttribute('data-value'));
  const vExp = Number(await page.getByTestId('volume-exp').getAttribute('data-value'));
  expect(vExp).toBeCloseTo(generated?.expectedMl ?? NaN, 9);
  expect(vThr).toBeCloseTo(generated?.maskMl ?? NaN, 9);
  expect(vExp).toBeGreaterThan(vThr);
  expect(Number(await page.getByTestId('volume-bias').getAttribute('data-value'))).toBeCloseTo(vThr - vExp, 9);

  await page.getByTestId('metrics-convention').selectOption('use');
  const runs = Number(await page.getByTestId('metrics-panel').getAttribute('data-runs'));
  await page.getByTestId('metrics-threshold').fill('0.05');
  await page.getByTestId('metrics-threshold').press('Enter');
  await expect.poll(async () => Number(await page.getByTestId('metrics-panel').getAttribute('data-runs'))).toBeGreaterThan(runs);
  await panelReady();
  await expect(page.getByTestId('metric-image_class')).toHaveAttribute('data-value', 'TN');
  await expect(dice).toContainText('→ TN at 0.05 ml');
});

test('a lesion row centres the viewports on the lesion', async () => {
  await openCaseByName(page, /Cohort 03/);
  await panelReady();
  const rows = page.getByTestId('lesion-row');
  await expect(rows).toHaveCount(3);
  const axial = page.getByTestId('slice-info-axial');
  const before = Number(await axial.getAttribute('data-slice'));
  // A lesion whose centroid lies on another axial slice than the one shown.
  let target = -1;
  let expected = 0;
  for (let n = 0; n < 3; n++) {
    const k = Number(((await rows.nth(n).getAttribute('data-centroid')) ?? '').split(',')[2]);
    if (Math.round(k) + 1 !== before) {
      target = n;
      expected = Math.round(k) + 1;
      break;
    }
  }
  expect(target).toBeGreaterThanOrEqual(0);
  await rows.nth(target).getByTestId('lesion-jump').click();
  await expect(axial).toHaveAttribute('data-slice', String(expected));
});

test('a model result saved at p > 0.1 is the model everywhere; the heat map stays human and agrees with V_soft', async () => {
  const session = await api.signInAs('Rita Admin');
  const listed = await api.call<Array<{ caseId: string; name: string }>>('projectCase.list', { session });
  const c3 = listed.find((c) => /Cohort 03/.test(c.name));
  if (!c3) throw new Error('no Cohort 03');
  type Sources = {
    geometry: { spacingMm: [number, number, number] };
    raters: Array<{ versionId: string | null }>;
    models: Array<{ versionId: string | null; probabilityQ255: Uint8Array | null }>;
  };
  const sources = await api.call<Sources>('evaluation.caseSources', { session, caseId: c3.caseId });
  const model = sources.models.find((m) => m.versionId !== null);
  if (!model?.versionId || !model.probabilityQ255) throw new Error('Cohort 03 has no model result');
  const { provenance } = await api.call<{ provenance: InferenceProvenance }>('inference.readResult', {
    session,
    versionId: model.versionId,
  });
  // The mask a user gets from "Save as rater" at p > 0.1, made here from the stored p = q/255.
  const t = 0.1;
  const q = model.probabilityQ255;
  const mask = q.map((v) => (v / 255 > t ? 1 : 0));
  const voxels = mask.reduce((a, b) => a + b, 0);
  const [sx, sy, sz] = sources.geometry.spacingMm;
  const maskMl = (voxels * sx * sy * sz) / 1000;
  expect(voxels, 'p > 0.1 holds more voxels than p > 0.5 on this case').toBeGreaterThan(0);
  await api.call('inference.saveResult', {
    session,
    caseId: c3.caseId,
    mask,
    // The stored p as Float32, which the server quantises back to the same q.
    probabilities: new Uint8Array(Float32Array.from(q, (v) => v / 255).buffer),
    probabilityVolumes: 1,
    provenance: {
      ...provenance,
      settings: { ...provenance.settings, threshold: t },
      volumes: provenance.volumes?.map((v) => ({ ...v, maskMl })),
    },
  });

  // Reopen the case: the panel and the review layers load the new result.
  await openCaseByName(page, /Cohort 01/);
  await openCaseByName(page, /Cohort 03/);
  await panelReady();
  const named = page.getByTestId('metrics-model-mask');
  await expect(named).toHaveAttribute('data-threshold', String(t));
  await expect(named).toHaveAttribute('data-mask', 'saved');
  await expect(page.getByTestId('metrics-comparison-select').locator('option', { hasText: '(p > 0.1) vs majority' })).toHaveCount(1);
  await expect(page.getByTestId('metrics-comparison-select').locator('option', { hasText: '(p > 0.5)' })).toHaveCount(0);
  await expect(page.getByTestId('volume-thr')).toContainText('p > 0.1');
  expect(Number(await page.getByTestId('volume-thr').getAttribute('data-value'))).toBeCloseTo(maskMl, 9);

  // The heat map: the legend shows the model's layer, but the mean is of the human raters only.
  const humans = sources.raters.filter((r) => r.versionId !== null).length;
  await expect(page.getByTestId('legend-item')).toHaveCount(humans + 1);
  const heat = page.getByTestId('heatmap');
  await expect(heat).toHaveAttribute('data-raters', String(humans));
  await expect(heat).toHaveAttribute('data-models', '0');
  await expect(page.getByTestId('heatmap-label')).toContainText(`mean of ${humans} human raters (uncertain as ½ vote)`);
  const vSoft = Number(await page.getByTestId('volume-soft').getAttribute('data-value'));
  expect(vSoft).toBeGreaterThan(0);
  // Two computations, one number: the heat map's levels in the page, the float32 mean in the worker.
  // The levels are drawn after the layers load, so under load the attribute may still be unset here.
  await expect.poll(async () => Math.abs(Number(await heat.getAttribute('data-soft-ml')) - vSoft)).toBeLessThanOrEqual(1e-6 * vSoft);
  await expect(page.getByTestId('volume-soft')).toContainText(`${humans} human raters`);

  // Only an explicit choice counts the model in, and both views then say so.
  await page.getByTestId('heatmap-include-models').check();
  await expect(heat).toHaveAttribute('data-models', '1');
  await expect(page.getByTestId('heatmap-label')).toContainText(`mean of ${humans} human raters + 1 model`);
  await expect(page.getByTestId('metrics-heat-differs')).toBeVisible();
  expect(Number(await heat.getAttribute('data-soft-ml'))).not.toBeCloseTo(vSoft, 6);
  await page.getByTestId('heatmap-include-models').uncheck();
  await expect(heat).toHaveAttribute('data-models', '0');
  await expect(page.getByTestId('metrics-heat-differs')).toHaveCount(0);
});

test('an edit of the signed-in rater reaches the metrics without a reload', async () => {
  const status = page.getByTestId('annotation-status');
  const signedIn = page.getByTestId('signed-in');
  const mountsBefore = Number(await signedIn.getAttribute('data-layer-mounts'));
  await page.getByTestId('mode-annotate').click();
  // Pick the brush at once, while the own layer is most likely still loading: the binding must
  // follow the layer when it mounts (a not-started rater's status looks the same before and after).
  await page.keyboard.press('d');
  await expect(page.getByTestId('tool-brush')).toHaveClass(/on/);
  await expect.poll(async () => Number(await signedIn.getAttribute('data-layer-mounts'))).toBeGreaterThan(mountsBefore);
  await expect(status).toHaveAttribute('data-status', 'not-started');
  await panelReady();
  const box = await page.getByTestId('viewport-element-axial').boundingBox();
  if (!box) throw new Error('no axial viewport');
  const y = box.y + box.height * 0.35;
  await page.mouse.move(box.x + box.width * 0.3, y);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.45, y, { steps: 12 });
  const released = Date.now();
  await page.mouse.up();
  await expect(status).toHaveAttribute('data-dirty', 'yes');
  // Debounce (300 ms), reading the labelmap and the worker's incremental recompute; the row may
  // appear earlier with a partial stroke (edits are reported while the brush moves). The latency is
  // logged, not asserted: speed is measured in benchmarks, and a loaded 2-core machine once took 5 s.
  const row = page.getByTestId('volume-rater-Rita Admin (editing)');
  await expect
    .poll(async () => Number((await row.getAttribute('data-value', { timeout: 100 }).catch(() => null)) ?? 0), {
      intervals: [50],
    })
    .toBeGreaterThan(0);
  const elapsed = Date.now() - released;
  console.log(`edit → metrics: ${elapsed} ms (${await page.getByTestId('metrics-status').innerText()})`);
  // The admin is compared like any rater: a pair with each of the three raters.
  await expect(page.getByTestId('matrix-cell')).toHaveCount(4 * 5);

  // A second stroke reaches the worker as the slices it changed (patchRater, after the first
  // edit's whole labelmap): the volume grows, with no error (equality with a full evaluation is
  // metricsWorkerCore.test.ts's).
  await panelReady();
  const first = Number(await row.getAttribute('data-value'));
  await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.6);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.45, box.y + box.height * 0.6, { steps: 12 });
  await page.mouse.up();
  await expect.poll(async () => Number(await row.getAttribute('data-value'))).toBeGreaterThan(first);
  await panelReady();
});

test('an annotator gets no metrics panel', async () => {
  await signOut(page);
  await signInAs(page, 'Alan Annotator');
  await expect(page.getByTestId('signed-in')).toContainText('Alan Annotator');
  await expect(page.getByTestId('metrics-panel')).toHaveCount(0);
});
