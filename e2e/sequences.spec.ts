/**
 * A case of several sequences in Chromium (issue 12): an ISLES'22-like subject made by the test (a
 * DWI with b = 0 and 1000, an ADC two voxels off the DWI's grid, a FLAIR on a rotated grid of its
 * own) is imported as one case; opening its DWI lists the other sequences, A steps to the next one,
 * and the side-by-side pair shows DWI b1000 and ADC. A click in the pair places one crosshair: both
 * panes must put it on the same world point, and each readout must equal its file's voxel at that
 * point, found here from the NIfTI headers' affines (niftiVoxelAt.ts), not from the app's geometry.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test, type Page } from '@playwright/test';
import { writeIslesSubject, type IslesSubject } from '../src-main/services/islesSubject.testSupport';
import { signInAs } from './helpers/annotate';
import { loadNifti, niftiValue, voxelOfWorld } from './helpers/niftiVoxelAt';
import { openPathFromDialog } from './helpers/openCase';
import type { ProjectApi } from './helpers/projectApi';
import { closeSpecServer, openSpecServer } from './helpers/specServer';
import type { RunningServer } from './helpers/startServer';
import { waitForVolume } from './helpers/waitForVolume';

test.describe.configure({ mode: 'serial' });

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

let server: RunningServer;
let api: ProjectApi;
let page: Page;
let subject: IslesSubject;

test.beforeAll(async ({ browser }) => {
  ({ server, api, page } = await openSpecServer(browser, repoRoot));
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
  const session = await api.signInAs('Ada Admin');
  const record = await api.call<{ sequences: Array<{ name: string; kind: string }> }>('sequence.importSubject', {
    session,
    path: subject.subjectDir,
  });
  expect(record.sequences.map((s) => s.name).sort()).toEqual(['adc', 'dwi', 'flair']);

  await openPathFromDialog(page, subject.dwi);
  await waitForVolume(page);
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
