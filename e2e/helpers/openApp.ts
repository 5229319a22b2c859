/** Loads the app and waits until the project's case list is there. */
import { expect, type Page } from '@playwright/test';
import { signInAs } from './annotate';
import { appUrl } from './appUrl';

async function openApp(page: Page): Promise<void> {
  await page.goto(appUrl());
  await expect(page.getByTestId('case-item').first()).toBeVisible();
}

/** The person the viewer specs sign in as: opening a case and browsing files need a session. */
const VIEWER = 'Vera Viewer';

/** Loads the app and signs in (creating the identity on first use), ready to open cases. */
export async function openAppSignedIn(page: Page, name = VIEWER): Promise<void> {
  await openApp(page);
  await signInAs(page, name);
}
