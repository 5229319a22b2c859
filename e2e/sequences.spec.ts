/**
 * A case of several sequences in Chromium (issue 12): an ISLES'22-like subject made by the test (a
 * DWI with b = 0 and 1000, an ADC two voxels off the DWI's grid, a FLAIR on a rotated grid of its
 * own) is imported as one case from the sidebar; it opens on its DWI with the other sequences listed, A steps to the next one,
 * and the side-by-side pair shows DWI b1000 and ADC. A click in the pair places one crosshair: both
 * panes must put it on the same world point, and each readout must equal its file's voxel at that
 * point, found here from the NIfTI headers' affines (niftiVoxelAt.ts), not from the app's geometry.
 * Then the demo model (manifest: dwi_b1000 + adc) runs on the case and must take the case's ADC:
 * its expected volume equals onnxruntime-node's run with the file's ADC, not with one computed from b0.
 * Once annotated, the case exports as ISLES-BIDS from the import/export dialog: the file tree is
 * ISLES'22's and each sequence is its source file, not resampled.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test, type Page } from '@playwright/test';
import { DWI_GRID, writeIslesSubject, type IslesSubject } from '../src-main/services/islesSubject.testSupport';
import { dwiChannelSources, runSegmentation } from '../src-shared/inference';
import { modelOnNode } from './helpers/modelOnNode';
import { writeNifti } from '../src-shared/nifti';
import { signInAs } from './helpers/annotate';
import { imageVariance } from './helpers/imageVariance';
import { loadNifti, niftiValue, voxelOfWorld } from './helpers/niftiVoxelAt';
import { closeSpecServer, openSpecServer } from './helpers/specServer';
import type { RunningServer } from './helpers/startServer';
import { waitForVolume } from './helpers/waitForVolume';

test.describe.configure({ mode: 'serial' });

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

let server: RunningServer;
let page: Page;
let subject: IslesSubject;

test.beforeAll(async ({ browser }) => {
  ({ server, page } = await openSpecServer(browser, repoRoot));
  subject = writeIslesSubject(mkdtempSync(path.join(tmpdir(), 'quorum-e2e-isles-')));
});

test.afterAll(async () => {
  await closeSpecServer(page, server);
});

async function readout(n: number): Promise<{ world: number[]; value: number; label: string }> {
  const r = page.getByTestId(`pair-readout-${n}`);
  await expect(r).not.toHaveAttribute('data-world', '');
  return {
    world: ((await r.getAttribute('data-world')) ?? '').split(',').map(Number),
    value: Number(await r.getAttribute('data-value')),
    label: (await r.getAttribute('data-label')) ?? '',
  };
}

test('an ISLES-BIDS subject opens as one case: DWI and ADC side by side share the crosshair world point', async () => {
  await signInAs(page, 'Ada Admin');
  await page.getByTestId('import-subject').click();
  await page.getByTestId('import-subject-path').fill(subject.subjectDir);
  await page.getByTestId('import-subject-submit').click();
  await expect(page.getByTestId('sequence-outcome')).toHaveAttribute('data-ok', 'true', { timeout: 60_000 });
  await waitForVolume(page);
  await expect(page.getByTestId('case-title')).toContainText('sub-strokecase0001_ses-0001_dwi');
  const items = page.getByTestId('sequence-item');
  await expect(items).toHaveCount(3);
  expect(await items.evaluateAll((els) => els.map((e) => `${e.getAttribute('data-name')}:${e.getAttribute('data-kind')}`))).toEqual([
    'dwi:dwi',
    'flair:flair',
    'adc:adc',
  ]);
  await expect(items.first()).toContainText('reference grid');
  const options = page.getByTestId('volume-option');
  await expect(options).toHaveCount(4);
  expect(await options.evaluateAll((els) => els.map((e) => e.getAttribute('data-sequence')).sort())).toEqual([
    'adc',
    'dwi',
    'dwi',
    'flair',
  ]);

  // A: the next sequence, on the main viewer.
  const active = page.locator('[data-testid="volume-option"][aria-checked="true"]');
  await expect(active).toHaveAttribute('data-sequence', 'dwi');
  await page.keyboard.press('a');
  await expect(active).not.toHaveAttribute('data-sequence', 'dwi');
  await waitForVolume(page, null);

  await page.getByTestId('sequence-pair-toggle').click();
  const pair = page.getByTestId('sequence-pair');
  await expect(pair).toHaveAttribute('data-ready', 'true', { timeout: 60_000 });
  await expect(page.getByTestId('pair-volume-0').locator('option:checked')).toHaveText(/b=1000/);
  await expect(page.getByTestId('pair-volume-1').locator('option:checked')).toHaveText('adc');

  // Both panes draw their image (a pane left black would still read values).
  for (const n of [0, 1]) {
    const element = page.getByTestId(`viewport-element-pair-${n}`);
    await expect.poll(async () => imageVariance(page, await element.screenshot()), { timeout: 30_000 }).toBeGreaterThan(10);
  }
  const pane = page.getByTestId('viewport-element-pair-0');
  const box = await pane.boundingBox();
  if (!box) throw new Error('the pair pane has no box');
  await page.mouse.click(box.x + box.width * 0.56, box.y + box.height * 0.43);
  const dwiReadout = await readout(0);
  const adcReadout = await readout(1);
  expect(dwiReadout.label).toBe('b=1000');
  expect(adcReadout.label).toBe('adc');
  // One world point in both panes (each computed from its own camera).
  dwiReadout.world.forEach((x, a) => expect(adcReadout.world[a]).toBeCloseTo(x, 6));

  const world = dwiReadout.world as [number, number, number];
  const dwiImage = loadNifti(subject.dwi);
  const adcImage = loadNifti(subject.adc);
  const dwiVoxel = voxelOfWorld(dwiImage, world);
  const adcVoxel = voxelOfWorld(adcImage, world);
  if (!dwiVoxel || !adcVoxel) throw new Error(`the click at ${world.join(', ')} fell outside the DWI or the ADC`);
  // The ADC's grid is the DWI's moved two voxels along i: the same point is two voxels earlier in it.
  expect(adcVoxel).toEqual([dwiVoxel[0] - 2, dwiVoxel[1], dwiVoxel[2]]);
  expect(dwiReadout.value).toBe(niftiValue(dwiImage, dwiVoxel, 1));
  expect(adcReadout.value).toBe(niftiValue(adcImage, adcVoxel));
});

test('a sequence whose field of view misses the reference grid is refused with its reason, and nothing is added', async () => {
  const far = path.join(path.dirname(subject.subjectDir), 'elsewhere_T2w.nii.gz');
  writeFileSync(
    far,
    writeNifti({ geometry: { ...DWI_GRID, originLps: [400, 400, 400] }, data: new Int16Array(24 * 20 * 8) }, { gzip: true }),
  );
  await page.getByTestId('sequence-pair-close').click();
  await expect(page.getByTestId('sequence-pair')).toHaveCount(0);
  await page.getByTestId('add-sequence').click();
  await page.getByTestId('add-sequence-path').fill(far);
  await page.getByTestId('add-sequence-submit').click();
  const outcome = page.getByTestId('sequence-outcome');
  await expect(outcome).toHaveAttribute('data-ok', 'false', { timeout: 60_000 });
  await expect(outcome).toContainText(
    /sequence "t2" \(elsewhere_T2w\.nii\.gz\) cannot be shown on the case's reference grid: its field of view .* does not overlap/,
  );
  await expect(page.getByTestId('sequence-item')).toHaveCount(3);
});

/** The volume switcher's sequences, each marked with whether it is shown resampled (not the reference grid). */
async function shownSequences(): Promise<string[]> {
  return page
    .getByTestId('volume-option')
    .evaluateAll((els) =>
      els.map((e) => `${e.getAttribute('data-sequence')}${(e.getAttribute('title') ?? '').includes('resampled') ? ' resampled' : ''}`),
    );
}

