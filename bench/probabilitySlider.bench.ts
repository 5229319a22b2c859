/**
 * The threshold slider's frame time with the model's probability map shown (issue 15; target: p95
 * under 50 ms on the demo DWI), in the real renderer in Debian's Chromium against browser mode, as
 * openToImage.bench.ts drives it.
 *
 * Set-up as a reviewer does it: the project's first identity signs in, opens the demo DWI and runs
 * the demo model (native CPU on the server: SwiftShader is no real WebGPU adapter), so the map and
 * the thresholded region are on screen. Then the slider is moved one step at a time over its whole
 * range and back (0.5 → 0.05 → 0.95 → 0.5, steps of 0.05), each step as the browser delivers a drag:
 * an `input` event on the range element. Measured in the page, per step: from just before the event
 * to the next animation frame callback queued after it, which runs after Cornerstone's own render
 * callback of that frame (both go through requestAnimationFrame, in order), so the interval holds
 * the handler, React's commit and the viewer's redraw; the main-thread part alone (handler and
 * React's commit) is reported beside it, and the frame time of the same page with no input as the
 * floor. WebGL runs on SwiftShader here: the render part is slower than on a real GPU, never faster.
 * Results: src-shared/volume/README.md#probability-maps.
 */
import { execFileSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_EXECUTABLE } from '../e2e/helpers/chromium';
import { openCaseByName } from '../e2e/helpers/openCase';
import { projectApi } from '../e2e/helpers/projectApi';
import { startServer } from '../e2e/helpers/startServer';
import { waitForVolume } from '../e2e/helpers/waitForVolume';
import { testSecretOf } from '../src-main/services/project/signIn.testSupport';
import { signInAs } from './annotationMemory.bench';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const TARGET_P95_MS = 50;
const REVIEWER = 'Reviewer';

/** Slider values visited, in order: down to the minimum, up to the maximum, back to the start. */
function sweep(): number[] {
  const steps: number[] = [];
  for (let k = 9; k >= 1; k--) steps.push(k / 20);
  for (let k = 2; k <= 19; k++) steps.push(k / 20);
  for (let k = 18; k >= 10; k--) steps.push(k / 20);
  return steps;
}

const quantile = (xs: readonly number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)];
};

/**
 * Runs in the page (a string, so this Node-typed file needs no DOM types): per value, sets the range
 * input's value the way a drag does (React reads the native value on `input`) and returns
 * [main-thread ms, frame ms]: the handler with React's commit (until the microtasks after the
 * event ran), and the time to the next animation frame after it. With `idle`, no event is sent:
 * the frame time of an unchanged page, the floor under load.
 */
const STEP_IN_PAGE = `async ([values, idle]) => {
  const input = document.querySelector('[data-testid="inference-threshold"]');
  const setValue = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set;
  const frame = () => new Promise((resolve) => requestAnimationFrame(() => resolve(performance.now())));
  const out = [];
  for (const v of values) {
    await frame();
    await frame();
    const t0 = performance.now();
    if (!idle) {
      setValue.call(input, String(v));
      input.dispatchEvent(new Event('input', { bubbles: true }));
    }
    await null;
    const handled = performance.now() - t0;
    out.push([handled, (await frame()) - t0]);
  }
  return out;
}`;

type Steps = Array<[number, number]>;

export async function run(): Promise<void> {
  execFileSync('npm', ['run', '--silent', 'build:web'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  const server = await startServer(root, { timeoutMs: 120_000 });
  const browser = await chromium.launch({ executablePath: CHROMIUM_EXECUTABLE, args: [...CHROMIUM_ARGS] });
  try {
    const api = projectApi(server.url);
    await api.call('project.open', {});
    await api.call('rater.create', { name: REVIEWER, secret: testSecretOf(REVIEWER) });
    const page = await browser.newPage({ viewport: { width: 1400, height: 800 } });
    await page.goto(server.url);
    await page.getByTestId('case-item').first().waitFor();
    await signInAs(page, REVIEWER);
    await openCaseByName(page, /dwi|diffusion/i);
    await waitForVolume(page);
    await page.getByTestId('model-select').locator('option', { hasText: 'Demo DWI lesion model' }).waitFor({ state: 'attached' });
    const t0 = performance.now();
    await page.getByTestId('inference-run').click();
    await page.getByTestId('inference-result').waitFor({ timeout: 600_000 });
    const runS = (performance.now() - t0) / 1000;
    const ep = await page.getByTestId('inference-ep').getAttribute('data-ep');
    await page.waitForTimeout(1000);

    const values = sweep();
    const measure = async (idle: boolean): Promise<Steps> =>
      (await page.evaluate(`(${STEP_IN_PAGE})([${JSON.stringify(values)}, ${idle}])`)) as Steps;
    // A warm-up sweep (first-use shader compiles and JIT), then the measured one.
    await measure(false);
    const idle = await measure(true);
    const steps = await measure(false);
    const shown = await page.getByTestId('inference-volumes').getAttribute('data-threshold');
    if (Number(shown) !== values[values.length - 1])
      throw new Error(`the panel shows threshold ${shown} after the sweep, expected ${values[values.length - 1]}`);
    const row = (label: string, xs: number[]) =>
      `| ${label} | ${quantile(xs, 0.5).toFixed(1)} | ${quantile(xs, 0.95).toFixed(1)} | ${Math.max(...xs).toFixed(1)} |`;
    const frames = steps.map(([, f]) => f);
    const p95 = quantile(frames, 0.95);
    process.stdout.write(
      [
        '',
        `Threshold slider on the demo DWI with the model's probability map shown (model run on ${ep} in ${runS.toFixed(0)} s; load average ${loadavg()[0].toFixed(1)}). ${values.length} steps of 0.05 over 0.05–0.95.`,
        '',
        '| per step (ms) | p50 | p95 | max |',
        '|---|---|---|---|',
        row(
          'main-thread work (handler + React commit)',
          steps.map(([h]) => h),
        ),
        row('input → next rendered frame', frames),
        row(
          'frame with no input (floor)',
          idle.map(([, f]) => f),
        ),
        '',
        `Frame p95 ${p95.toFixed(1)} ms against the ${TARGET_P95_MS} ms target: ${p95 < TARGET_P95_MS ? 'met' : 'NOT met'}.`,
        '',
      ].join('\n'),
    );
  } finally {
    await browser.close();
    await server.stop();
  }
}
