/**
 * Viewer controls on a CT: HU in the readout, the CT window presets (buttons and keys 1–4), a
 * Ctrl+drag window that leaves the presets, R to reset, and the help overlay listing the keys.
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { makeCtNifti } from './helpers/makeCtNifti';
import { openAppSignedIn } from './helpers/openApp';
import { openPathFromDialog } from './helpers/openCase';
import { hoverAndRead } from './helpers/readCursor';
import { waitForVolume } from './helpers/waitForVolume';

test('CT presets, window drag, reset and the help overlay', async ({ page }) => {
  await openAppSignedIn(page);
  const ctFile = makeCtNifti();
  await openPathFromDialog(page, ctFile);
  await waitForVolume(page);
  await expect(page.getByTestId('case-title')).toContainText('CT');

  // Centre of the phantom: brain-like tissue, 30..49 HU.
  const sample = await hoverAndRead(page, 'axial', 0.5, 0.5);
  expect(sample.value).toBeGreaterThanOrEqual(30);
  expect(sample.value).toBeLessThan(50);
  expect(sample.text).toContain('HU');

  const windowReadout = page.getByTestId('window-readout');
  await expect(windowReadout).toHaveText('W 80 L 40'); // CT opens in the brain window
  await page.getByTestId('preset-subdural').click();
  await expect(windowReadout).toHaveText('W 200 L 75');
  await page.keyboard.press('4');
  await expect(windowReadout).toHaveText('W 2000 L 600');
  await expect(page.getByTestId('preset-bone')).toHaveClass(/on/);
  await page.keyboard.press('2');
  await expect(windowReadout).toHaveText('W 40 L 40');

  // Ctrl+drag changes the window by hand: no preset is lit any more.
  const box = await page.getByTestId('viewport-element-axial').boundingBox();
  if (!box) throw new Error('no axial viewport');
  await page.keyboard.down('Control');
  await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.5);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.5 + 60, box.y + box.height * 0.5 + 30, { steps: 6 });
  await page.mouse.up();
  await page.keyboard.up('Control');
  await expect(windowReadout).not.toHaveText('W 40 L 40');
  await expect(page.getByTestId('preset-stroke')).not.toHaveClass(/on/);

  // R resets the view and the window to how a CT opens: the brain window.
  await page.keyboard.press('r');
  await expect(page.getByTestId('preset-brain')).toHaveClass(/on/);
  await expect(windowReadout).toHaveText('W 80 L 40');

  await page.keyboard.press('?');
  const help = page.getByTestId('help-overlay');
  await expect(help).toBeVisible();
  await expect(help).toContainText('Stroke (W 40 L 40)');
  await expect(help).toContainText('Next b-value');
  await page.keyboard.press('Escape');
  await expect(help).toBeHidden();
  rmSync(path.dirname(ctFile), { recursive: true, force: true });
});
