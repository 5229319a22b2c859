/**
 * "Open a file → first rendered image" (issue 2), in the real renderer in Debian's Chromium against
 * browser mode, as a multiple of a plain read + gunzip + parse of the same file in this process and
 * this run (the floor: any viewer must at least do that). Target: ≤ 2×.
 *
 * Cases: the real 256×256×108 head CT (fetched at set-up from Debian's invesalius-examples) and a
 * generated 512×512×300 int16 CT (bench/syntheticCt.ts makes it on first use), both in data-cache/.
 * The renderer marks the interval itself (User Timing 'quorum:open-to-first-image', from the Open
 * click to Cornerstone's first render of the new volume), so Playwright's own overhead is excluded.
 * WebGL runs on SwiftShader here: the render part is slower than on a real GPU, never faster.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Page } from '@playwright/test';
import { readNifti } from '../src-shared/nifti/index';
import { CHROMIUM_ARGS, CHROMIUM_EXECUTABLE } from '../e2e/helpers/chromium';
import { startServer } from '../e2e/helpers/startServer';
import { ensureSyntheticCt, SYNTHETIC_CT } from './syntheticCt';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const CASES = [
  { name: 'head CT 256×256×108 int16', file: join(root, 'data-cache/ct/cranium.nii.gz') },
  { name: 'synthetic CT 512×512×300 int16', file: SYNTHETIC_CT },
];
const REPEATS = 3;

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};

/** The floor: bytes from disk, inflated and parsed into a typed array with its geometry. */
function plainParseMs(path: string): number {
  const t0 = performance.now();
  const bytes = new Uint8Array(gunzipSync(readFileSync(path)));
  const image = readNifti(bytes);
  if (image.data.length === 0) throw new Error(`${path}: no voxels`);
  return performance.now() - t0;
}

/** One stage of one open: when it started after the Open click, and how long it took (ms). */
interface Stage {
  name: string;
  start: number;
  duration: number;
}

/** The fields read from the page's performance entries (this file compiles without DOM types). */
interface PageEntry {
  name: string;
  startTime: number;
  duration: number;
}
interface PageResourceEntry extends PageEntry {
  responseStart: number;
  responseEnd: number;
  serverTiming: readonly { name: string; duration: number }[];
}
interface PageDocument {
  querySelector(selector: string): { textContent: string | null } | null;
}

interface OpenTiming {
  total: number;
  stages: Stage[];
}

/**
 * Collects the renderer's 'quorum:<stage>' measures and the resource timings (time to first byte,
 * body transfer, and the server's own stages from its Server-Timing header) of the API requests
 * made during one open, then clears the buffers so the next open starts clean.
 */
function collectStages(): OpenTiming {
  const [total] = performance.getEntriesByName('quorum:open-to-first-image');
  const t0 = total.startTime;
  const end = t0 + total.duration;
  const stages: Stage[] = performance
    .getEntriesByType('measure')
    .filter((e) => e.name.startsWith('quorum:') && e.name !== total.name && e.startTime >= t0 - 0.5 && e.startTime <= end)
    .map((e) => ({ name: e.name.slice('quorum:'.length), start: e.startTime - t0, duration: e.duration }));
  for (const e of performance.getEntriesByType('resource') as unknown as PageResourceEntry[]) {
    if (e.startTime < t0 - 0.5 || e.startTime > end) continue;
    const kind = e.name.includes('/api/volume/') ? 'volume' : e.name.includes('/api/case.open') ? 'case.open' : null;
    if (kind === null) continue;
    stages.push({ name: `http ${kind}: request → first byte`, start: e.startTime - t0, duration: e.responseStart - e.startTime });
    stages.push({ name: `http ${kind}: body`, start: e.responseStart - t0, duration: e.responseEnd - e.responseStart });
    for (const st of e.serverTiming) stages.push({ name: `  server ${kind}: ${st.name}`, start: e.startTime - t0, duration: st.duration });
  }
  performance.clearMeasures();
  performance.clearResourceTimings();
  return { total: total.duration, stages };
}

