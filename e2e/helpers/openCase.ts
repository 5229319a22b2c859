/** Opens a case from the sidebar (by a name pattern) or by typing a path into the Open dialog. */
import { expect, type Page } from '@playwright/test';
import { waitForVolume } from './waitForVolume';

/**
 * Opens the first sidebar case whose name matches (a string: contains it, case included) and waits until
 * the viewer shows a volume other than `previous` (waitForVolume). Returns the case's path and what
 * the viewer names.
 */
export async function openCaseByName(
  page: Page,
  name: RegExp | string,
  previous: string | null = null,
): Promise<{ path: string; shown: string }> {
  // Playwright matches a string ignoring case; a case name is matched exactly as written.
  const pattern = typeof name === 'string' ? new RegExp(name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) : name;
  const item = page.getByTestId('case-item').filter({ hasText: pattern }).first();
  await expect(item).toBeVisible();
  const path = (await item.getAttribute('data-path')) ?? '';
  await item.click();
  return { path, shown: await waitForVolume(page, previous) };
}

export async function openPathFromDialog(page: Page, path: string): Promise<void> {
  await page.getByTestId('open-button').click();
  const input = page.getByTestId('open-path-input');
  await expect(input).toBeVisible();
  // The dialog fills the field with its first listing's folder when that arrives; typing before it
  // races with it (the typed path got the project folder prefixed when the server was busy).
  await expect(input).not.toHaveValue('');
  await input.fill(path);
  await page.getByTestId('open-path-submit').click();
}
