/** Opens a case from the sidebar (by a name pattern) or by typing a path into the Open dialog. */
import { expect, type Page } from '@playwright/test';

export async function openCaseByName(page: Page, name: RegExp): Promise<string> {
  const item = page.getByTestId('case-item').filter({ hasText: name }).first();
  await expect(item).toBeVisible();
  const path = (await item.getAttribute('data-path')) ?? '';
  await item.click();
  return path;
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
