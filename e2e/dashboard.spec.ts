/**
 * The dataset dashboard (issue 7), with a server of its own (a fresh data folder, so the first
 * identity — the admin — is ours) on the demo project and its seeded cohort:
 * - computing lists every project case, with progress; the empty-reference cohort case shows Dice
 *   NaN under USE-Evaluator and, under ISLES'22, 0 (model predicts something) or 1 (nothing), as
 *   metric-conventions.md prescribes;
 * - the exported per-case CSV equals the `evaluate` CLI's output for the same case, run in this
 *   test on the same sources (the rater's submitted mask and the model's saved mask, written to
 *   NIfTI from evaluation.caseSources);
 * - clicking a row opens the case in the viewer;
 * - the controls show the shared defaults (T, uncertain rule) and the columns the panel's metric names;
 * - the plots of a fixed synthetic cohort match a committed screenshot (volume ticks in plain ml), and their SVG agrees with
 *   the table; keyboard-to-frame latency while the pool runs is measured and bounded loosely.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test, type Page } from '@playwright/test';
import { DEFAULT_UNCERTAIN_AS, DEFAULT_USE_THRESHOLD_ML } from '../src-shared/evaluation/defaults';
import { writeNifti } from '../src-shared/nifti/write';
import type { Direction } from '../src-shared/volume/types';
import { signInAs } from './helpers/annotate';
import { parseExport } from './helpers/exportCsv';
import type { ProjectApi } from './helpers/projectApi';
import { closeSpecServer, openSpecServer } from './helpers/specServer';
import type { RunningServer } from './helpers/startServer';

test.describe.configure({ mode: 'serial' });

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ADMIN = 'Dashboard Admin';

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

function leaves(v: unknown, prefix: string, out: Map<string, number>): void {
  if (typeof v === 'number') out.set(prefix, v);
  else if (v === 'NaN') out.set(prefix, NaN);
  else if (v !== null && typeof v === 'object' && !Array.isArray(v))
    for (const [k, x] of Object.entries(v)) leaves(x, prefix ? `${prefix}.${k}` : k, out);
}

async function computeProject(): Promise<void> {
  await page.getByTestId('workspace-tab-dashboard').click();
  await page.getByTestId('dash-compute-project').click();
  await expect(page.getByTestId('dash-progress')).toBeVisible();
  await expect(page.locator('[data-testid="dash-progress-text"][data-state="done"]')).toBeVisible({ timeout: 90_000 });
}

function cell(name: RegExp, key: string) {
  return page
    .locator('[data-testid="dash-case-row"]')
    .filter({ has: page.locator('td').first().filter({ hasText: name }) })
    .locator(`td[data-key="${key}"]`);
}

test("lists the demo cohort with progress; Dice on the empty-reference case is NaN under USE and follows ISLES'22 otherwise", async () => {
  await computeProject();
  const listed = await api.call<Array<{ caseId: string; name: string }>>('projectCase.list', { session: await api.signInAs(ADMIN) });
  const rows = page.getByTestId('dash-case-row');
  await expect(rows).toHaveCount(listed.length);
  const progress = page.getByTestId('dash-progress');
  await expect(progress).toHaveAttribute('value', String(listed.length));
  await expect(progress).toHaveAttribute('max', String(listed.length));
  const cohort = listed.filter((c) => /^Cohort/.test(c.name));
  expect(cohort.length).toBeGreaterThanOrEqual(4);
  for (const c of cohort) await expect(rows.filter({ hasText: c.name }).first()).toHaveAttribute('data-status', 'done');
  // The defaults the per-case panel starts from too, shown here; columns named as the panel names them.
  await expect(page.getByTestId('dash-threshold')).toHaveValue(String(DEFAULT_USE_THRESHOLD_ML));
  await expect(page.getByTestId('dash-uncertain')).toHaveValue(DEFAULT_UNCERTAIN_AS);
  await expect(page.locator('[data-testid="dash-sort"][data-key="hd95_mm"]')).toHaveText('HD95 (mm)');
  await expect(page.locator('[data-testid="dash-sort"][data-key="surface_dice.2"]')).toHaveText('Surface Dice @ 2 mm');

  const empty = cohort.find((c) => /empty/i.test(c.name));
  if (!empty) throw new Error(`no empty-reference case among ${cohort.map((c) => c.name).join(', ')}`);
  const nameRe = new RegExp(`^${empty.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
  await expect(cell(nameRe, 'dice')).toHaveText('NaN');
  const vThr = Number(
    await page.locator('[data-testid="dash-case-row"]').filter({ hasText: empty.name }).locator('td').nth(3).textContent(),
  );
  await page.getByTestId('dash-convention').selectOption('isles22');
  // metric-conventions.md, ISLES'22: both empty → Dice 1; one empty → Dice 0.
  await expect(cell(nameRe, 'dice')).toHaveAttribute('data-value', vThr > 0 ? '0' : '1');
  await page.getByTestId('dash-convention').selectOption('use');

  // Sorting by Dice: finite values ascending, then every NaN or missing value; filtering by name.
  await page.locator('[data-testid="dash-sort"][data-key="dice"]').click();
  const dice = await page
    .locator('[data-testid="dash-case-row"] td[data-key="dice"]')
    .evaluateAll((tds) => tds.map((td) => td.getAttribute('data-value') ?? ''));
  const nums = dice.map((v) => (v === '' ? NaN : Number(v)));
  const finite = nums.filter((v) => !Number.isNaN(v));
  expect(finite.length).toBeGreaterThan(2);
  expect(nums.slice(0, finite.length)).toEqual([...finite].sort((a, b) => a - b));
  await page.getByTestId('dash-filter').fill('cohort');
  await expect(rows).toHaveCount(cohort.length);
  await page.getByTestId('dash-filter').fill('');
  await page.locator('[data-testid="dash-sort"][data-key="case"]').click();
  await expect(rows).toHaveCount(listed.length);
});

test('the exported per-case CSV equals the evaluate CLI on the same files', async () => {
  const session = await api.signInAs(ADMIN);
  const listed = await api.call<Array<{ caseId: string; name: string }>>('projectCase.list', { session });
  type Sources = {
    geometry: {
      dims: [number, number, number];
      spacingMm: [number, number, number];
      originLps: [number, number, number];
      direction: number[];
    };
    raters: Array<{ raterId: string; name: string; labelmap: Uint8Array | null; versionId: string | null }>;
    models: Array<{ probabilityQ255: Uint8Array | null; mask: Uint8Array | null }>;
  };
  // A cohort case with lesions, a rater with a submitted mask, and a model result.
  let chosen: { caseName: string; sources: Sources; rater: Sources['raters'][number] } | null = null;
  for (const c of listed.filter((x) => /^Cohort/.test(x.name) && !/empty/i.test(x.name))) {
    const s = await api.call<Sources>('evaluation.caseSources', { session, caseId: c.caseId });
    const rater = s.raters.find((r) => r.labelmap !== null && r.versionId !== null);
    if (rater && s.models[0]?.probabilityQ255) {
      chosen = { caseName: c.name, sources: s, rater };
      break;
    }
  }
  if (!chosen) throw new Error('no cohort case with a rater mask and a model result');
  const { sources, rater, caseName } = chosen;

  // The dashboard's table for "model vs that rater", USE-Evaluator, exported.
  const option = page.getByTestId('dash-comparison').locator('option', { hasText: rater.name }).filter({ hasText: /vs/ });
  const value = await option.first().getAttribute('value');
  expect(value).toBe(`model-rater:${rater.raterId}`);
  await page.getByTestId('dash-comparison').selectOption(value ?? '');
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('dash-export-cases-csv').click()]);
  const exported = parseExport(readFileSync(await download.path(), 'utf8'));
  expect(exported.comments).toContain('# convention: use');
  expect(exported.comments.some((l) => /^# tool: quorum \d+\.\d+\.\d+/.test(l))).toBe(true);
  expect(exported.comments.some((l) => l.includes(rater.name))).toBe(true);
  const row = exported.rows.find((r) => r.case === caseName);
  if (!row) throw new Error(`${caseName} is not in the export`);

  // The same sources as NIfTI files, then the CLI. Uncertain voxels (2) are background in one
  // rater's mask under the default rule (½ vote); the model's mask is the one saved with its result.
  const g = sources.geometry;
  const geometry = { dims: g.dims, spacingMm: g.spacingMm, originLps: g.originLps, direction: g.direction as unknown as Direction };
  const labelmap = rater.labelmap ?? new Uint8Array(0);
  const ref = labelmap.map((v) => (v === 1 ? 1 : 0));
  const pred = (sources.models[0].mask ?? new Uint8Array(0)).map((v) => (v === 0 ? 0 : 1));
  const dir = mkdtempSync(path.join(tmpdir(), 'quorum-dash-cli-'));
  try {
    writeFileSync(path.join(dir, 'ref.nii.gz'), writeNifti({ geometry, data: ref }, { gzip: true }));
    writeFileSync(path.join(dir, 'pred.nii.gz'), writeNifti({ geometry, data: pred }, { gzip: true }));
    const stdout = await new Promise<string>((resolve, reject) =>
      execFile(
        process.execPath,
        [
          path.join(repoRoot, 'node_modules/tsx/dist/cli.mjs'),
          'src-main/cli/evaluate.ts',
          '--ref',
          path.join(dir, 'ref.nii.gz'),
          '--pred',
          path.join(dir, 'pred.nii.gz'),
          '--convention',
          'use',
          '--threshold-ml',
          '0',
        ],
        { cwd: repoRoot, maxBuffer: 1 << 24 },
        (err, out, errOut) => (err ? reject(new Error(`${err.message}\n${errOut}`)) : resolve(out)),
      ),
    );
    const cli = new Map<string, number>();
    const parsed = JSON.parse(stdout) as Record<string, unknown>;
    leaves('use' in parsed ? parsed.use : parsed, '', cli);
    // NIfTI stores spacing as float32, so volumes and distances may differ from the app's float64
    // spacing in the 7th significant digit: tolerance 1e-6 relative (1e-9 absolute near 0).
    let compared = 0;
    for (const key of exported.header.slice(6)) {
      const mine = row[key];
      if (mine === '' || !cli.has(key)) continue;
      const theirs = cli.get(key) ?? NaN;
      const a = Number(mine);
      if (Number.isNaN(theirs)) expect(mine, key).toBe('NaN');
      else expect(Math.abs(a - theirs), `${key}: export ${mine}, CLI ${theirs}`).toBeLessThanOrEqual(1e-6 * Math.abs(theirs) + 1e-9);
      compared++;
    }
    expect(compared).toBeGreaterThanOrEqual(12);
    expect(Number(row.reference_volume_ml)).toBeCloseTo(cli.get('volume_ref_ml') ?? NaN, 6);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  await page.getByTestId('dash-comparison').selectOption('model-majority');
});

test('clicking a case row opens that case in the viewer', async () => {
  const row = page
    .getByTestId('dash-case-row')
    .filter({ hasText: /^Cohort/ })
    .first();
  const name = (await row.locator('td').first().textContent()) ?? '';
  await row.click();
  await expect(page.getByTestId('workspace-dashboard')).toBeHidden();
  await expect(page.locator('[data-testid="case-item"].active')).toContainText(name.slice(0, 12));
});

/** Keyboard-to-next-frame latency (ms) of `n` key presses into the dashboard's filter box. */
async function keyLatencies(n: number): Promise<number[]> {
  const box = page.getByTestId('dash-filter');
  await box.evaluate((el) => {
    const w = window as unknown as { __lat: number[] };
    w.__lat = [];
    el.addEventListener('keydown', (e) => {
      const t0 = e.timeStamp;
      requestAnimationFrame(() => setTimeout(() => w.__lat.push(performance.now() - t0), 0));
    });
  });
  for (let i = 0; i < n; i++) {
    await box.press(i % 2 === 0 ? 'x' : 'Backspace');
    await page.waitForTimeout(60);
  }
  await page.waitForTimeout(200);
  return page.evaluate(() => (window as unknown as { __lat: number[] }).__lat);
}

