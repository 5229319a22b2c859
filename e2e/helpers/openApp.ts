/** Loads the app and waits until the project's case list is there. */
import { expect, type Page } from '@playwright/test';
import { appUrl } from './appUrl';

export async function openApp(page: Page): Promise<void> {
  await page.goto(appUrl());
  await expect(page.getByTestId('case-item').first()).toBeVisible();
}
