/**
 * Sign-in with a secret, and a reload that loses nothing (issue 18 finding 1, issue 11 item 4),
 * on a server of its own so the first identity, the admin, is ours:
 * - a person the admin created has no password yet: their first sign-in asks them to choose one
 *   (typed twice; a weak one is refused with the reason), and the next sign-in needs it;
 * - a reload keeps the tab's sign-in and reopens the last case at the slices the views showed;
 * - the kept token is checked by the server: once the server has ended the session, a reload
 *   shows the sign-in again (the case still reopens);
 * - an admin sets a person's password from the app;
 * - "Sign out everywhere" ends the person's sessions in their other windows as well.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test, type Page } from '@playwright/test';
import { testSecretOf } from '../src-main/services/project/signIn.testSupport';
import { signInAs, signOut } from './helpers/annotate';
import { openCaseByName } from './helpers/openCase';
import type { ProjectApi } from './helpers/projectApi';
import { closeSpecServer, openSpecServer } from './helpers/specServer';
import type { RunningServer } from './helpers/startServer';
import { waitForVolume } from './helpers/waitForVolume';

test.describe.configure({ mode: 'serial' });

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const NEW_PERSON = 'Nina Newcomer';

let server: RunningServer;
let api: ProjectApi;
let page: Page;

test.beforeAll(async ({ browser }) => {
  ({ server, api, page } = await openSpecServer(browser, repoRoot));
});

test.afterAll(async () => {
  await closeSpecServer(page, server);
});

async function sliceOf(view: string): Promise<number> {
  return Number(await page.getByTestId(`slice-info-${view}`).getAttribute('data-slice'));
}

test('a person the admin created chooses their password at first sign-in, and needs it afterwards', async () => {
  await signInAs(page, 'Ada Admin');
  await api.call('rater.create', { name: NEW_PERSON, role: 'annotator', session: await api.signInAs('Ada Admin') });
  await signOut(page);

  const item = page.locator(`[data-testid="identity-item"][data-name="${NEW_PERSON}"]`);
  await item.click();
  const form = page.getByTestId('sign-in');
  await expect(form).toHaveAttribute('data-first-sign-in', 'true');
  await expect(page.getByTestId('set-secret-title')).toBeVisible();
  // Two different entries cannot be submitted; a weak password is refused with the rule.
  await page.getByTestId('sign-in-secret').fill('short');
  await page.getByTestId('sign-in-secret-confirm').fill('shorT');
  await expect(page.getByTestId('sign-in-submit')).toBeDisabled();
  await page.getByTestId('sign-in-secret-confirm').fill('short');
  await page.getByTestId('sign-in-submit').click();
  await expect(page.getByTestId('annotation-message')).toContainText('at least 8 characters');
  await expect(page.getByTestId('signed-in')).toHaveCount(0);

  const secret = testSecretOf(NEW_PERSON);
  await page.getByTestId('sign-in-secret').fill(secret);
  await page.getByTestId('sign-in-secret-confirm').fill(secret);
  await page.getByTestId('sign-in-submit').click();
  await expect(page.getByTestId('signed-in')).toContainText(NEW_PERSON);
  await signOut(page);

  // From now on the password is asked for, once, and a wrong one is refused.
  await item.click();
  await expect(form).toHaveAttribute('data-first-sign-in', 'false');
  await expect(page.getByTestId('sign-in-secret-confirm')).toHaveCount(0);
  await page.getByTestId('sign-in-secret').fill('not the password');
  await page.getByTestId('sign-in-submit').click();
  await expect(page.getByTestId('annotation-message')).toContainText(`wrong password or PIN for ${NEW_PERSON}`);
  await page.getByTestId('sign-in-secret').fill(secret);
  await page.getByTestId('sign-in-submit').click();
  await expect(page.getByTestId('signed-in')).toContainText(NEW_PERSON);
});

test('a reload keeps the sign-in and reopens the last case at the same slices', async () => {
  await openCaseByName(page, /dwi|diffusion/i);
  await expect(page.getByTestId('annotation-status')).toBeVisible();
  // Move the axial view a few slices away from where a fresh open puts it, and the coronal one too.
  const opened = { axial: await sliceOf('axial'), coronal: await sliceOf('coronal') };
  for (const view of ['axial', 'coronal'] as const) {
    await page.getByTestId(`viewport-element-${view}`).hover();
    for (let n = 0; n < 5; n++) await page.mouse.wheel(0, 100);
    await expect.poll(() => sliceOf(view)).not.toBe(opened[view]);
  }
  const before = { axial: await sliceOf('axial'), coronal: await sliceOf('coronal'), sagittal: await sliceOf('sagittal') };

  await page.reload();
  await expect(page.getByTestId('signed-in')).toContainText(NEW_PERSON);
  await waitForVolume(page);
  await expect(page.locator('[data-testid="case-item"].active')).toContainText(/dwi|diffusion/i);
  await expect
    .poll(async () => ({ axial: await sliceOf('axial'), coronal: await sliceOf('coronal'), sagittal: await sliceOf('sagittal') }))
    .toEqual(before);
  // Still the person's own annotation session on the project case.
  await expect(page.getByTestId('annotation-status')).toBeVisible();
});

test('the kept token proves nothing by itself: a session the server ended is dropped on reload', async () => {
  const token = await page.evaluate(() => sessionStorage.getItem('quorum.session'));
  expect(token).toBeTruthy();
  await api.call('rater.signOut', { session: token });
  await page.reload();
  await expect(page.locator(`[data-testid="identity-item"][data-name="${NEW_PERSON}"]`)).toBeVisible();
  await expect(page.getByTestId('signed-in')).toHaveCount(0);
  expect(await page.evaluate(() => sessionStorage.getItem('quorum.session'))).toBeNull();
  // Nor does the last case reopen: opening needs a session, so the tab starts at the sign-in.
  await expect(page.getByTestId('sign-in')).toBeVisible();
  await expect(page.getByText(/Could not open/)).toHaveCount(0);
});

test("an admin sets a person's forgotten password in the app; the old one stops working", async () => {
  await signInAs(page, 'Ada Admin');
  const form = page.getByTestId('secret-reset');
  await form.locator('summary').click();
  await form.getByTestId('secret-reset-person').selectOption({ label: NEW_PERSON });
  await form.getByTestId('secret-reset-secret').fill('a new one for Nina');
  await form.getByTestId('secret-reset-submit').click();
  await expect(page.getByTestId('annotation-message')).toContainText('Password set');
  await expect(api.call('rater.signIn', { name: NEW_PERSON, secret: testSecretOf(NEW_PERSON) })).rejects.toThrow(/wrong password/);
  expect((await api.call<{ name: string }>('rater.signIn', { name: NEW_PERSON, secret: 'a new one for Nina' })).name).toBe(NEW_PERSON);
});

test('"Sign out everywhere" ends the person\'s sessions in their other windows too', async ({ browser }) => {
  // Ada is signed in here; a second window of hers (another tab or computer) signs in on its own.
  const other = await browser.newPage();
  try {
    await other.goto(server.url);
    await signInAs(other, 'Ada Admin');
    const otherToken = await other.evaluate(() => sessionStorage.getItem('quorum.session'));
    expect(otherToken).toBeTruthy();

    await page.getByTestId('sign-out-everywhere').click();
    await expect(page.getByTestId('sign-in')).toBeVisible();
    // The other window's session ended with it: the server refuses its token, and a reload there asks to sign in.
    await expect(api.call('rater.current', { session: otherToken })).rejects.toThrow(/not signed in/);
    await other.reload();
    await expect(other.getByTestId('sign-in')).toBeVisible();
    await expect(other.getByTestId('signed-in')).toHaveCount(0);
  } finally {
    await other.close();
  }
});