test('plots of a fixed synthetic cohort match the committed screenshot; the UI answers keys while the pool runs', async () => {
  await page.setViewportSize({ width: 1400, height: 1400 });
  await page.getByTestId('workspace-tab-dashboard').click();
  await page.getByTestId('dash-synthetic-count').fill('24');
  await page.getByTestId('dash-compute-synthetic').click();
  const latencies = await keyLatencies(16);
  await expect(page.locator('[data-testid="dash-progress-text"][data-state="done"]')).toBeVisible({ timeout: 120_000 });
  await expect(page.getByTestId('dash-source')).toContainText('synthetic data');
  latencies.sort((a, b) => a - b);
  test.info().annotations.push({ type: 'key-to-frame ms while computing', description: latencies.map((x) => x.toFixed(0)).join(', ') });
  // Loose: the synthetic cases take ≈ 100–300 ms each in the worker; on the UI thread a key would wait that long.
  expect(latencies.length).toBeGreaterThanOrEqual(12);
  expect(latencies[Math.floor(latencies.length / 2)]).toBeLessThan(250);

  // The SVG agrees with the table: one dot per case with a finite Dice.
  const finite = await page
    .locator('[data-testid="dash-case-row"] td[data-key="dice"]')
    .evaluateAll((tds) => tds.filter((td) => Number.isFinite(Number(td.getAttribute('data-value')))).length);
  expect(finite).toBeGreaterThan(15);
  await expect(page.locator('[data-testid="dash-plot-metric-volume"] svg g.case-dots circle')).toHaveCount(finite);
  await expect(page.locator('[data-testid="dash-plot-ba-thr"] svg g.case-dots circle')).toHaveCount(24);
  await expect(page.locator('[data-testid="dash-plot-reliability"] svg')).toContainText('ECE (positive-class, pooled)');
  // The volume axis reads in ml (0.01, 0.1, 1, 10), not in d3's SI milli-ml ("10m", "100m").
  const ticks = await page.locator('[data-testid="dash-plot-metric-volume"] svg g[aria-label="x-axis tick label"] text').allTextContents();
  expect(ticks).toEqual(expect.arrayContaining(['0.1', '1', '10']));
  for (const t of ticks) expect(t).toMatch(/^\d+(\.\d+)?$/);

  // Pixels: fixed cohort (seed 7), fixed plot sizes, DejaVu Sans; SVG is rasterised on the CPU, so SwiftShader does not enter.
  await page.mouse.move(0, 0);
  // The captions, buttons and notes use the app's own font and button styles: masked, so only the plots are compared.
  await expect(page.getByTestId('dash-plots')).toHaveScreenshot('dashboard-plots.png', {
    maxDiffPixelRatio: 0.003,
    animations: 'disabled',
    mask: [page.locator('.dash-plot figcaption'), page.locator('.dash-plot-note')],
  });

  // SVG export: a standalone file with its own title.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('dash-plot-ba-exp-svg').click()]);
  const svg = readFileSync(await download.path(), 'utf8');
  expect(svg).toMatch(/^<\?xml/);
  expect(svg).toContain('xmlns="http://www.w3.org/2000/svg"');
  expect(svg).toContain('<title>Bland–Altman: V_exp</title>');
  const [png] = await Promise.all([page.waitForEvent('download'), page.getByTestId('dash-plot-reliability-png').click()]);
  expect(
    readFileSync(await png.path())
      .subarray(1, 4)
      .toString(),
  ).toBe('PNG');
});
