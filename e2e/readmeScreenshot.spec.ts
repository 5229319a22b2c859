/**
 * Saves the README's screenshots:
 * - docs/screenshot.png: the demo DWI in the viewer, cursor readout showing;
 * - docs/review.png: a reviewer on the demo cohort's three-lesion case, with every rater's layer,
 *   the model's, and the metrics panel;
 * - docs/dashboard.png: the dataset dashboard's plots for the demo project's cases.
 * Left out of normal runs by playwright.config.ts; regenerate with
 *   QUORUM_SCREENSHOT=1 npx playwright test e2e/readmeScreenshot.spec.ts
 * (after `npm run build:web`).
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import { signInAs } from './helpers/annotate';
import { openAppSignedIn } from './helpers/openApp';
import { openCaseByName } from './helpers/openCase';
import { hoverAndRead } from './helpers/readCursor';
import { closeSpecServer, openSpecServer } from './helpers/specServer';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const docs = path.join(repoRoot, 'docs');

test('README screenshot of the demo DWI', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 640 });
  await openAppSignedIn(page);
  await openCaseByName(page, /dwi|diffusion/i);
  await hoverAndRead(page, 'axial', 0.45, 0.42);
  mkdirSync(docs, { recursive: true });
  await page.screenshot({ path: path.join(docs, 'screenshot.png') });
});

test('README screenshots of the review with metrics and of the dashboard', async ({ browser }) => {
  test.setTimeout(180_000);
  // A server of its own, so the first identity (the admin, who reviews) is ours.
  const { server, page } = await openSpecServer(browser, repoRoot);
  try {
    await page.setViewportSize({ width: 1440, height: 800 });
    await signInAs(page, 'Dr. Admin');
    await openCaseByName(page, /Cohort 03/);
    await expect(page.getByTestId('metrics-panel')).toHaveAttribute('data-status', 'ready', { timeout: 60_000 });
    mkdirSync(docs, { recursive: true });
    await page.screenshot({ path: path.join(docs, 'review.png') });

    await page.getByTestId('workspace-tab-dashboard').click();
    await page.getByTestId('dash-compute-project').click();
    await expect(page.locator('[data-testid="dash-progress-text"][data-state="done"]')).toBeVisible({ timeout: 120_000 });
    // The plots live in a scrolled workspace under the tabs: make the window tall enough to hold
    // them, scroll them to the top and clip the page there (an element shot would catch the tabs).
    await page.setViewportSize({ width: 1440, height: 1800 });
    const plots = page.getByTestId('dash-plots');
    await plots.evaluate((el) => el.scrollIntoView({ block: 'start' }));
    const box = await plots.boundingBox();
    if (!box) throw new Error('the dashboard has no plots');
    await page.screenshot({
      path: path.join(docs, 'dashboard.png'),
      clip: { x: box.x, y: box.y, width: box.width, height: Math.min(box.height, 1800 - box.y) },
    });
  } finally {
    await closeSpecServer(page, server);
  }
});
