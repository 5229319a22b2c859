/**
 * Issue 18, finding 7, in the UI: one rater with the same case open in two windows (two sessions).
 * Window A saves; window B, whose edits started from the older state, is refused with a conflict
 * and asked what to do. "Keep my edits" saves B's on top and keeps A's in the history; a window
 * that then chooses "load the newer version" shows it. No save silently wins, no work is lost
 * without being asked. And one window never conflicts with itself: a Submit clicked while its own
 * draft save is on its way is saved on top of that draft.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test, type Page } from '@playwright/test';
import { testSecretOf } from '../src-main/services/project/signIn.testSupport';
import { brushStroke, signInAs, signOut } from './helpers/annotate';
import { requestOf } from './helpers/apiAnswer';
import { colouredPixels, type Region } from './helpers/colouredPixels';
import { openCaseByName } from './helpers/openCase';
import type { ProjectApi } from './helpers/projectApi';
import { closeSpecServer, openSpecServer } from './helpers/specServer';
import type { RunningServer } from './helpers/startServer';

test.describe.configure({ mode: 'serial' });

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const A_REGION: Region = { x0: 0.3, y0: 0.3, x1: 0.45, y1: 0.4 };
const B_REGION: Region = { x0: 0.55, y0: 0.6, x1: 0.7, y1: 0.7 };
const RATER = 'Alice Annotator';

let server: RunningServer;
let api: ProjectApi;
let windowA: Page;
let windowB: Page;

test.beforeAll(async ({ browser }) => {
  ({ server, api, page: windowA } = await openSpecServer(browser, repoRoot));
  // The project's first identity is its admin; the rater of this test is an annotator.
  await api.call('rater.create', { name: 'Ada Admin', secret: testSecretOf('Ada Admin') });
  await api.call('rater.create', { name: RATER, secret: testSecretOf(RATER) });
  // Both windows load (each opens the project once) before anyone signs in, so both list the rater.
  windowB = await browser.newPage();
  for (const [page, load] of [
    [windowA, () => windowA.reload()],
    [windowB, () => windowB.goto(server.url)],
  ] as const) {
    await load();
    await expect(page.locator(`[data-testid="identity-item"][data-name="${RATER}"]`)).toBeVisible();
  }
});

test.afterAll(async () => {
  await windowB?.close();
  await closeSpecServer(windowA, server);
});

async function openDwiAs(page: Page): Promise<void> {
  await signInAs(page, RATER);
  await openCaseByName(page, /dwi|diffusion/i);
  await expect(page.getByTestId('annotation-status')).toHaveAttribute('data-status', 'not-started');
}

async function paint(page: Page, region: Region): Promise<void> {
  // D toggles the brush, which may still be on from the first stroke.
  const brush = page.getByTestId('tool-brush');
  if (!/\bon\b/.test((await brush.getAttribute('class')) ?? '')) await page.keyboard.press('d');
  await expect(brush).toHaveClass(/on/);
  await brushStroke(page, 'axial', region);
  await expect(page.getByTestId('annotation-status')).toHaveAttribute('data-dirty', 'yes');
}

interface Version {
  versionId: string;
  parentVersionId: string | null;
}

test('a stale save is refused and asks; keeping my edits saves them on top, the other version stays', async () => {
  await openDwiAs(windowA);
  await openDwiAs(windowB);

  await paint(windowA, A_REGION);
  await windowA.getByTestId('save-draft').click();
  const statusA = windowA.getByTestId('annotation-status');
  await expect(statusA).toHaveAttribute('data-dirty', 'no');
  const aVersion = (await statusA.getAttribute('data-version')) ?? '';
  expect(aVersion).toMatch(/^ver_/);

  // Window B still starts from "nothing saved": its save names a parent that is no longer the newest.
  await paint(windowB, B_REGION);
  await windowB.getByTestId('save-draft').click();
  await expect(windowB.getByTestId('save-conflict')).toBeVisible();
  const statusB = windowB.getByTestId('annotation-status');
  await expect(statusB).toHaveAttribute('data-dirty', 'yes');
  await expect.poll(() => colouredPixels(windowB, 'axial', B_REGION)).toBeGreaterThan(20);

  await windowB.getByTestId('conflict-keep-mine').click();
  await expect(windowB.getByTestId('save-conflict')).toHaveCount(0);
  await expect(statusB).toHaveAttribute('data-dirty', 'no');
  const bVersion = (await statusB.getAttribute('data-version')) ?? '';
  expect(bVersion).toMatch(/^ver_/);

  const session = await api.signInAs(RATER);
  const versions = await api.call<Version[]>('annotation.list', { session });
  expect(versions.map((v) => [v.versionId, v.parentVersionId])).toEqual([
    [aVersion, null],
    [bVersion, aVersion],
  ]);
  // Both windows' strokes are in the history: A's in its version, B's in the newest.
  const [aVoxels, bVoxels] = await Promise.all([api.readLabelmap(session, aVersion), api.readLabelmap(session, bVersion)]);
  expect(aVoxels.some((v) => v === 1)).toBe(true);
  expect(Buffer.compare(aVoxels, bVoxels)).not.toBe(0);
});

test('a window that chooses to load the newer version shows it', async () => {
  // Window A is now the stale one.
  await paint(windowA, B_REGION);
  await windowA.getByTestId('save-draft').click();
  await expect(windowA.getByTestId('save-conflict')).toBeVisible();
  await windowA.getByTestId('conflict-load-newer').click();
  await expect(windowA.getByTestId('save-conflict')).toHaveCount(0);
  const newest = (await windowB.getByTestId('annotation-status').getAttribute('data-version')) ?? '';
  await expect(windowA.getByTestId('annotation-status')).toHaveAttribute('data-version', newest);
  await expect(windowA.getByTestId('annotation-status')).toHaveAttribute('data-dirty', 'no');
});

test("one window's own saves never conflict: Submit while its draft is on its way is saved on top of it", async () => {
  const page = windowB;
  const rater = 'Bob Blinded';
  await signOut(page);
  await signInAs(page, rater);
  await openCaseByName(page, /dwi|diffusion/i);
  await paint(page, A_REGION);
  // The draft's request is held at the network until Submit has been clicked, so the two overlap
  // whatever the machine's speed.
  let release: () => void = () => undefined;
  const held = new Promise<void>((resolve) => (release = resolve));
  const sent: string[] = [];
  await page.route('**/api/annotation.save', async (route) => {
    const { status } = requestOf(route.request()) as { status: string };
    sent.push(status);
    if (status === 'draft') await held;
    await route.continue();
  });
  try {
    await page.getByTestId('save-draft').click();
    await expect.poll(() => sent).toEqual(['draft']);
    await page.getByTestId('submit-annotation').click();
    release();
    await expect(page.getByTestId('annotation-status')).toHaveAttribute('data-status', 'submitted');
  } finally {
    release();
    await page.unroute('**/api/annotation.save');
  }
  await expect(page.getByTestId('save-conflict')).toHaveCount(0);
  const admin = await api.signInAs('Ada Admin');
  const raterId = (await api.call<Array<{ raterId: string; name: string }>>('rater.list', { session: admin })).find(
    (r) => r.name === rater,
  )?.raterId;
  const versions = await api.call<Array<Version & { status: string }>>('annotation.list', { session: admin, raterId });
  expect(versions.map((v) => v.status)).toEqual(['draft', 'submitted']);
  expect(versions[1].parentVersionId).toBe(versions[0].versionId);
});
