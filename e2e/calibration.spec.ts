/**
 * The Dashboard's Calibration section (issue 17) on the demo project's seeded cohort, with a server
 * of its own (a fresh data folder, so the first identity — the admin — is ours): the fit runs with
 * progress, the fold table covers every reviewed case once, the temperature shown is the one fitted
 * on the cases the API gives (read and fitted here, in the test process), both Bland–Altman plots
 * draw one dot per case, and "Save as a new model version" adds a model that lists without error.
 * A second fit re-runs the demo model on every reviewed case for its float logits (cancelled once
 * mid-run, then to the end), and the saved version's provenance says so.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test, type Page } from '@playwright/test';
import { calibrationCase, fitTemperature, type ReviewedCase } from '../src-shared/calibration';
import { signInAs } from './helpers/annotate';
import type { ProjectApi } from './helpers/projectApi';
import { closeSpecServer, openSpecServer } from './helpers/specServer';
import type { RunningServer } from './helpers/startServer';

test.describe.configure({ mode: 'serial' });

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ADMIN = 'Calibration Admin';

let server: RunningServer;
let api: ProjectApi;
let page: Page;

test.beforeAll(async ({ browser }) => {
  ({ server, api, page } = await openSpecServer(browser, repoRoot));
  await signInAs(page, ADMIN);
});

test.afterAll(async () => {
  await closeSpecServer(page, server);
});

interface Sources {
  name: string;
  geometry: { dims: [number, number, number]; spacingMm: [number, number, number] };
  raters: Array<{ versionId: string | null; labelmap: Uint8Array | null }>;
  models: Array<{ versionId: string | null; probabilityQ255: Uint8Array | null; modelVersion: string | null }>;
}

/** The reviewed cases as the section should read them: a model result and a submitted answer. */
async function reviewedCases(): Promise<{ cases: ReviewedCase[]; modelVersion: string }> {
  const session = await api.signInAs(ADMIN);
  const listed = await api.call<Array<{ caseId: string }>>('projectCase.list', { session });
  const cases: ReviewedCase[] = [];
  let modelVersion = '';
  for (const c of listed) {
    const s = await api.call<Sources>('evaluation.caseSources', { session, caseId: c.caseId });
    const model = s.models.find((m) => m.versionId !== null);
    const raters = s.raters.filter((r) => r.versionId !== null);
    if (!model?.probabilityQ255 || raters.length === 0) continue;
    modelVersion = model.modelVersion ?? '';
    const [x, y, z] = s.geometry.spacingMm;
    cases.push({
      caseId: s.name,
      voxelMl: (x * y * z) / 1000,
      labelmaps: raters.map((r) => r.labelmap),
      quantisedProbability: model.probabilityQ255,
    });
  }
  return { cases, modelVersion };
}

test('fits a temperature on the stored maps cross-validated by case, plots V_exp before and after, and saves a new model version', async () => {
  const { cases, modelVersion } = await reviewedCases();
  expect(cases.length).toBeGreaterThanOrEqual(3);

  await page.getByTestId('workspace-tab-dashboard').click();
  await page.getByTestId('dash-compute-project').click();
  await expect(page.locator('[data-testid="dash-progress-text"][data-state="done"]')).toBeVisible({ timeout: 90_000 });
  await page.getByTestId('calib-method').selectOption('temperature');
  await page.getByTestId('calib-logits').selectOption('stored-probability-map');
  await page.getByTestId('calib-reference').selectOption('majority');
  await page.getByTestId('calib-region').selectOption('model-or-rater');
  await page.getByTestId('calib-folds-count').fill('3');
  await page.getByTestId('calib-fit').click();
  await expect(page.getByTestId('calib-progress')).toBeVisible();
  await expect(page.getByTestId('calib-pooled').first()).toBeVisible({ timeout: 90_000 });

  // Three folds, two rows each (before, after); together they hold out every reviewed case once.
  const folds = page.getByTestId('calib-fold');
  await expect(folds).toHaveCount(6);
  const heldOut = (await page.locator('[data-testid="calib-fold"][data-when="before"] td:nth-child(2)').allInnerTexts()).flatMap((t) =>
    t.split(', '),
  );
  expect([...heldOut].sort()).toEqual(cases.map((c) => c.caseId).sort());

  // The fit on all cases, computed here from the API's data with the default uncertain rule.
  const expected = fitTemperature(cases.map((c) => calibrationCase(c, 'majority', 'model-or-rater', 'background')));
  if (expected.kind !== 'temperature') throw new Error('expected a temperature');
  const shown = await page.getByTestId('calib-pooled').first().locator('td:nth-child(3)').innerText();
  const t = Number(/T = ([\d.e+-]+)/.exec(shown)?.[1]);
  expect(Math.abs(t - expected.temperature)).toBeLessThanOrEqual(0.006 * expected.temperature);

  for (const id of ['calib-ba-before', 'calib-ba-after']) {
    await expect(page.getByTestId(`dash-plot-${id}`).locator('svg .case-dots circle')).toHaveCount(cases.length);
  }

  await page.getByTestId('calib-version').fill(`${modelVersion}-e2e`);
  await page.getByTestId('calib-save').click();
  await expect(page.getByTestId('calib-message')).toContainText('Saved as');
  const models = await api.call<{ models: Array<{ error: string | null; model: { version: string } | null }> }>('models.list', {
    session: await api.signInAs(ADMIN),
  });
  const saved = models.models.find((m) => m.model?.version === `${modelVersion}-e2e`);
  expect(saved?.error).toBeNull();
});