test('an admin makes the ADC the reference grid: the case reopens on it, then back on the DWI', async () => {
  const item = (name: string) => page.locator(`[data-testid="sequence-item"][data-name="${name}"]`);
  const adcItem = item('adc');
  await expect(item('dwi')).toContainText('reference grid');
  await adcItem.getByTestId('make-reference').click();
  await expect(page.getByTestId('sequence-outcome')).toHaveAttribute('data-ok', 'true', { timeout: 60_000 });
  await expect(page.getByTestId('case-title')).toContainText('sub-strokecase0001_ses-0001_adc');
  await waitForVolume(page);
  await expect(adcItem).toContainText('reference grid');
  await expect(item('dwi')).not.toContainText('reference grid');
  // The ADC is now the unresampled grid the others are shown on.
  await expect.poll(shownSequences).toEqual(['adc', 'dwi resampled', 'dwi resampled', 'flair resampled']);

  await item('dwi').getByTestId('make-reference').click();
  await expect(page.getByTestId('case-title')).toContainText('sub-strokecase0001_ses-0001_dwi', { timeout: 60_000 });
  await waitForVolume(page);
  await expect.poll(shownSequences).toEqual(['dwi', 'dwi', 'flair resampled', 'adc resampled']);
});

/** onnxruntime-node's run of the demo model on the subject, with the ADC channel given or computed. */
async function nodeRun(adcFromFile: boolean): Promise<{ expectedMl: number; voxels: number; voxelMl: number }> {
  const dir = path.join(repoRoot, 'models', 'demo-dwi-lesion');
  const { model, runners } = await modelOnNode(dir);
  const dwi = loadNifti(subject.dwi);
  const [nx, ny, nz] = dwi.geometry.dims;
  const voxels = nx * ny * nz;
  const b0 = dwi.data.slice(0, voxels);
  const b1000 = dwi.data.slice(voxels, 2 * voxels);
  const extra: { adc?: Float32Array } = {};
  if (adcFromFile) {
    // The ADC file's voxel (i − 2, j, k) lies on DWI voxel (i, j, k) (its origin is two voxels further
    // along i, checked by the first test); outside it, 0. Stored in 10⁻⁶ mm²/s: the model wants mm²/s.
    const adcImage = loadNifti(subject.adc);
    const adc = new Float32Array(voxels);
    for (let k = 0; k < nz; k++)
      for (let j = 0; j < ny; j++)
        for (let i = 2; i < Math.min(nx, adcImage.geometry.dims[0] + 2); i++)
          adc[i + nx * (j + ny * k)] = niftiValue(adcImage, [i - 2, j, k]) * 1e-6;
    extra.adc = adc;
  }
  const sources = dwiChannelSources(
    [
      { bValue: 0, data: b0 },
      { bValue: 1000, data: b1000 },
    ],
    extra,
  );
  const r = await runSegmentation({
    manifest: model.manifest,
    runners,
    dims: dwi.geometry.dims,
    spacingMm: dwi.geometry.spacingMm,
    sources,
  });
  const [sx, sy, sz] = dwi.geometry.spacingMm;
  return { expectedMl: r.volumes[0].expectedMl, voxels, voxelMl: (sx * sy * sz) / 1000 };
}

