/**
 * Per-label metrics in the app agree with the evaluate CLI (issue 14's "done when"): on the
 * multi-class demo project (the head CT with a synthetic core and penumbra, made at set-up into
 * data-cache/demo-core-penumbra, already on the core/penumbra label table) with a server of its own,
 * two raters each paint core (key 1) and penumbra (key 2) in overlapping but different places and
 * submit; the admin's metrics panel shows their pair per label under MetricsReloaded; the two masks
 * are exported through the Import / export dialog into a temporary folder, and
 * `npm run evaluate -- --labels 1,2` (the real CLI, in its own process) on those files gives every
 * value of the panel's table, per label and the label mean, to 1e-9.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, test, type Page } from '@playwright/test';
import type { ConventionResult } from '../src-shared/evaluation/types';
import { metricRows } from '../src-shared/evaluation/metricCatalog';
import { LABEL_PRESETS } from '../src-shared/project/labelTable';
import { signInAs, signOut } from './helpers/annotate';
import type { Region } from './helpers/colouredPixels';
import { paintLabelsAndSubmit } from './helpers/labels';
import { openCaseByName } from './helpers/openCase';
import type { ProjectApi } from './helpers/projectApi';
import { closeSpecServer, openSpecServer } from './helpers/specServer';
import type { RunningServer } from './helpers/startServer';

test.describe.configure({ mode: 'serial' });

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const [CORE, PENUMBRA] = LABEL_PRESETS['core-penumbra'].labels;
const LABELS = [String(CORE.value), String(PENUMBRA.value)];
// Off the viewport's centre lines (the crosshairs are drawn there, in colour); the second rater's
// strokes are shifted, so each label overlaps only in part. (The app and the CLI take the spacing
// from the same affine, src-shared/nifti/geometry.ts niftiGeometry.)
const RATERS: ReadonlyArray<{ name: string; core: Region; penumbra: Region }> = [
  { name: 'Alice Annotator', core: { x0: 0.3, y0: 0.3, x1: 0.45, y1: 0.4 }, penumbra: { x0: 0.55, y0: 0.6, x1: 0.7, y1: 0.7 } },
  { name: 'Bob Blinded', core: { x0: 0.33, y0: 0.31, x1: 0.5, y1: 0.41 }, penumbra: { x0: 0.52, y0: 0.59, x1: 0.72, y1: 0.69 } },
];

let server: RunningServer;
let api: ProjectApi;
let page: Page;
let work: string;

test.beforeAll(async ({ browser }) => {
  ({ server, api, page } = await openSpecServer(browser, repoRoot, { project: 'data-cache/demo-core-penumbra' }));
  work = mkdtempSync(path.join(tmpdir(), 'quorum-per-label-cli-'));
});

test.afterAll(async () => {
  await closeSpecServer(page, server);
  if (work) rmSync(work, { recursive: true, force: true });
});

async function openCase(): Promise<void> {
  await openCaseByName(page, /core and penumbra/);
}

/** A cell's value as the panel holds it: null, NaN or a number. */
function cellValue(text: string | null): number | null {
  return text === null || text === 'null' ? null : Number(text);
}

/** The CLI's JSON value (NaN and ±Infinity come as strings) as a number, or null. */
function cliValue(v: unknown): number | null {
  if (v === null || v === undefined) return null;
  return Number(v);
}