async function openAndMeasure(page: Page, path: string): Promise<OpenTiming> {
  await page.evaluate(() => performance.clearMeasures('quorum:open-to-first-image'));
  await page.getByTestId('open-button').click();
  // The dialog fills the field with its first listing; typing before that lands races with it.
  await page.waitForFunction(
    () =>
      (
        (globalThis as unknown as { document: PageDocument }).document.querySelector('[data-testid="open-path-input"]') as {
          value?: string;
        } | null
      )?.value !== '',
  );
  await page.getByTestId('open-path-input').fill(path);
  await page.getByTestId('open-path-submit').click();
  const handle = await page.waitForFunction(
    () => {
      const banner = (globalThis as unknown as { document: PageDocument }).document.querySelector('[data-testid="error-banner"]');
      if (banner) return `error: ${banner.textContent ?? ''}`;
      return performance.getEntriesByName('quorum:open-to-first-image').length > 0;
    },
    undefined,
    { timeout: 180_000, polling: 100 },
  );
  const value = await handle.jsonValue();
  if (typeof value === 'string') throw new Error(`${path}: ${value}`);
  return page.evaluate(collectStages);
}

/** Median start and duration per stage name, in order of median start. */
function stageTable(runs: readonly OpenTiming[]): string[] {
  const byName = new Map<string, Stage[]>();
  for (const run of runs) for (const st of run.stages) byName.set(st.name, [...(byName.get(st.name) ?? []), st]);
  return [...byName]
    .map(([name, list]) => ({ name, start: median(list.map((x) => x.start)), duration: median(list.map((x) => x.duration)) }))
    .sort((a, b) => a.start - b.start)
    .map((x) => `| ${x.name} | ${x.start.toFixed(0)} | ${x.duration.toFixed(0)} |`);
}

export async function run(): Promise<void> {
  execFileSync('bash', ['scripts/fetch-sample-data.sh'], { cwd: root, stdio: 'inherit' });
  ensureSyntheticCt();
  execFileSync('npm', ['run', '--silent', 'build:web'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  const server = await startServer(root);
  const browser = await chromium.launch({
    executablePath: CHROMIUM_EXECUTABLE,
    args: [...CHROMIUM_ARGS],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 800 } });
    await page.goto(server.url);
    await page.getByTestId('case-item').first().waitFor();
    const rows: string[] = [];
    const breakdowns: string[] = [];
    for (const c of CASES) {
      const path = c.file;
      if (!existsSync(path)) throw new Error(`${c.file} is missing; scripts/fetch-sample-data.sh makes it`);
      plainParseMs(path); // warm the page cache and the JIT for both paths alike
      await openAndMeasure(page, path);
      const floor: number[] = [];
      const runs: OpenTiming[] = [];
      for (let r = 0; r < REPEATS; r++) {
        floor.push(plainParseMs(path));
        runs.push(await openAndMeasure(page, path));
      }
      const app = runs.map((x) => x.total);
      breakdowns.push(
        '',
        `${c.name}: stages of open → first image (median of ${REPEATS}; start = ms after the Open click)`,
        '',
        '| stage | start (ms) | duration (ms) |',
        '|---|---|---|',
        ...stageTable(runs),
      );
      const ratio = median(app) / median(floor);
      rows.push(
        `| ${c.name} | ${median(floor).toFixed(0)} | ${median(app).toFixed(0)} | ${ratio.toFixed(2)}× | ${ratio <= 2 ? 'yes' : 'NO'} |`,
      );
    }
    process.stdout.write(
      [
        '',
        `Open → first rendered image (median of ${REPEATS}), against read + gunzip + parse of the same file in the same run. Target ≤ 2×.`,
        '',
        '| case | gunzip + parse (ms) | open → first image (ms) | ratio | within 2× |',
        '|---|---|---|---|---|',
        ...rows,
        ...breakdowns,
        '',
      ].join('\n'),
    );
  } finally {
    await browser.close();
    await server.stop();
  }
}