test('the demo model runs on the subject from dwi_b1000 and the case ADC, not an ADC computed from b0', async () => {
  test.setTimeout(600_000);
  await expect(page.getByTestId('model-select')).toContainText('Demo DWI lesion model');
  await page.getByTestId('inference-run').click();
  await expect(page.getByTestId('inference-result')).toBeVisible({ timeout: 400_000 });
  const shown = Number(await page.getByTestId('inference-volumes').getAttribute('data-expected-ml'));
  const withFileAdc = await nodeRun(true);
  const withComputedAdc = await nodeRun(false);
  // WASM and native agree within 1e-4 per voxel (inference.spec.ts); the two ADCs differ by far more.
  const tolerance = withFileAdc.voxels * 1e-4 * withFileAdc.voxelMl;
  expect(Math.abs(withFileAdc.expectedMl - withComputedAdc.expectedMl)).toBeGreaterThan(100 * tolerance);
  expect(Math.abs(shown - withFileAdc.expectedMl)).toBeLessThanOrEqual(tolerance);
});

test('once the case has an annotation, the reference grid is fixed and the section says why', async () => {
  await expect(page.getByTestId('make-reference').first()).toBeEnabled();
  await page.getByTestId('mode-annotate').click();
  await page.getByTestId('no-lesion').click();
  await expect(page.getByTestId('reference-fixed')).toContainText(/The reference grid is fixed: \d+ saved annotation version/, {
    timeout: 30_000,
  });
  for (const button of await page.getByTestId('make-reference').all()) await expect(button).toBeDisabled();
});

