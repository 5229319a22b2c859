/**
 * e2e tests of the real UI in Debian's Chromium against browser mode. `npm run test:e2e` builds the
 * renderer first; the global setup only starts the browser-mode server (e2e/globalSetup.ts).
 * WebGL runs on SwiftShader here, so everything is serial (workers: 1) and kept lean.
 */
import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_EXECUTABLE } from './e2e/helpers/chromium';

export default defineConfig({
  testDir: './e2e',
  testMatch: '**/*.spec.ts',
  // The README screenshot is a generator, not a test: only run when asked (QUORUM_SCREENSHOT=1).
  testIgnore: process.env.QUORUM_SCREENSHOT ? [] : ['**/readmeScreenshot.spec.ts'],
  globalSetup: './e2e/globalSetup.ts',
  workers: 1,
  fullyParallel: false,
  timeout: 120_000,
  expect: { timeout: 30_000 },
  retries: 0,
  // The JSON report is what scripts/summarise-tests.mjs counts for the one-line summary.
  reporter: [['list'], ['json', { outputFile: 'test-results/playwright.json' }]],
  // Not test-results/ itself: Playwright empties its outputDir on start, and Vitest's JSON report
  // (test-results/vitest.json, written earlier in the same run) must survive.
  outputDir: 'test-results/playwright-artifacts',
  use: {
    headless: true,
    viewport: { width: 1400, height: 800 },
    launchOptions: {
      executablePath: CHROMIUM_EXECUTABLE,
      args: [...CHROMIUM_ARGS],
    },
    trace: 'off',
    screenshot: 'only-on-failure',
  },
});
