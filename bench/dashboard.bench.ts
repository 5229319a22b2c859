/**
 * Dataset dashboard under load (issue 7): the seeded synthetic cohort of 100 cases of 128×128×64
 * (three raters + a model probability map each, analytic balls) computed by the metrics worker
 * pool in the real renderer (Debian's Chromium, browser mode), while this bench types into the
 * dashboard's filter box and measures keyboard-to-next-frame latency in the page (keydown's
 * timeStamp → the first task after the next animation frame).
 *
 * Baselines from the same run: the same latency with the app idle, and the time one case's
 * evaluation takes in this process (evaluateCase, Node) — what a keystroke would wait if the
 * computation ran on the UI thread. Target: p95 latency during the run ≤ 100 ms (a response the
 * user perceives as immediate) and ≤ 2× idle + 50 ms. Needs `npm run build:web` first.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Page } from '@playwright/test';
import { evaluateCase } from '../src-shared/evaluation/caseEvaluation';
import { syntheticCaseInput, syntheticCohort } from '../src-shared/evaluation/datasetSynthetic';
import { DEFAULT_UNCERTAIN_AS, DEFAULT_USE_THRESHOLD_ML } from '../src-shared/evaluation/defaults';
import { CONVENTIONS } from '../src-shared/metrics/conventions/types';
import { CHROMIUM_ARGS, CHROMIUM_EXECUTABLE } from '../e2e/helpers/chromium';
import { startServer } from '../e2e/helpers/startServer';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const CASES = 100;
const SEED = 7;
const KEY_GAP_MS = 80;

function quantile(xs: readonly number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s[Math.min(s.length - 1, Math.floor(q * s.length))];
}

/** One case's evaluation in this process: what the UI thread would stall for per case without the pool. */
function blockingPerCaseMs(n: number): number[] {
  const specs = syntheticCohort({ cases: n, seed: SEED });
  return specs.map((spec) => {
    const input = syntheticCaseInput(spec);
    const t0 = performance.now();
    evaluateCase(input, { conventions: [...CONVENTIONS], useThresholdMl: DEFAULT_USE_THRESHOLD_ML, uncertainAs: DEFAULT_UNCERTAIN_AS });
    return performance.now() - t0;
  });
}

interface LatencyWindow {
  __lat: number[];
}

async function installLatencyProbe(page: Page): Promise<void> {
  await page.getByTestId('dash-filter').evaluate((el) => {
    const w = globalThis as unknown as LatencyWindow & { requestAnimationFrame(cb: () => void): void };
    w.__lat = [];
    (el as unknown as { addEventListener(t: string, f: (e: { timeStamp: number }) => void): void }).addEventListener('keydown', (e) => {
      const t0 = e.timeStamp;
      w.requestAnimationFrame(() => setTimeout(() => w.__lat.push(performance.now() - t0), 0));
    });
  });
}

async function takeLatencies(page: Page): Promise<number[]> {
  return page.evaluate(() => {
    const w = globalThis as unknown as LatencyWindow;
    const out = w.__lat;
    w.__lat = [];
    return out;
  });
}

/** Types x / Backspace pairs into the filter box until `until()` is true (or `max` keys). */
async function typeWhile(page: Page, until: () => Promise<boolean>, max: number): Promise<number> {
  const box = page.getByTestId('dash-filter');
  let n = 0;
  while (n < max && !(await until())) {
    await box.press(n % 2 === 0 ? 'x' : 'Backspace');
    n++;
    await page.waitForTimeout(KEY_GAP_MS);
  }
  if (n % 2 === 1) await box.press('Backspace');
  return n;
}

