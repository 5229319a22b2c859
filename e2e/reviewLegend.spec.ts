/**
 * What a reviewer reads off the review panel, on the demo DWI with a server of its own (issue 11):
 * - a rater's colour belongs to the rater: it stays when another rater, created later but sorting
 *   first by name (as the model's rater "Demo …" does), submits on the same case (item 3);
 * - the soft reference and the disagreement map each have a colour bar with their unit and range,
 *   which follows the measure chosen and goes with the map (item 5).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test, type Page } from '@playwright/test';
import { signInAs, signOut, submitRectangle } from './helpers/annotate';
import type { Region } from './helpers/colouredPixels';
import { openCaseByName } from './helpers/openCase';
import { closeSpecServer, openSpecServer } from './helpers/specServer';
import type { RunningServer } from './helpers/startServer';

test.describe.configure({ mode: 'serial' });

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const REVIEWER = 'Rita Reviewer';
const LATE_NAME = 'Zoe Zed';
const EARLY_NAME = 'Aaron Early';

let server: RunningServer;
let page: Page;

test.beforeAll(async ({ browser }) => {
  ({ server, page } = await openSpecServer(browser, repoRoot));
  // The first identity is the project's admin, who reviews.
  // Opening a case needs a session; the case stays open for the raters who sign in after.
  await signInAs(page, REVIEWER);
  await openCaseByName(page, /dwi|diffusion/i);
  await signOut(page);
});

test.afterAll(async () => {
  await closeSpecServer(page, server);
});

/** Signs in as `name` (created if new), fills a rectangle on the axial slice with the scissors, submits and signs out. */
async function submitRectangleAs(name: string, region: Region): Promise<void> {
  await signInAs(page, name);
  await submitRectangle(page, region);
  await signOut(page);
}

/** The legend swatch's colour as the page renders it. */
async function swatchColour(name: string): Promise<string> {
  return page.locator(`[data-testid="legend-item"][data-name="${name}"] .swatch`).evaluate((el) => getComputedStyle(el).backgroundColor);
}

test('a rater keeps their colour when a rater created after them, but first by name, submits too', async () => {
  await submitRectangleAs(LATE_NAME, { x0: 0.3, y0: 0.3, x1: 0.45, y1: 0.42 });
  await signInAs(page, REVIEWER);
  await expect(page.getByTestId('legend-item')).toHaveCount(1);
  const alone = await swatchColour(LATE_NAME);
  await signOut(page);

  await submitRectangleAs(EARLY_NAME, { x0: 0.35, y0: 0.33, x1: 0.5, y1: 0.45 });
  await signInAs(page, REVIEWER);
  await expect(page.getByTestId('legend-item')).toHaveCount(2);
  // The legend lists by name, so the newcomer comes first; the colours do not move with it.
  await expect(page.getByTestId('legend-item').first()).toHaveAttribute('data-name', EARLY_NAME);
  expect(await swatchColour(LATE_NAME)).toBe(alone);
  expect(await swatchColour(EARLY_NAME)).not.toBe(alone);
});

test('the soft reference and the disagreement map have colour bars with unit and range', async () => {
  const heatBar = page.locator('[data-testid="colour-bar"][data-map="heat"]');
  // Two raters: mean votes from 0 to 1, drawn from the lower threshold up.
  await expect(heatBar).toBeVisible();
  await expect(heatBar).toHaveAttribute('data-max', '1');
  await expect(heatBar).toContainText('mean of 2 human raters');
  const threshold = Number(await page.getByTestId('heatmap-threshold').inputValue());
  await expect(heatBar.getByTestId('colour-bar-not-drawn')).toHaveText(`< ${threshold} not drawn`);

  const disagreementBars = page.locator('[data-testid="colour-bar"][data-map^="disagreement"]');
  await expect(disagreementBars).toHaveCount(0);
  await page.getByTestId('disagreement-visible').check();
  // Entropy of the labels two raters give: at most log2(2) = 1 bit.
  const entropyBar = page.locator('[data-testid="colour-bar"][data-map="disagreement-entropy"]');
  await expect(entropyBar).toBeVisible();
  await expect(entropyBar).toHaveAttribute('data-max', String(Math.log2(2)));
  await expect(entropyBar).toHaveAttribute('data-unit', 'bits');
  await expect(entropyBar).toContainText('(bits)');
  // Variance of 0/1 votes: at most ¼ (half the raters each way), no unit.
  await page.getByTestId('disagreement-measure').selectOption('variance');
  const varianceBar = page.locator('[data-testid="colour-bar"][data-map="disagreement-variance"]');
  await expect(varianceBar).toBeVisible();
  await expect(varianceBar).toHaveAttribute('data-max', String(0.5 * 0.5));
  await expect(varianceBar).toHaveAttribute('data-unit', '');
  await expect(varianceBar).toContainText('0.25');
  await expect(disagreementBars).toHaveCount(1);

  // A hidden map takes its bar with it.
  await page.getByTestId('disagreement-visible').uncheck();
  await expect(disagreementBars).toHaveCount(0);
  await page.getByTestId('heatmap-visible').uncheck();
  await expect(page.getByTestId('colour-bar')).toHaveCount(0);
});
