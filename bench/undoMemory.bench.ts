/**
 * Undo memory over 100 brush strokes (issue 15) on the 512×512×300 CT, in the real renderer in
 * Debian's Chromium against browser mode: the undo history keeps 100 steps per case, and a step
 * must hold the voxels it changed, not a copy of the 75 MiB labelmap (100 copies would be 7.3 GiB).
 *
 * An annotator opens the CT (an empty draft saved over the API) and paints 100 strokes with the
 * brush, each on its own spot of the axial slice, and waits for their autosave; then undoes all
 * 100 (Ctrl+Z) and checks that the next autosave stores the empty draft's file again, so the
 * history did hold every step. Measured after a forced GC before and after the 100 strokes: the renderer's RSS (/proc) and its JS heap
 * (CDP; Cornerstone's brush memos are run-length maps of JS objects, Quorum's own steps typed
 * arrays outside the heap, which RSS covers). The voxels changed are counted in the saved labelmap.
 */
import { rmSync } from 'node:fs';
import os from 'node:os';
import { chromium, type CDPSession, type Page } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_EXECUTABLE } from '../e2e/helpers/chromium';
import { openCaseByName } from '../e2e/helpers/openCase';
import { projectApi } from '../e2e/helpers/projectApi';
import { waitForVolume } from '../e2e/helpers/waitForVolume';
import { testSecretOf } from '../src-main/services/project/signIn.testSupport';
import { chromiumProcesses, procStatus, serveSyntheticCt, signInAs } from './annotationMemory.bench';

const STROKES = 100;
const VOLUME_BYTES = 512 * 512 * 300;
const MiB = (bytes: number): string => (bytes / 2 ** 20).toFixed(1);

interface Version {
  versionId: string;
  fileHash: string | null;
}

async function jsHeapUsed(page: Page, cdp: CDPSession): Promise<number> {
  await cdp.send('HeapProfiler.collectGarbage');
  await page.waitForTimeout(500);
  const { metrics } = await cdp.send('Performance.getMetrics');
  return metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? Number.NaN;
}

/** Waits for the autosave after an edit (the status names a new version, nothing is unsaved and no save is on its way); returns its id. */
async function autosaved(page: Page, previous: string): Promise<string> {
  const status = page.getByTestId('annotation-status');
  await page.waitForFunction(
    (prev) => {
      const el = (
        globalThis as unknown as {
          document: { querySelector(s: string): { getAttribute(a: string): string | null; textContent: string | null } | null };
        }
      ).document.querySelector('[data-testid="annotation-status"]');
      const v = el?.getAttribute('data-version') ?? '';
      // While a save is on its way the edits it took are no longer "unsaved": wait for it too.
      const saving = (el?.textContent ?? '').includes('saving');
      return v !== '' && v !== prev && el?.getAttribute('data-dirty') === 'no' && !saving;
    },
    previous,
    { timeout: 120_000, polling: 250 },
  );
  return (await status.getAttribute('data-version')) ?? '';
}

/**
 * Resolves once the page has handled the input sent so far: Playwright's mouse and keyboard calls
 * return when the events are sent, and a loaded machine's renderer can lag many strokes behind.
 */
async function inputHandled(page: Page): Promise<void> {
  await page.evaluate(
    () =>
      new Promise<void>((resolve) =>
        (globalThis as unknown as { requestAnimationFrame(f: () => void): void }).requestAnimationFrame(() => resolve()),
      ),
  );
}

/** A short horizontal drag at (x, y), fractions of the axial viewport. */
async function stroke(page: Page, x: number, y: number): Promise<void> {
  const box = await page.getByTestId('viewport-element-axial').boundingBox();
  if (!box) throw new Error('no axial viewport');
  const [px, py] = [box.x + box.width * x, box.y + box.height * y];
  await page.mouse.move(px, py);
  await page.mouse.down();
  await page.mouse.move(px + box.width * 0.02, py, { steps: 4 });
  await page.mouse.up();
  await inputHandled(page);
}

