/**
 * e2e tests of the real UI in Debian's Chromium against browser mode. `npm run test:e2e` builds the
 * renderer first; the global setup only starts the browser-mode server (e2e/globalSetup.ts).
 * WebGL runs on SwiftShader here, so everything is serial (workers: 1) and kept lean.
 */
import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: './e2e',
  testMatch: '**/*.spec.ts',
  globalSetup: './e2e/globalSetup.ts',
  workers: 1,
  fullyParallel: false,
  timeout: 120_000,
  expect: { timeout: 30_000 },
  retries: 0,
  reporter: [['list']],
  outputDir: 'test-results',
  use: {
    headless: true,
    viewport: { width: 1400, height: 800 },
    launchOptions: {
      executablePath: process.env.QUORUM_CHROMIUM ?? '/usr/lib/chromium/chromium',
      args: [
        '--no-sandbox',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
    trace: 'off',
    screenshot: 'only-on-failure',
  },
});
