/** Hovers a point of a viewport and reads the status bar's cursor readout (raw data attributes). */
import { expect, type Page } from '@playwright/test';

export interface CursorSample {
  value: number | null;
  worldLps: [number, number, number];
  voxel: [number, number, number] | null;
  text: string;
}

/** `fx`, `fy` are fractions of the viewport element's width and height. */
export async function hoverAndRead(page: Page, view: 'axial' | 'sagittal' | 'coronal', fx: number, fy: number): Promise<CursorSample> {
  const element = page.getByTestId(`viewport-element-${view}`);
  const box = await element.boundingBox();
  if (!box) throw new Error(`viewport ${view} has no box`);
  const readout = page.getByTestId('cursor-readout');
  // Move in two steps so a mousemove surely fires even if the pointer was already there.
  await page.mouse.move(box.x + box.width * fx + 3, box.y + box.height * fy + 3);
  await page.mouse.move(box.x + box.width * fx, box.y + box.height * fy);
  await expect(readout).not.toHaveAttribute('data-world', '');
  return readCursor(page);
}

export async function readCursor(page: Page): Promise<CursorSample> {
  const readout = page.getByTestId('cursor-readout');
  const world = ((await readout.getAttribute('data-world')) ?? '').split(',').map(Number);
  const voxelText = (await readout.getAttribute('data-voxel')) ?? '';
  const valueText = (await readout.getAttribute('data-value')) ?? '';
  return {
    value: valueText === '' ? null : Number(valueText),
    worldLps: [world[0], world[1], world[2]],
    voxel: voxelText === '' ? null : (voxelText.split(',').map(Number) as [number, number, number]),
    text: await readout.innerText(),
  };
}
