/** The Open dialog browses the backend's file system (quorum:fs.list) and opens a file by click. */
import { expect, test } from '@playwright/test';
import { imageVariance } from './helpers/imageVariance';
import { openAppSignedIn } from './helpers/openApp';
import { waitForVolume } from './helpers/waitForVolume';

test('browse into the demo project and open the T1 by clicking it', async ({ page }) => {
  await openAppSignedIn(page);
  await page.getByTestId('open-button').click();
  const entries = page.getByTestId('open-entry');
  // The dialog starts in the project folder: the demo's t1/ and dwi/ folders are listed.
  await entries.filter({ hasText: /^t1$/ }).click();
  await expect(page.getByTestId('open-path-input')).toHaveValue(/[\\/]t1$/);
  await entries.filter({ hasText: 'ch2bet.nii.gz' }).click();
  await waitForVolume(page);
  await expect(page.getByTestId('open-dialog')).toBeHidden();
  await expect(page.getByTestId('case-title')).toContainText('ch2bet');
  // ch2bet is 181 × 217 × 181 (i × j × k); the axial view steps through k.
  await expect(page.getByTestId('slice-info-axial')).toHaveAttribute('data-count', '181');
  await expect(page.getByTestId('slice-info-coronal')).toHaveAttribute('data-count', '217');
  // It is now in the recent list; Cancel closes a reopened dialog.
  await expect(page.getByTestId('recent-list')).toContainText('ch2bet.nii.gz');
  await page.getByTestId('open-button').click();
  await page.getByTestId('open-cancel').click();
  await expect(page.getByTestId('open-dialog')).toBeHidden();

  // Reopening the same file from the recent list shows it again (fresh volumes, same picture).
  const shownBefore = await page.getByTestId('viewer-grid').getAttribute('data-shown');
  await page.getByTestId('recent-list').getByRole('button', { name: 'ch2bet.nii.gz' }).click();
  await waitForVolume(page, shownBefore);
  await expect(page.getByTestId('slice-info-axial')).toHaveAttribute('data-count', '181');
  expect(await imageVariance(page, await page.getByTestId('viewer-grid').screenshot())).toBeGreaterThan(100);
});
