/**
 * The admin screen and invitation links (issue 13), in Chromium, on a server of its own so the
 * first identity, the admin, is ours:
 * - the admin invites a new annotator and gives them one case; a second browser context opens the
 *   link, sets a password, is signed in, and its worklist holds only that case; the link then no
 *   longer works;
 * - the admin changes that person's role, and the change shows in the admin screen and, after a
 *   reload, in the person's own tab; the admin entry is not there for an annotator;
 * - a revoked link says so; a password reset from the screen ends the person's session, and the new
 *   password signs them in.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test, type Browser, type Page } from '@playwright/test';
import { signInAs } from './helpers/annotate';
import { closeSpecServer, openSpecServer } from './helpers/specServer';
import type { RunningServer } from './helpers/startServer';

test.describe.configure({ mode: 'serial' });

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const INVITED = 'Ian Invited';
const PASSWORD = 'ians own password';

let server: RunningServer;
let admin: Page;
let invitee: Page;
let link: string;
let keptCase: string;

test.beforeAll(async ({ browser }) => {
  ({ server, page: admin } = await openSpecServer(browser, repoRoot));
  await signInAs(admin, 'Ada Admin');
});

test.afterAll(async () => {
  await invitee?.context().close();
  await closeSpecServer(admin, server);
});

/** A fresh browser context: no launch token, no session, nothing shared with the admin's tab. */
async function freshPage(browser: Browser): Promise<Page> {
  return await (await browser.newContext()).newPage();
}

test('the admin invites an annotator and leaves them one case', async () => {
  await admin.getByTestId('admin-open').click();
  const dialog = admin.getByTestId('admin-dialog');
  await expect(dialog).toBeVisible();
  await dialog.getByTestId('admin-invite-name').fill(INVITED);
  await dialog.getByTestId('admin-invite-role').selectOption('annotator');
  await dialog.getByTestId('admin-invite-create').click();
  const linkField = dialog.getByTestId('admin-invite-link');
  await expect(linkField).toHaveValue(/[?&]invite=[A-Za-z0-9_-]{43}/);
  link = await linkField.inputValue();
  const row = dialog.locator(`[data-testid="admin-person"][data-name="${INVITED}"]`);
  await expect(row).toHaveAttribute('data-status', 'invited');
  await expect(dialog.locator(`[data-testid="admin-invitation"][data-name="${INVITED}"]`)).toBeVisible();

  // Whatever the project's enrolment gave them, exactly one case stays assigned.
  await dialog.getByTestId('admin-assign-person').selectOption({ label: `${INVITED} (annotator)` });
  const boxes = dialog.getByTestId('admin-assign-case');
  await expect(boxes.first()).toBeVisible();
  const names = await boxes.evaluateAll((els) => els.map((e) => e.getAttribute('data-case') ?? ''));
  expect(names.length).toBeGreaterThan(1);
  keptCase = names[0];
  for (const name of names) {
    const box = dialog.locator(`[data-testid="admin-assign-case"][data-case="${name}"]`);
    const want = name === keptCase;
    if ((await box.isChecked()) !== want) await box.click();
    // The box shows the server's answer (the list is read again after each change).
    if (want) await expect(box).toBeChecked();
    else await expect(box).not.toBeChecked();
  }
});

test('a second browser opens the link, sets a password, is signed in and sees only the assigned case', async ({ browser }) => {
  invitee = await freshPage(browser);
  await invitee.goto(link);
  const form = invitee.getByTestId('invitation-accept');
  await expect(form.getByTestId('invitation-name')).toContainText(INVITED);
  // The invitation token leaves the address bar at once.
  expect(invitee.url()).not.toContain('invite=');
  await form.getByTestId('invitation-secret').fill(PASSWORD);
  await form.getByTestId('invitation-secret-confirm').fill(PASSWORD);
  await form.getByTestId('invitation-submit').click();
  const signedIn = invitee.getByTestId('signed-in');
  await expect(signedIn).toContainText(INVITED);
  await expect(signedIn).toHaveAttribute('data-role', 'annotator');
  await expect(invitee.getByTestId('admin-open')).toHaveCount(0);

  await invitee.getByTestId('workspace-tab-worklist').click();
  const rows = invitee.getByTestId('worklist-row');
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toHaveAttribute('data-case', keptCase);

  // The link is used up: opening it again says so.
  const again = await freshPage(browser);
  await again.goto(link);
  await expect(again.getByTestId('invitation-problem')).toContainText('this invitation was already used');
  await again.context().close();
});

test('the admin changes the role; the admin screen and the person’s own tab show it', async () => {
  const dialog = admin.getByTestId('admin-dialog');
  // Reopened, the screen reads the list again: the person is active now, with a sign-in.
  await dialog.getByRole('button', { name: 'Close' }).click();
  await admin.getByTestId('admin-open').click();
  const row = dialog.locator(`[data-testid="admin-person"][data-name="${INVITED}"]`);
  await expect(row).toHaveAttribute('data-status', 'active');
  await row.getByTestId('admin-person-role').selectOption('reviewer');
  await expect(row).toHaveAttribute('data-role', 'reviewer');

  await invitee.reload();
  await expect(invitee.getByTestId('signed-in')).toHaveAttribute('data-role', 'reviewer');
});

test('the admin revokes an open invitation and resets a password; the link and the old sessions stop working', async ({ browser }) => {
  const dialog = admin.getByTestId('admin-dialog');
  await dialog.getByTestId('admin-invite-name').fill('Rex Revoked');
  await dialog.getByTestId('admin-invite-create').click();
  const revokedLink = dialog.getByTestId('admin-invite-link');
  await expect(revokedLink).toHaveValue(/invite=/);
  const rexLink = await revokedLink.inputValue();
  await dialog.getByRole('button', { name: 'Revoke the invitation of Rex Revoked' }).click();
  await expect(dialog.locator('[data-testid="admin-invitation"][data-name="Rex Revoked"]')).toHaveCount(0);
  const rex = await freshPage(browser);
  await rex.goto(rexLink);
  await expect(rex.getByTestId('invitation-problem')).toContainText('this invitation was revoked');
  await rex.context().close();

  const row = dialog.locator(`[data-testid="admin-person"][data-name="${INVITED}"]`);
  await row.getByRole('button', { name: `Reset the password of ${INVITED}` }).click();
  await row.getByRole('textbox', { name: `New password or PIN for ${INVITED}` }).fill('a reset password');
  await row.getByRole('button', { name: 'Set' }).click();
  await expect(row.getByRole('button', { name: `Reset the password of ${INVITED}` })).toBeVisible();
  // The reset ended the person's session: a reload shows the sign-in, and the new password works.
  await invitee.reload();
  await invitee.locator(`[data-testid="identity-item"][data-name="${INVITED}"]`).click();
  await invitee.getByTestId('sign-in-secret').fill('a reset password');
  await invitee.getByTestId('sign-in-submit').click();
  await expect(invitee.getByTestId('signed-in')).toContainText(INVITED);
});
