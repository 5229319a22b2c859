/**
 * Edits as slice diffs (issue 15), in Chromium on the demo DWI with a server of its own: after the
 * first draft (the whole labelmap), an autosave sends only the axial slices edited since
 * (annotation.saveSlices, a binary frame), and the version it makes is the whole edited labelmap:
 * - a second stroke on the same slice: the request carries that one slice, and the stored
 *   labelmap holds both strokes;
 * - undoing it: the next autosave stores exactly the first draft's file again (same sha256, content-
 *   addressed), so the slices written over the parent gave back the first labelmap byte for byte.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test, type Page, type Request } from '@playwright/test';
import { brushStroke, signInAs } from './helpers/annotate';
import { colouredPixels, type Region } from './helpers/colouredPixels';
import { openCaseByName } from './helpers/openCase';
import type { ProjectApi } from './helpers/projectApi';
import { closeSpecServer, openSpecServer } from './helpers/specServer';
import type { RunningServer } from './helpers/startServer';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const FIRST: Region = { x0: 0.3, y0: 0.3, x1: 0.45, y1: 0.4 };
const SECOND: Region = { x0: 0.55, y0: 0.3, x1: 0.7, y1: 0.4 };
const DWI_DIMS = [124, 152, 32] as const;
const SLICE_BYTES = DWI_DIMS[0] * DWI_DIMS[1];

let server: RunningServer;
let api: ProjectApi;
let page: Page;

test.beforeAll(async ({ browser }) => {
  ({ server, api, page } = await openSpecServer(browser, repoRoot));
});

test.afterAll(async () => {
  await closeSpecServer(page, server);
});

interface Version {
  versionId: string;
  fileHash: string | null;
  parentVersionId: string | null;
}

/** Waits for the autosave after an edit; returns the new version's id. */
async function autosaved(previous: string | null): Promise<string> {
  const status = page.getByTestId('annotation-status');
  await expect(status).not.toHaveAttribute('data-version', previous ?? '', { timeout: 25_000 });
  await expect(status).toHaveAttribute('data-dirty', 'no', { timeout: 25_000 });
  return (await status.getAttribute('data-version')) ?? '';
}

test('an autosave after a stroke sends only the edited slice and stores the whole edited labelmap', async () => {
  test.setTimeout(120_000);
  const saves: Request[] = [];
  page.on('request', (r) => {
    if (/\/api\/annotation\.save/.test(r.url())) saves.push(r);
  });
  await signInAs(page, 'Ada Admin');
  await signInAsAnnotator();
  await openCaseByName(page, /dwi|diffusion/i);
  const status = page.getByTestId('annotation-status');
  await expect(status).toHaveAttribute('data-status', 'not-started');
  await page.keyboard.press('d');
  await expect(page.getByTestId('tool-brush')).toHaveClass(/on/);

  await brushStroke(page, 'axial', FIRST);
  const first = await autosaved(null);
  // The first draft has no parent: the whole labelmap.
  expect(saves.map((r) => new URL(r.url()).pathname)).toEqual(['/api/annotation.save']);

  await brushStroke(page, 'axial', SECOND);
  await expect.poll(() => colouredPixels(page, 'axial', SECOND)).toBeGreaterThan(20);
  const second = await autosaved(first);
  expect(new URL(saves[1].url()).pathname).toBe('/api/annotation.saveSlices');
  // One axial slice of voxels and a small JSON head, not the volume.
  const sent = saves[1].postDataBuffer()?.length ?? Infinity;
  expect(sent).toBeGreaterThanOrEqual(SLICE_BYTES);
  expect(sent).toBeLessThan(SLICE_BYTES + 2048);

  const session = await api.signInAs('Ada Admin');
  const lm = await api.readLabelmap(session, second);
  const firstLm = await api.readLabelmap(session, first);
  const painted = (a: Uint8Array) => a.reduce((n, v) => n + (v !== 0 ? 1 : 0), 0);
  expect(painted(lm)).toBeGreaterThan(painted(firstLm));
  // Every voxel of the first draft is still there: the server kept the parent's other voxels.
  expect(firstLm.every((v, i) => v === 0 || lm[i] === v)).toBe(true);

  await page.keyboard.press('Control+z');
  await expect.poll(() => colouredPixels(page, 'axial', SECOND)).toBe(0);
  const third = await autosaved(second);
  expect(new URL(saves[2].url()).pathname).toBe('/api/annotation.saveSlices');
  const versions = await api.call<Version[]>('annotation.list', { session });
  const byId = new Map(versions.map((v) => [v.versionId, v]));
  expect(byId.get(third)?.parentVersionId).toBe(second);
  expect(byId.get(third)?.fileHash).toBe(byId.get(first)?.fileHash);
});

/** The admin made the project; the annotator is who paints. */
async function signInAsAnnotator(): Promise<void> {
  await page.getByTestId('sign-out').click();
  await signInAs(page, 'Sam Slices');
}
