/** Signing in as a rater and painting on a viewport (brush, rectangle scissors), as a user does. */
import { expect, type Page } from '@playwright/test';
import { testSecretOf } from '../../src-main/services/project/signIn.testSupport';
import type { Region } from './colouredPixels';

/**
 * Signs in as `name` with their test secret (signIn.testSupport.ts), setting it on their first
 * sign-in, or creates the identity with it when it does not exist yet.
 */
export async function signInAs(page: Page, name: string): Promise<void> {
  // Wait for the picker's names: before they arrive, an existing person looks like a new one.
  const panel = page.locator('[data-testid="sign-in"][data-loaded="true"]');
  await expect(panel).toBeVisible();
  const secret = testSecretOf(name);
  const existing = panel.locator(`[data-testid="identity-item"][data-name="${name}"]`);
  if (await existing.count()) {
    await existing.click();
    await page.getByTestId('sign-in-secret').fill(secret);
    if ((await page.getByTestId('sign-in').getAttribute('data-first-sign-in')) === 'true')
      await page.getByTestId('sign-in-secret-confirm').fill(secret);
    await page.getByTestId('sign-in-submit').click();
  } else {
    await page.getByTestId('new-rater-name').fill(name);
    await page.getByTestId('new-rater-secret').fill(secret);
    await page.getByTestId('create-rater').click();
  }
  await expect(page.getByTestId('signed-in')).toContainText(name);
}

export async function signOut(page: Page): Promise<void> {
  await page.getByTestId('sign-out').click();
  await expect(page.getByTestId('sign-in')).toBeVisible();
}

/** A horizontal brush stroke through the middle of `region` (fractions of the viewport element). */
export async function brushStroke(page: Page, view: string, region: Region): Promise<void> {
  const box = await page.getByTestId(`viewport-element-${view}`).boundingBox();
  if (!box) throw new Error(`no ${view} viewport`);
  const y = box.y + box.height * (region.y0 + region.y1) * 0.5;
  const xa = box.x + box.width * (region.x0 + (region.x1 - region.x0) * 0.25);
  const xb = box.x + box.width * (region.x0 + (region.x1 - region.x0) * 0.75);
  await page.mouse.move(xa, y);
  await page.mouse.down();
  await page.mouse.move(xb, y, { steps: 12 });
  await page.mouse.up();
}

/**
 * On the open case, a new annotation: fills `region` of the axial slice with the rectangle scissors
 * (Q) and submits it.
 */
export async function submitRectangle(page: Page, region: Region): Promise<void> {
  const status = page.getByTestId('annotation-status');
  await expect(status).toHaveAttribute('data-status', 'not-started');
  const scissors = page.getByTestId('tool-rectScissors');
  if (!/\bon\b/.test((await scissors.getAttribute('class')) ?? '')) await page.keyboard.press('q');
  await expect(scissors).toHaveClass(/\bon\b/);
  const box = await page.getByTestId('viewport-element-axial').boundingBox();
  if (!box) throw new Error('no axial viewport');
  await page.mouse.move(box.x + box.width * region.x0, box.y + box.height * region.y0);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * region.x1, box.y + box.height * region.y1, { steps: 10 });
  await page.mouse.up();
  await expect(status).toHaveAttribute('data-dirty', 'yes');
  await page.getByTestId('submit-annotation').click();
  await expect(status).toHaveAttribute('data-status', 'submitted');
}