test('two raters paint core and penumbra; the per-label metrics equal the CLI on the exported masks', async () => {
  // Three sign-ins and openings of a 256×256×108 CT, an export and a CLI run: more than the default.
  test.setTimeout(480_000);
  // The first person is the admin (the seeded raters do not count); the seeding set the table.
  await signInAs(page, 'Ada Admin');
  await expect(page.getByTestId('signed-in')).toHaveAttribute('data-role', 'admin');
  expect(await api.call('labels.get', { session: await api.signInAs('Ada Admin') })).toEqual(LABEL_PRESETS['core-penumbra'].labels);
  await signOut(page);
  const versions = new Map<string, string>();
  for (const r of RATERS) {
    await signInAs(page, r.name);
    await openCase();
    const version = await paintLabelsAndSubmit(page, [
      { label: CORE, region: r.core },
      { label: PENUMBRA, region: r.penumbra },
    ]);
    versions.set(r.name, version);
    await signOut(page);
  }

  // The admin reviews the case: the rater pair's metrics, per label, under MetricsReloaded.
  await signInAs(page, 'Ada Admin');
  await openCase();
  const admin = await api.signInAs('Ada Admin');
  const raters = await api.call<Array<{ raterId: string; name: string }>>('rater.list', { session: admin });
  const idOf = (name: string) => raters.find((r) => r.name === name)?.raterId ?? '';
  const [alice, bob] = RATERS.map((r) => idOf(r.name));
  await expect(page.getByTestId('metrics-panel')).toHaveAttribute('data-status', 'ready', { timeout: 60_000 });
  await page.getByTestId('metrics-convention').selectOption('metricsreloaded');
  const select = page.getByTestId('metrics-comparison-select');
  const options = await select.locator('option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
  const pair = options.find((v) => v === `rater-rater:${alice}:${bob}` || v === `rater-rater:${bob}:${alice}`);
  if (!pair) throw new Error(`no option for the two raters' pair among ${options.join(', ')}`);
  await select.selectOption(pair);
  const [, refId, predId] = pair.split(':');
  const table = page.getByTestId('metrics-per-label');
  await expect(table).toHaveAttribute('data-convention', 'metricsreloaded');
  const shown = await table.locator('tr[data-testid^="metric-"]').evaluateAll((rows) =>
    rows.map((row) => ({
      id: (row.getAttribute('data-testid') ?? '').slice('metric-'.length),
      cells: Object.fromEntries([...row.querySelectorAll('td')].map((td) => [td.dataset.label ?? '', td.dataset.value ?? null])),
    })),
  );

  // Both masks exported as a user does, into a folder of the test's.
  const out = path.join(work, 'export');
  await page.getByTestId('exchange-open').click();
  await page.getByTestId('exchange-out-input').fill(out);
  await page.getByTestId('exchange-export-case').click();
  const report = page.getByTestId('exchange-report');
  await expect(report).toBeVisible({ timeout: 30_000 });
  expect(await report.getAttribute('data-ok')).toBe('yes');
  await page.getByTestId('exchange-close').click();
  const [caseDir] = readdirSync(out).map((d) => path.join(out, d));
  const exported = readdirSync(path.join(caseDir, 'raters'));
  const fileOf = (raterId: string) => {
    const name = RATERS.find((r) => idOf(r.name) === raterId)?.name ?? '';
    const file = exported.find((f) => f === `${name.replace(/ /g, '_')}__${versions.get(name)}.nii.gz`);
    if (!file) throw new Error(`no exported mask of ${name} among ${exported.join(', ')}`);
    return path.join(caseDir, 'raters', file);
  };

  // The real CLI, in its own process, on the exported files: the pair's reference and prediction as the panel has them.
  const { stdout } = await promisify(execFile)(
    'npm',
    [
      'run',
      '--silent',
      'evaluate',
      '--',
      '--ref',
      fileOf(refId),
      '--pred',
      fileOf(predId),
      '--labels',
      LABELS.join(','),
      '--convention',
      'metricsreloaded',
    ],
    { cwd: repoRoot },
  );
  const cli = JSON.parse(stdout) as { labels: Record<string, ConventionResult>; label_mean: ConventionResult };
  expect(Object.keys(cli.labels)).toEqual(LABELS);
  // Neither label is trivial: both raters painted both, and not in the same voxels.
  for (const l of LABELS) expect(cli.labels[l].dice).toBeGreaterThan(0);
  for (const l of LABELS) expect(cli.labels[l].dice).toBeLessThan(1);

  const rows = metricRows('metricsreloaded', cli.labels[LABELS[0]]);
  expect(shown.map((r) => r.id)).toEqual(rows.map((r) => r.id));
  expect(shown.map((r) => r.id)).toEqual(expect.arrayContaining(['dice', 'hd95_mm']));
  for (const row of rows) {
    const cells = shown.find((r) => r.id === row.id)?.cells ?? {};
    for (const key of [...LABELS, 'mean']) {
      const expected = cliValue(row.read(key === 'mean' ? cli.label_mean : cli.labels[key]));
      const actual = cellValue(cells[key] ?? null);
      const where = `${row.id} of ${key}`;
      if (expected === null || actual === null) expect(actual, where).toBe(expected);
      else if (Number.isNaN(expected)) expect(actual, where).toBeNaN();
      else expect(Math.abs(actual - expected), `${where}: panel ${actual}, CLI ${expected}`).toBeLessThanOrEqual(1e-9);
    }
  }
});