test('the case exports as ISLES-BIDS: each sequence as stored under rawdata/, the masks under derivatives/', async () => {
  const out = path.join(path.dirname(path.dirname(subject.subjectDir)), 'bids-export');
  await page.getByTestId('exchange-open').click();
  await page.getByTestId('exchange-out-input').fill(out);
  await page.getByTestId('exchange-format').selectOption('isles-bids');
  await expect(page.getByTestId('exchange-dicom-seg')).toBeDisabled();
  await page.getByTestId('exchange-export-case').click();
  const report = page.getByTestId('exchange-report');
  await expect(report).toHaveAttribute('data-ok', 'yes', { timeout: 60_000 });
  await expect(report).toContainText('4 sequence file(s) under rawdata/, the majority consensus and 1 rater mask(s) under derivatives/');
  await page.getByTestId('exchange-close').click();

  const sub = 'sub-strokecase0001';
  const stem = `${sub}_ses-0001`;
  const files = readdirSync(out, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(out, path.join(e.parentPath, e.name)))
    .sort();
  expect(files).toEqual(
    [
      'dataset_description.json',
      'participants.tsv',
      `derivatives/${sub}/ses-0001/${stem}_msk.nii.gz`,
      `derivatives/${sub}/ses-0001/${stem}_rater-AdaAdmin_msk.nii.gz`,
      `rawdata/${sub}/ses-0001/anat/${stem}_FLAIR.nii.gz`,
      `rawdata/${sub}/ses-0001/dwi/${stem}_adc.nii.gz`,
      `rawdata/${sub}/ses-0001/dwi/${stem}_dwi.bval`,
      `rawdata/${sub}/ses-0001/dwi/${stem}_dwi.nii.gz`,
    ].sort(),
  );
  // Not resampled: each sequence is its source file, byte for byte.
  for (const [file, exported] of [
    [subject.dwi, `dwi/${stem}_dwi.nii.gz`],
    [subject.adc, `dwi/${stem}_adc.nii.gz`],
    [subject.flair, `anat/${stem}_FLAIR.nii.gz`],
  ])
    expect(readFileSync(path.join(out, 'rawdata', sub, 'ses-0001', exported)).equals(readFileSync(file))).toBe(true);
});

test('an admin removes the FLAIR after confirming: the case reopens without it, and its file stays', async () => {
  const flair = page.locator('[data-testid="sequence-item"][data-name="flair"]');
  await expect(page.locator('[data-testid="sequence-item"][data-name="dwi"]').getByTestId('remove-sequence')).toHaveCount(0);
  await flair.getByTestId('remove-sequence').click();
  await expect(flair.getByTestId('remove-sequence-confirmation')).toContainText('Remove "flair" from the case? Its files are kept.');
  await flair.getByTestId('remove-sequence-cancel').click();
  await expect(flair.getByTestId('remove-sequence-confirmation')).toHaveCount(0);
  await expect(page.getByTestId('sequence-item')).toHaveCount(3);

  await flair.getByTestId('remove-sequence').click();
  await flair.getByTestId('remove-sequence-confirm').click();
  await expect(page.getByTestId('sequence-item')).toHaveCount(2, { timeout: 60_000 });
  await expect(page.getByTestId('sequence-outcome')).toHaveAttribute('data-ok', 'true');
  await expect.poll(shownSequences).toEqual(['dwi', 'dwi', 'adc resampled']);
  expect(existsSync(subject.flair)).toBe(true);
});
