/**
 * The demo evaluation cohort in the UI, with a server of its own (a fresh data folder, so the
 * project is seeded on open and its first person is ours):
 * - the sidebar lists the six cohort cases after the demo's own;
 * - the sign-in picker lists the three synthetic raters as annotators, and the first person who
 *   signs up is still the admin;
 * - in review mode the admin sees the three raters and the model rater on a multi-lesion case, each
 *   with the voxel count the generator wrote (data-cache/demo-cohort/cohort.json), and the explicit
 *   "no lesion" answers on the empty-reference case;
 * - a synthetic rater signed in sees only their own work.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test, type Page } from '@playwright/test';
import { parseCohortManifest, type CohortManifest } from '../src-main/services/project/demoCohortManifest';
import { signInAs, signOut } from './helpers/annotate';
import { openCaseByName } from './helpers/openCase';
import { closeSpecServer, openSpecServer } from './helpers/specServer';
import type { RunningServer } from './helpers/startServer';

test.describe.configure({ mode: 'serial' });

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cohortFile = path.join(repoRoot, 'data-cache', 'demo-cohort', 'cohort.json');
const MODEL_RATER = /Demo DWI lesion model .*\(model\)/;

let server: RunningServer;
let page: Page;
let cohort: CohortManifest;

test.beforeAll(async ({ browser }) => {
  cohort = parseCohortManifest(readFileSync(cohortFile, 'utf8'), cohortFile);
  ({ server, page } = await openSpecServer(browser, repoRoot));
});

test.afterAll(async () => {
  await closeSpecServer(page, server);
});

async function openCohortCase(kind: CohortManifest['cases'][number]['kind']): Promise<CohortManifest['cases'][number]> {
  const c = cohort.cases.find((x) => x.kind === kind);
  if (!c) throw new Error(`no ${kind} case in the cohort`);
  await openCaseByName(page, c.name);
  return c;
}

test('the sidebar lists the cohort cases after the demo cases, and the picker its synthetic raters', async () => {
  const names = await page.getByTestId('case-item').locator('.case-name').allInnerTexts();
  const cohortNames = cohort.cases.map((c) => c.name);
  expect(names.slice(-cohortNames.length)).toEqual(cohortNames);
  // The demo's own DWI stays first, so specs that open "the DWI" by name still get it.
  expect(names[0]).toMatch(/DWI/);
  for (const r of cohort.raters) {
    const item = page.locator(`[data-testid="identity-item"][data-name="${r.name}"]`);
    // Names only before sign-in (issue 18): the picker tells nobody who is an admin.
    await expect(item).toHaveText(r.name);
  }
});

test('the first person to sign up is the admin, and reviews the raters and the model on a multi-lesion case', async () => {
  await signInAs(page, 'Erin Evaluator');
  await expect(page.getByTestId('signed-in')).toHaveAttribute('data-role', 'admin');
  const c = await openCohortCase('multi');
  await expect(page.getByTestId('review-panel')).toBeVisible();
  for (const r of c.raters) {
    const item = page.locator(`[data-testid="legend-item"][data-name="${r.rater}"]`);
    await expect(item).toHaveAttribute('data-status', 'submitted');
    // Lesion + uncertain voxels, as the generator counted them.
    await expect(item).toHaveAttribute('data-voxels', String(Math.round((r.lesionMl + r.uncertainMl) / cohort.voxelMl)));
  }
  const model = page.getByTestId('legend-item').filter({ hasText: MODEL_RATER });
  await expect(model).toHaveCount(1);
  await expect(model).toHaveAttribute('data-status', 'submitted');
  await expect(model).toHaveAttribute('data-voxels', String(Math.round((c.model?.maskMl ?? NaN) / cohort.voxelMl)));
});

test('on the empty-reference case every synthetic rater answered "no lesion"', async () => {
  const c = await openCohortCase('empty');
  for (const r of c.raters) {
    await expect(page.locator(`[data-testid="legend-item"][data-name="${r.rater}"]`)).toHaveAttribute('data-status', 'no-lesion');
  }
  await expect(page.getByTestId('legend-item').filter({ hasText: MODEL_RATER })).toHaveAttribute('data-status', 'submitted');
  await signOut(page);
});

test('a synthetic rater sees only their own submitted work', async () => {
  const anna = cohort.raters[0].name;
  await signInAs(page, anna);
  await expect(page.getByTestId('signed-in')).toHaveAttribute('data-role', 'annotator');
  await openCohortCase('multi');
  await expect(page.getByTestId('annotation-status')).toHaveAttribute('data-status', 'submitted');
  await expect(page.getByTestId('review-panel')).toHaveCount(0);
  await signOut(page);
});
