/**
 * Saves docs/screenshot.png for the README: the demo DWI in the viewer, cursor readout showing.
 * Left out of normal runs by playwright.config.ts; regenerate with
 *   QUORUM_SCREENSHOT=1 npx playwright test e2e/readmeScreenshot.spec.ts
 * (after `npm run build:web`).
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from '@playwright/test';
import { openApp } from './helpers/openApp';
import { openCaseByName } from './helpers/openCase';
import { hoverAndRead } from './helpers/readCursor';
import { waitForVolume } from './helpers/waitForVolume';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

test('README screenshot of the demo DWI', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 640 });
  await openApp(page);
  await openCaseByName(page, /dwi|diffusion/i);
  await waitForVolume(page);
  await hoverAndRead(page, 'axial', 0.45, 0.42);
  mkdirSync(path.join(repoRoot, 'docs'), { recursive: true });
  await page.screenshot({ path: path.join(repoRoot, 'docs', 'screenshot.png') });
});