/** The saved version's manifest, read from the user models directory the server lists. */
async function savedManifest(version: string): Promise<{ calibration?: { provenance: { logits: string; cases: string[] } } }> {
  const listed = await api.call<{ userDir: string; models: Array<{ key: string; model: { version: string } | null }> }>('models.list', {
    session: await api.signInAs(ADMIN),
  });
  const entry = listed.models.find((m) => m.model?.version === version);
  if (!entry) throw new Error(`version ${version} is not listed`);
  return JSON.parse(await readFile(path.join(listed.userDir, entry.key.slice('user/'.length), 'model.json'), 'utf8'));
}

test('re-runs the demo model on every reviewed case for its float logits (with progress and cancel), fits on them and records it', async () => {
  test.setTimeout(1_800_000);
  const { cases: all, modelVersion } = await reviewedCases();
  // A re-run is one full inference per case (minutes each in WASM on a loaded machine): three cases,
  // three folds, so each fold fits on two cases and never on the empty-reference case alone.
  const cases = all.slice(0, 3);
  await page.getByTestId('calib-logits').selectOption('model-rerun');
  await page.getByTestId('calib-region').selectOption('whole-image');
  await page.getByTestId('calib-folds-count').fill('3');
  await page.getByTestId('calib-max-cases').fill('3');

  // Cancel stops the re-run between patches and leaves the section ready for another fit.
  await page.getByTestId('calib-fit').click();
  await expect(page.getByTestId('calib-rerun-text')).toContainText(`case 1 / ${cases.length}`, { timeout: 120_000 });
  await page.getByTestId('calib-cancel').click();
  await expect(page.getByTestId('calib-message')).toHaveText('Cancelled.');
  await expect(page.getByTestId('calib-rerun-text')).toHaveCount(0);
  await expect(page.getByTestId('calib-fit')).toBeEnabled();

  await page.getByTestId('calib-fit').click();
  await expect(page.getByTestId('calib-rerun-text')).toContainText(`case ${cases.length} / ${cases.length}`, { timeout: 900_000 });
  await expect(page.getByTestId('calib-pooled').first()).toBeVisible({ timeout: 900_000 });
  await expect(page.getByTestId('calib-message')).toHaveCount(0);
  await expect(page.getByTestId('calib-logits-used')).toHaveText("the model's float logits (re-run)");
  const heldOut = (await page.locator('[data-testid="calib-fold"][data-when="before"] td:nth-child(2)').allInnerTexts()).flatMap((t) =>
    t.split(', '),
  );
  expect([...heldOut].sort()).toEqual(cases.map((c) => c.caseId).sort());

  // Float logits reach beyond the stored maps' ±6.2, so the fit differs from the stored maps' over the same voxels.
  const stored = fitTemperature(cases.map((c) => calibrationCase(c, 'majority', 'whole-image', 'background')));
  if (stored.kind !== 'temperature') throw new Error('expected a temperature');
  const shown = await page.getByTestId('calib-pooled').first().locator('td:nth-child(3)').innerText();
  const t = Number(/T = ([\d.e+-]+)/.exec(shown)?.[1]);
  expect(t).toBeGreaterThan(0);
  expect(Math.abs(t - stored.temperature)).toBeGreaterThan(0.01 * stored.temperature);

  await page.getByTestId('calib-version').fill(`${modelVersion}-rerun`);
  await page.getByTestId('calib-save').click();
  await expect(page.getByTestId('calib-message')).toContainText('Saved as');
  const manifest = await savedManifest(`${modelVersion}-rerun`);
  expect(manifest.calibration?.provenance.logits).toBe('model-rerun');
  expect([...(manifest.calibration?.provenance.cases ?? [])].sort()).toEqual(cases.map((c) => c.caseId).sort());
});
