/**
 * Review sessions end to end (issue 6), with a server of its own (a fresh data folder, so the first
 * identity, the admin who reviews, is ours):
 * - two annotators (made through the API: Alice submits a mask on the DWI, Bob leaves a draft);
 * - the admin's worklist: progress counts equal the baseline the API reported before the two
 *   raters existed plus what they did (so extra demo cases or cohort raters do not matter), and the
 *   status, rater and flag filters;
 * - the admin opens Alice's DWI from the worklist and requests a revision with a comment (the send
 *   button is disabled without one);
 * - Alice sees only her rows, "revision requested" and the comment in the viewer; "next case" (J)
 *   goes to the next case needing her work, then back to the revision first; she resubmits, which
 *   clears it;
 * - the admin sees her row submitted again, with time on task, approves it, and exports time on
 *   task as CSV with the same sum.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test, type Page } from '@playwright/test';
import { signInAs, signOut } from './helpers/annotate';
import type { ProjectApi } from './helpers/projectApi';
import { closeSpecServer, openSpecServer } from './helpers/specServer';
import type { RunningServer } from './helpers/startServer';
import { waitForVolume } from './helpers/waitForVolume';

test.describe.configure({ mode: 'serial' });

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DWI_VOXELS = 124 * 152 * 32;
const COMMENT = 'The lesion continues two slices further down; please extend it.';

interface Row {
  caseId: string;
  caseName: string;
  casePath: string;
  raterName: string;
  status: string;
}
interface Progress {
  total: number;
  done: number;
  approved: number;
  byStatus: Record<string, number>;
}
interface Worklist {
  rows: Row[];
  progress: Progress;
  cases: Array<{ caseId: string; name: string }>;
}

let server: RunningServer;
let api: ProjectApi;
let page: Page;
let baseline: Progress;
let caseCount = 0;
let dwi: { caseId: string; name: string; path: string };

test.beforeAll(async ({ browser }) => {
  ({ server, api, page } = await openSpecServer(browser, repoRoot));
});

test.afterAll(async () => {
  await closeSpecServer(page, server);
});

function mask(): Uint8Array {
  const lm = new Uint8Array(DWI_VOXELS);
  // A 10 × 10 box on axial slices 14–16.
  for (let z = 14; z <= 16; z++) for (let y = 70; y < 80; y++) lm.fill(1, z * 124 * 152 + y * 124 + 50, z * 124 * 152 + y * 124 + 60);
  return lm;
}

async function progressOf(): Promise<Record<string, string | null>> {
  const bar = page.getByTestId('worklist-progress');
  const attrs = [
    'data-total',
    'data-done',
    'data-approved',
    'data-not-started',
    'data-draft',
    'data-submitted',
    'data-no-lesion',
    'data-revision-requested',
  ];
  return Object.fromEntries(await Promise.all(attrs.map(async (a) => [a, await bar.getAttribute(a)] as const)));
}

async function showWorklist(): Promise<void> {
  await page.getByTestId('workspace-tab-worklist').click();
  await expect(page.getByTestId('worklist-table')).toBeVisible();
}

test('the admin sees every annotator, filters, and progress counts that add up', async () => {
  await signInAs(page, 'Rita Reviewer');
  await expect(page.getByTestId('signed-in')).toHaveAttribute('data-role', 'admin');
  const admin = await api.signInAs('Rita Reviewer');
  // Whatever else the demo project holds (optional cases, a seeded cohort), this is the starting point.
  baseline = (await api.call<Worklist>('worklist.get', { session: admin })).progress;
  const cases = await api.call<Array<{ caseId: string; name: string; series: Array<{ path: string }> }>>('projectCase.list', {
    session: admin,
  });
  caseCount = cases.length;
  const found = cases.find((c) => /^DWI/.test(c.name));
  if (!found) throw new Error('the demo DWI case is not in the project');
  dwi = { caseId: found.caseId, name: found.name, path: found.series[0].path };

  for (const name of ['Alice Annotator', 'Bob Blinded']) await api.call('rater.create', { name, role: 'annotator', session: admin });
  const alice = await api.signInAs('Alice Annotator');
  const bob = await api.signInAs('Bob Blinded');
  await api.call('annotation.save', { session: alice, caseId: dwi.caseId, labelmap: mask(), status: 'submitted' });
  await api.call('annotation.save', { session: bob, caseId: dwi.caseId, labelmap: mask(), status: 'draft' });

  await showWorklist();
  // Open enrolment assigns both new annotators every case: 2 × caseCount new rows, of which
  // Alice's DWI is submitted, Bob's DWI a draft, and the rest not started.
  const n = caseCount;
  await expect.poll(progressOf).toEqual({
    'data-total': String(baseline.total + 2 * n),
    'data-done': String(baseline.done + 1),
    'data-approved': String(baseline.approved),
    'data-not-started': String(baseline.byStatus['not-started'] + 2 * n - 2),
    'data-draft': String(baseline.byStatus.draft + 1),
    'data-submitted': String(baseline.byStatus.submitted + 1),
    'data-no-lesion': String(baseline.byStatus['no-lesion']),
    'data-revision-requested': String(baseline.byStatus['revision-requested']),
  });
  await expect(page.getByTestId('worklist-progress')).toContainText(`${baseline.done + 1} / ${baseline.total + 2 * n} handed in`);

  // Filters: a rater, then a status on top; then a status alone among the two new raters' rows.
  const rows = page.getByTestId('worklist-row');
  await page.getByTestId('filter-rater').selectOption({ label: 'Alice Annotator' });
  await expect(rows).toHaveCount(n);
  await expect(page.locator('[data-testid="worklist-row"]:not([data-rater="Alice Annotator"])')).toHaveCount(0);
  await page.getByTestId('filter-status').selectOption('submitted');
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toHaveAttribute('data-case', dwi.name);
  await page.getByTestId('filter-rater').selectOption({ label: 'Bob Blinded' });
  await expect(rows).toHaveCount(0);
  await page.getByTestId('filter-status').selectOption('draft');
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toHaveAttribute('data-case', dwi.name);
  // Progress is over every row, not the filtered ones.
  await expect(page.getByTestId('worklist-progress')).toHaveAttribute('data-total', String(baseline.total + 2 * n));
  await page.getByTestId('filter-status').selectOption('');
  await page.getByTestId('filter-rater').selectOption('');
});

test("the admin opens Alice's DWI from the worklist and requests a revision, which needs a comment", async () => {
  await page.getByTestId('filter-rater').selectOption({ label: 'Alice Annotator' });
  const aliceDwi = page.locator(`[data-testid="worklist-row"][data-case="${dwi.name}"]`);
  await expect(aliceDwi).toHaveCount(1);
  await aliceDwi.getByTestId('worklist-open').click();
  await expect(page.getByTestId('workspace-worklist')).toHaveCount(0);
  await waitForVolume(page);
  const aliceRow = page.locator('[data-testid="review-row"][data-name="Alice Annotator"]');
  await expect(aliceRow).toHaveAttribute('data-status', 'submitted');
  // Bob has only a draft: nothing to approve or send back.
  await expect(page.locator('[data-testid="review-row"][data-name="Bob Blinded"] [data-testid="review-approve"]')).toHaveCount(0);
  await aliceRow.getByTestId('review-request').click();
  await expect(aliceRow.getByTestId('review-send')).toBeDisabled();
  await aliceRow.getByTestId('review-comment').fill(COMMENT);
  await aliceRow.getByTestId('review-send').click();
  await expect(aliceRow).toHaveAttribute('data-status', 'revision-requested');
  // One audit row for it, naming Alice's version.
  const admin = await api.signInAs('Rita Reviewer');
  const audit = await api.call<Array<{ action: string; caseId: string }>>('audit.list', { session: admin, limit: 20 });
  expect(audit.filter((a) => a.action === 'review.request-revision').map((a) => a.caseId)).toEqual([dwi.caseId]);
  await signOut(page);
});

test('Alice sees only her rows and the comment; next case (J) goes on, then back to the revision; resubmitting clears it', async ({
  browser,
}) => {
  // Alice starts in a tab of her own: a reload would reopen the admin's last case (tabRestore.ts).
  await page.close();
  page = await browser.newPage();
  await page.goto(server.url);
  await expect(page.getByTestId('case-item').first()).toBeVisible();
  // The identities arrive after the cases: sign-in must find Alice in the list, not create her again.
  await expect(page.locator('[data-testid="identity-item"][data-name="Alice Annotator"]')).toBeVisible();
  await signInAs(page, 'Alice Annotator');
  await showWorklist();
  const rows = page.getByTestId('worklist-row');
  await expect(rows).toHaveCount(caseCount);
  await expect(page.locator('[data-testid="worklist-row"]:not([data-rater="Alice Annotator"])')).toHaveCount(0);
  await expect(page.getByTestId('worklist')).not.toContainText('Bob Blinded');
  await expect(page.getByTestId('worklist-progress')).toHaveAttribute('data-total', String(caseCount));
  await expect(page.getByTestId('worklist-progress')).toHaveAttribute('data-revision-requested', '1');
  const dwiRow = page.locator(`[data-testid="worklist-row"][data-case="${dwi.name}"]`);
  await expect(dwiRow).toHaveAttribute('data-status', 'revision-requested');
  await expect(dwiRow).toContainText(COMMENT);
  await page.getByTestId('filter-flag').selectOption('revision-requested');
  await expect(rows).toHaveCount(1);
  await page.getByTestId('filter-flag').selectOption('');

  // Nothing open yet: "next case" goes to the revision first.
  await page.getByTestId('next-case').click();
  await waitForVolume(page);
  await expect(page.getByTestId('revision-banner')).toBeVisible();
  await expect(page.getByTestId('revision-comment')).toHaveText(COMMENT);

  // J from the DWI: the next case in worklist order after it that needs her work (all others are not started).
  const alice = await api.signInAs('Alice Annotator');
  const mine = (await api.call<Worklist>('worklist.get', { session: alice })).rows;
  const expectedNext = mine[(mine.findIndex((r) => r.caseId === dwi.caseId) + 1) % mine.length];
  const shownBefore = (await page.getByTestId('viewer-grid').getAttribute('data-shown')) ?? '';
  await page.locator('body').press('j');
  await waitForVolume(page, shownBefore);
  await expect(page.locator('[data-testid="case-item"].active')).toHaveAttribute('data-path', expectedNext.casePath);
  await expect(page.getByTestId('revision-banner')).toHaveCount(0);
  // …and J again comes back to the revision request before any other case.
  const shownNext = (await page.getByTestId('viewer-grid').getAttribute('data-shown')) ?? '';
  await page.locator('body').press('j');
  await waitForVolume(page, shownNext);
  await expect(page.locator('[data-testid="case-item"].active')).toHaveAttribute('data-path', dwi.path);
  await expect(page.getByTestId('revision-comment')).toHaveText(COMMENT);

  // Her submitted mask is back in the editor; submitting again hands in a new version.
  const status = page.getByTestId('annotation-status');
  await expect(status).toHaveAttribute('data-status', 'submitted');
  await page.waitForTimeout(1500); // some time on task worth recording
  await page.getByTestId('submit-annotation').click();
  await expect(page.getByTestId('revision-banner')).toHaveCount(0);
  await expect(page.getByTestId('annotation-message')).toContainText('Submitted');
  await showWorklist();
  await expect(dwiRow).toHaveAttribute('data-status', 'submitted');
  await signOut(page);
});

test('the admin sees the resubmission with time on task, approves it, and the approved filter finds it', async () => {
  await signInAs(page, 'Rita Reviewer');
  await showWorklist();
  await page.getByTestId('filter-rater').selectOption({ label: 'Alice Annotator' });
  const aliceDwi = page.locator(`[data-testid="worklist-row"][data-case="${dwi.name}"]`);
  // The filtered list has replaced the full one.
  await expect(page.getByTestId('worklist-row')).toHaveCount(caseCount);
  await expect(aliceDwi).toHaveAttribute('data-status', 'submitted');
  await expect(aliceDwi).toHaveAttribute('data-approved', 'no');
  // She spent at least the 1.5 s before her submit on the DWI.
  const activeMs = (await aliceDwi.getAttribute('data-active-ms')) ?? '';
  expect(Number(activeMs)).toBeGreaterThanOrEqual(1500);
  await aliceDwi.getByTestId('worklist-open').click();
  await waitForVolume(page);
  const aliceRow = page.locator('[data-testid="review-row"][data-name="Alice Annotator"]');
  await aliceRow.getByTestId('review-approve').click();
  await expect(aliceRow).toHaveAttribute('data-approved', 'yes');
  await showWorklist();
  await page.getByTestId('filter-rater').selectOption('');
  await page.getByTestId('filter-flag').selectOption('approved');
  await expect(page.getByTestId('worklist-row')).toHaveCount(baseline.approved + 1);
  await expect(page.getByTestId('worklist-progress')).toHaveAttribute('data-approved', String(baseline.approved + 1));
  await expect(page.getByTestId('worklist-progress')).toHaveAttribute('data-done', String(baseline.done + 1));

  // The time-on-task export holds Alice's annotation time on the DWI, the same sum as the worklist's.
  const out = mkdtempSync(path.join(tmpdir(), 'quorum-e2e-time-'));
  await page.getByTestId('filter-flag').selectOption('');
  await page.locator('.worklist-export summary').click();
  await page.getByTestId('time-export-input').fill(out);
  await page.getByTestId('time-export-run').click();
  await expect(page.getByTestId('worklist-message')).toContainText('quorum-time-on-task.csv');
  const csv = readFileSync(path.join(out, 'quorum-time-on-task.csv'), 'utf8').trimEnd().split('\r\n');
  const line = csv.find((l) => l.startsWith(`${dwi.caseId},`) && l.includes(',Alice Annotator,annotate,'));
  // The case name holds commas (quoted in the CSV): read the field after rater and mode.
  expect(line?.split(',Alice Annotator,annotate,')[1]?.split(',')[0]).toBe(activeMs);
});