export async function run(): Promise<void> {
  if (!existsSync(join(root, 'out/renderer/index.html')))
    throw new Error('dashboard bench: run `npm run build:web` first (out/renderer is missing)');
  const blocking = blockingPerCaseMs(10);
  const server = await startServer(root);
  const browser = await chromium.launch({ executablePath: CHROMIUM_EXECUTABLE, args: [...CHROMIUM_ARGS] });
  let closing = false;
  try {
    browser.on('disconnected', () => closing || process.stderr.write('dashboard bench: the browser disconnected\n'));
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.on('crash', () => process.stderr.write('dashboard bench: the page crashed\n'));
    page.on('pageerror', (e) => process.stderr.write(`dashboard bench: page error ${e.message}\n`));
    await page.goto(server.url);
    await page.getByTestId('case-item').first().waitFor();
    await page.getByTestId('workspace-tab-dashboard').click();
    // A small warm-up run: workers started, and the table (with the filter box typed into) exists.
    const done = page.locator('[data-testid="dash-progress-text"][data-state="done"]');
    await page.getByTestId('dash-synthetic-count').fill('10');
    await page.getByTestId('dash-compute-synthetic').click();
    await done.waitFor({ timeout: 300_000 });
    await installLatencyProbe(page);
    const cores = await page.evaluate(
      () => (globalThis as unknown as { navigator: { hardwareConcurrency: number } }).navigator.hardwareConcurrency,
    );

    await typeWhile(page, async () => false, 30);
    await page.waitForTimeout(300);
    const idle = await takeLatencies(page);

    await page.getByTestId('dash-synthetic-count').fill(String(CASES));
    const progressSeen = new Set<string>();
    const t0 = Date.now();
    await page.getByTestId('dash-compute-synthetic').click();
    const keys = await typeWhile(
      page,
      async () => {
        const text = await page.getByTestId('dash-progress-text').textContent();
        if (text) progressSeen.add(text.replace(/\s*\(.*$/, ''));
        return (await done.count()) > 0;
      },
      10_000,
    );
    await done.waitFor({ timeout: 600_000 });
    const wallMs = Date.now() - t0;
    await page.waitForTimeout(300);
    const during = await takeLatencies(page);
    const summaryMs = await page.getByTestId('dash-progress-text').textContent();
    // Idle again, now with 100 rows, the summary and the plots on the page.
    await typeWhile(page, async () => false, 30);
    await page.waitForTimeout(300);
    const idleAfter = await takeLatencies(page);

    const row = (name: string, xs: readonly number[]) =>
      `| ${name} | ${xs.length} | ${quantile(xs, 0.5).toFixed(0)} | ${quantile(xs, 0.95).toFixed(0)} | ${Math.max(...xs).toFixed(0)} |`;
    const p95During = quantile(during, 0.95);
    const p95Idle = Math.max(quantile(idle, 0.95), quantile(idleAfter, 0.95));
    process.stdout.write(
      [
        '',
        `Synthetic cohort: ${CASES} cases of 128×128×64 (3 raters + model), seed ${SEED}; all three conventions per case. Chromium reports ${cores} cores; pool of ${Math.max(1, Math.min(4, cores - 1))} worker(s).`,
        '',
        '| keyboard → next frame (ms) | keys | p50 | p95 | max |',
        '|---|---|---|---|---|',
        row('idle, 10-case table (baseline)', idle),
        row(`while the pool computes ${CASES} cases`, during),
        row(`idle, ${CASES}-case table, summary and plots`, idleAfter),
        '',
        `Baseline, one case's evaluation in the bench process (what a key would wait for on the UI thread): median ${quantile(blocking, 0.5).toFixed(0)} ms, max ${Math.max(...blocking).toFixed(0)} ms (10 cases).`,
        `Run: ${summaryMs} (wall ${(wallMs / 1000).toFixed(1)} s, ${(CASES / (wallMs / 1000)).toFixed(1)} cases/s); ${keys} keys typed; ${progressSeen.size} distinct progress readings seen.`,
        `p95 during / p95 idle = ${(p95During / p95Idle).toFixed(2)}×; p95 during / one case on the UI thread = ${(p95During / quantile(blocking, 0.5)).toFixed(2)}×.`,
        `Target p95 during ≤ 100 ms and ≤ 2× idle + 50 ms: ${p95During <= 100 && p95During <= 2 * p95Idle + 50 ? 'met' : 'NOT met'}.`,
        '',
      ].join('\n'),
    );
  } finally {
    closing = true;
    await browser.close();
    await server.stop();
  }
}