export async function run(): Promise<void> {
  const { server, images } = await serveSyntheticCt('undo bench');
  const api = projectApi(server.url);
  const before = new Set(chromiumProcesses('renderer'));
  const browser = await chromium.launch({ executablePath: CHROMIUM_EXECUTABLE, args: [...CHROMIUM_ARGS] });
  try {
    await api.call('project.open', {});
    await api.call('rater.create', { name: 'Admin', secret: testSecretOf('Admin') });
    const admin = await api.signInAs('Admin');
    // A demo project assigns every rater to every case; the secret is set at the first sign-in.
    await api.call('rater.create', { session: admin, name: 'Painter', role: 'annotator' });
    // An empty first draft, saved from here: the page's own first save of the whole 75 MiB labelmap
    // would reach Playwright as one DevTools message (the request body) too large for a JS string.
    const [ct] = await api.call<Array<{ caseId: string }>>('projectCase.list', { session: admin });
    const draft = await api.call<Version>('annotation.save', {
      session: await api.signInAs('Painter'),
      caseId: ct.caseId,
      status: 'draft',
      labelmap: new Uint8Array(VOLUME_BYTES),
    });

    const page = await browser.newPage({ viewport: { width: 1400, height: 800 } });
    // Sign-in (scrypt) and the first render take more than Playwright's 30 s on a loaded 2-core machine.
    page.setDefaultTimeout(180_000);
    await page.goto(server.url);
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    const rendererPid = chromiumProcesses('renderer')
      .filter((p) => !before.has(p))
      .sort((a, b) => procStatus(b).rss - procStatus(a).rss)[0];
    if (rendererPid === undefined) throw new Error('could not find the page’s renderer process');

    await signInAs(page, 'Painter');
    await openCaseByName(page, /CT 512/);
    await waitForVolume(page);
    await page.keyboard.press('d');
    await page.locator('[data-testid="tool-brush"].on').waitFor();
    const first = draft.versionId;
    const heap0 = await jsHeapUsed(page, cdp);
    const rss0 = procStatus(rendererPid).rss;

    const t0 = performance.now();
    for (let s = 0; s < STROKES; s++) await stroke(page, 0.22 + 0.06 * (s % 10), 0.22 + 0.06 * Math.floor(s / 10));
    const strokeMs = (performance.now() - t0) / STROKES;
    const painted = await autosaved(page, first);
    const heap1 = await jsHeapUsed(page, cdp);
    const rss1 = procStatus(rendererPid).rss;

    const session = await api.signInAs('Admin');
    const count = (lm: Uint8Array) => lm.reduce((n, v) => n + (v !== 0 ? 1 : 0), 0);
    const changed = count(await api.readLabelmap(session, painted)) - count(await api.readLabelmap(session, first));

    for (let s = 0; s < STROKES; s++) await page.keyboard.press('Control+z');
    await inputHandled(page);
    const undone = await autosaved(page, painted);
    const versions = await api.call<Version[]>('annotation.list', { session });
    const hashOf = (id: string) => versions.find((v) => v.versionId === id)?.fileHash;
    const allUndone = hashOf(undone) === hashOf(first);
    const left = count(await api.readLabelmap(session, undone)) - count(await api.readLabelmap(session, first));

    process.stdout.write(
      [
        '',
        `Undo history after ${STROKES} brush strokes on the 512×512×300 CT (one labelmap copy: ${MiB(VOLUME_BYTES)} MiB), ${os.cpus().length} cores, load average ${os.loadavg()[0].toFixed(1)}; ${strokeMs.toFixed(0)} ms a stroke as driven:`,
        '',
        '| measure | before the strokes | after | growth | per stroke |',
        '| --- | ---: | ---: | ---: | ---: |',
        `| renderer RSS (MiB) | ${MiB(rss0)} | ${MiB(rss1)} | ${MiB(rss1 - rss0)} | ${MiB((rss1 - rss0) / STROKES)} |`,
        `| renderer JS heap used (MiB) | ${MiB(heap0)} | ${MiB(heap1)} | ${MiB(heap1 - heap0)} | ${MiB((heap1 - heap0) / STROKES)} |`,
        '',
        `Voxels the strokes changed: ${changed} (${(changed / STROKES).toFixed(0)} a stroke); JS heap growth per changed voxel: ${((heap1 - heap0) / Math.max(changed, 1)).toFixed(1)} bytes.`,
        `All ${STROKES} strokes undone: the next autosave stored the empty draft's file again: ${allUndone ? 'yes' : `NO (${left} voxels more than it)`}.`,
        '',
      ].join('\n'),
    );
    if (!allUndone) throw new Error('undoing every stroke did not give back the empty draft');
  } finally {
    await browser.close();
    await server.stop();
    rmSync(images, { recursive: true, force: true });
  }
}
