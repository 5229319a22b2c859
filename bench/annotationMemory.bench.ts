/**
 * Renderer memory in review mode on a 512×512×300 CT with 5 raters' labelmaps and one model
 * probability map (issue 15: the renderer's peak must stay under 1.5 GB; issue 4 had set 2.5 GB), in
 * the real renderer in Debian's Chromium against browser mode, as openToImage.bench.ts drives it.
 *
 * Set-up over the project API (like a study after annotation): a reviewer (the project's admin)
 * signs in in the UI and opens the CT (opening a case needs a session); then 5 annotators each
 * submit a labelmap (synthetic: ellipsoids that differ per rater) and the reviewer signs in again,
 * so the review path loads every layer, the heat map, the disagreement inputs and the per-case
 * metrics (a worker: a thread of the same renderer process) exactly as a user gets them. Each
 * stage waits until the metrics panel has settled.
 *
 * The model: a result saved for real, as "Save as rater" saves it (`inference.saveResult`, one
 * 375 MiB request on this grid: the mask p > 0.5 of reviewCase.ts's map and the Float32 map), which
 * review then loads as the app does: its mask as one more Uint8 layer, its stored map in the metrics
 * worker as the Uint8 codes q = round(255 p) (src-shared/evaluation/types.ts CodedProbability). A
 * run of the model in this session also keeps its Float32 map, which the viewer's overlay draws
 * (inferenceOverlay.ts); the demo model needs DWI, so the last stage allocates that grid in the page.
 *
 * What is measured, after a forced GC of the page:
 * - renderer process: VmRSS from /proc/<pid>/status, then again after the workers' isolates are
 *   collected too (shown beside, never subtracted); its peak as the higher of VmHWM and the RSS polled
 *   every 25 ms through the stage (Chromium resets VmHWM) — the number held against 1.5 GB, printed
 *   beside the bytes the page cannot avoid holding (the CT in its file's type, one Uint8 grid per
 *   layer, the Float32 map), computed from the grid; the renderer is the newest `--type=renderer`
 *   Chromium process holding the page;
 * - JS heap used (CDP Performance.getMetrics JSHeapUsedSize): typed arrays are outside the V8 heap,
 *   so this shows how little of the total is JS objects;
 * - GPU process VmRSS: with SwiftShader (no GPU here), textures live in that process's RAM; on a
 *   real GPU they are in video memory instead.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type CDPSession, type Page } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_EXECUTABLE } from '../e2e/helpers/chromium';
import { openCaseByName } from '../e2e/helpers/openCase';
import { projectApi, type ProjectApi } from '../e2e/helpers/projectApi';
import { startServer } from '../e2e/helpers/startServer';
import { waitForVolume } from '../e2e/helpers/waitForVolume';
import { modelProbabilities, raterLabelmap, REVIEW_DIMS } from './reviewCase';
import { ensureSyntheticCt } from './syntheticCt';
import { testSecretOf } from '../src-main/services/project/signIn.testSupport';
import { modelProvenance } from '../src-main/services/project/testSupport';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const VOXELS = REVIEW_DIMS[0] * REVIEW_DIMS[1] * REVIEW_DIMS[2];
const TARGET_BYTES = 1.5 * 2 ** 30;
const RATERS = ['Rater 1', 'Rater 2', 'Rater 3', 'Rater 4', 'Rater 5'];
/** The raters' layers and the model's mask layer. */
const LAYERS = RATERS.length + 1;
/** What the page must hold whatever it does: the int16 CT, one Uint8 grid per layer, the overlay's Float32 probabilities. */
const UNAVOIDABLE_BYTES = VOXELS * (2 + LAYERS + 4);

let workers: { collect(): Promise<void> } | undefined;

/**
 * The renderer's RSS read every 25 ms, its highest value since the last stage. VmHWM alone is not
 * enough: it was seen to fall between two stages of one run (reset inside Chromium), which would hide
 * a transient; polling misses only spikes shorter than its interval.
 */
let rssPoll: { takePeak(): number; stop(): void } | undefined;
function pollRss(pid: number): { takePeak(): number; stop(): void } {
  let peak = 0;
  const timer = setInterval(() => {
    if (existsSync(`/proc/${pid}`)) peak = Math.max(peak, procStatus(pid).rss);
  }, 25);
  return {
    takePeak() {
      const p = Math.max(peak, procStatus(pid).rss);
      peak = 0;
      return p;
    },
    stop: () => clearInterval(timer),
  };
}
const MiB = (bytes: number): string => (bytes / 2 ** 20).toFixed(0);

/** kB fields of /proc/<pid>/status, in bytes. */
export function procStatus(pid: number): { rss: number; hwm: number } {
  const text = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name: string): number => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? 'NaN') * 1024;
  return { rss: field('VmRSS'), hwm: field('VmHWM') };
}

/**
 * This bench's Chromium processes of one `--type`: descendants of this Node process only, so
 * other Chromiums on a shared machine (other benches, e2e runs) are never measured.
 */
export function chromiumProcesses(type: string): number[] {
  const parentOf = new Map<number, number>();
  const cmdOf = new Map<number, string>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      // "pid (comm) state ppid …": comm may hold spaces and parentheses, so read after the last ')'.
      parentOf.set(Number(d), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
      cmdOf.set(Number(d), readFileSync(`/proc/${d}/cmdline`, 'utf8'));
    } catch {
      // the process ended while we looked
    }
  }
  const ours = (pid: number): boolean => {
    for (let p = parentOf.get(pid); p !== undefined && p > 1; p = parentOf.get(p)) if (p === process.pid) return true;
    return false;
  };
  return [...cmdOf].filter(([pid, cmd]) => cmd.includes(`--type=${type}`) && ours(pid)).map(([pid]) => pid);
}

/** Sign-in through the UI (e2e/helpers/annotate.ts does the same, but its module pulls DOM types into this Node-typed file). */
export async function signInAs(page: Page, name: string): Promise<void> {
  const existing = page.locator(`[data-testid="identity-item"][data-name="${name}"]`);
  await page.getByTestId('sign-in').waitFor();
  const secret = testSecretOf(name);
  if (await existing.count()) {
    await existing.click();
    await page.getByTestId('sign-in-secret').fill(secret);
    if ((await page.getByTestId('sign-in').getAttribute('data-first-sign-in')) === 'true')
      await page.getByTestId('sign-in-secret-confirm').fill(secret);
    await page.getByTestId('sign-in-submit').click();
  } else {
    await page.getByTestId('new-rater-name').fill(name);
    await page.getByTestId('new-rater-secret').fill(secret);
    await page.getByTestId('create-rater').click();
  }
  await page.getByTestId('signed-in').waitFor();
}

async function signOut(page: Page): Promise<void> {
  await page.getByTestId('sign-out').click();
  await page.getByTestId('sign-in').waitFor();
}

async function addRater(api: ProjectApi, admin: string, caseId: string, name: string, labelmap: Uint8Array): Promise<void> {
  await api.call('rater.create', { session: admin, name, role: 'annotator' });
  const token = await api.signInAs(name);
  // The server gives a 75 MiB upload 30 s plus 75 s (requestDeadline.ts); before that limit grew
  // with the voxels, a loaded machine missed the fixed 30 s (fetch failed). A retry, said aloud,
  // stays for a connection dropped all the same.
  for (let attempt = 1; ; attempt++) {
    try {
      await api.call('annotation.save', { session: token, caseId, status: 'submitted', labelmap });
      return;
    } catch (err) {
      process.stdout.write(`(saving ${name}'s labelmap, attempt ${attempt}: ${String(err)})\n`);
      if (attempt === 3) throw err;
    }
  }
}

/**
 * The model's result saved as its rater, as "Save as rater" does (`inference.saveResult`: the mask
 * at 0.5 and the Float32 p, which the server stores as p × 255 codes). The provenance is the test
 * suite's demo model's (nothing checks that the model exists), with this map's volumes.
 */
async function saveModelResult(api: ProjectApi, session: string, caseId: string, mask: Uint8Array, p: Float32Array): Promise<void> {
  let expected = 0;
  for (let i = 0; i < p.length; i++) expected += p[i];
  const voxelMl = (0.45 * 0.45 * 0.6) / 1000; // the synthetic CT's voxels (scripts/make-synthetic-ct.ts)
  const maskMl = mask.reduce((a, b) => a + b, 0) * voxelMl;
  await api.call('inference.saveResult', {
    session,
    caseId,
    mask,
    probabilities: new Uint8Array(p.buffer, p.byteOffset, p.byteLength),
    probabilityVolumes: 1,
    provenance: { ...modelProvenance(0.5), volumes: [{ label: 'lesion', expectedMl: expected * voxelMl, maskMl }] },
  });
}

interface Sample {
  label: string;
  metrics: string;
  /** rss: after the page's forced collection; afterWorkerGc: after the workers' too. */
  renderer: { rss: number; hwm: number; afterWorkerGc: number; polledPeak: number };
  gpu: number;
  jsHeapUsed: number;
}

const row = (s: Sample): string =>
  `| ${s.label} | ${MiB(s.renderer.rss)} | ${MiB(s.renderer.afterWorkerGc)} | ${MiB(s.renderer.hwm)} | ${MiB(s.renderer.polledPeak)} | ${MiB(s.jsHeapUsed)} | ${MiB(s.gpu)} | ${s.metrics} |`;

/**
 * The page's workers (the metrics worker is one) as CDP sessions: their isolates are collected
 * apart from the page's, so a forced collection of the page alone leaves a worker's dropped grids
 * in the renderer's RSS until that worker's next collection.
 */
function attachWorkers(cdp: CDPSession): { collect(): Promise<void> } {
  const sessions = new Set<string>();
  let id = 0;
  cdp.on('Target.attachedToTarget', (e) => {
    if (e.targetInfo.type === 'worker') sessions.add(e.sessionId);
  });
  cdp.on('Target.detachedFromTarget', (e) => sessions.delete(e.sessionId));
  void cdp.send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: false, flatten: false });
  return {
    async collect() {
      for (const sessionId of sessions) {
        const message = JSON.stringify({ id: ++id, method: 'HeapProfiler.collectGarbage' });
        await cdp.send('Target.sendMessageToTarget', { sessionId, message }).catch(() => undefined);
      }
    },
  };
}

/** One stage's figures, printed as taken so a run cut short still reports the stages it reached. */
async function sample(label: string, page: Page, cdp: CDPSession, rendererPid: number, gpuPids: number[]): Promise<Sample> {
  await cdp.send('HeapProfiler.collectGarbage');
  await page.waitForTimeout(500);
  // What the workers' isolates would give back at their next collection: shown beside, never subtracted.
  const beforeWorkerGc = procStatus(rendererPid).rss;
  await workers?.collect();
  await page.waitForTimeout(500);
  const { metrics } = await cdp.send('Performance.getMetrics');
  const jsHeapUsed = metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? Number.NaN;
  const gpu = gpuPids.reduce((sum, pid) => sum + (existsSync(`/proc/${pid}`) ? procStatus(pid).rss : 0), 0);
  const renderer = procStatus(rendererPid);
  const polledPeak = rssPoll?.takePeak() ?? Number.NaN;
  const taken = {
    label,
    metrics: await metricsStatus(page),
    renderer: { ...renderer, rss: beforeWorkerGc, afterWorkerGc: renderer.rss, polledPeak },
    gpu,
    jsHeapUsed,
  };
  process.stdout.write(`(stage) ${row(taken)}\n`);
  return taken;
}

/** Whether `count` legend items show voxels within `timeoutMs`. */
async function layersShown(page: Page, count: number, timeoutMs: number): Promise<boolean> {
  try {
    await page.waitForFunction(
      (n) => {
        const doc = (
          globalThis as unknown as { document: { querySelectorAll(s: string): ArrayLike<{ getAttribute(a: string): string | null }> } }
        ).document;
        const items = Array.from(doc.querySelectorAll('[data-testid="legend-item"]'));
        return items.filter((i) => Number(i.getAttribute('data-voxels')) > 0).length >= n;
      },
      count,
      { timeout: timeoutMs, polling: 500 },
    );
    return true;
  } catch {
    return false;
  }
}

async function waitForLayers(page: Page, count: number): Promise<void> {
  await page.getByTestId('review-panel').waitFor();
  if (!(await layersShown(page, count, 300_000))) {
    // Seen under heavy load: after the sign-in the legend never got the new layers' voxels. Say what
    // it showed, then do what a user would, open the case again (its memory is part of the peak).
    const legend = await page.getByTestId('legend-item').evaluateAll((items) => items.map((i) => i.getAttribute('data-voxels')));
    process.stdout.write(`(layers not shown after 300 s: legend voxels ${JSON.stringify(legend)}; case opened again)\n`);
    await openCaseByName(page, /CT 512/);
    await waitForVolume(page);
    if (!(await layersShown(page, count, 900_000))) throw new Error(`the review never showed ${count} layers`);
  }
  // The per-case metrics run in a worker of this renderer process (part of review mode's memory):
  // wait until they are computed for these layers. The panel reloads when the layer count
  // changes, so a 'ready' must hold across a pause to be the final one.
  const metricsSettled = async () =>
    page
      .locator('[data-testid="metrics-panel"][data-status="ready"], [data-testid="metrics-panel"][data-status="error"]')
      .waitFor({ timeout: 600_000 });
  await metricsSettled();
  await page.waitForTimeout(2000);
  await metricsSettled();
}

/** The metrics panel's status line (what the worker reported), for the table. */
async function metricsStatus(page: Page): Promise<string> {
  const panel = page.getByTestId('metrics-panel');
  return (await panel.count())
    ? `${await panel.getAttribute('data-status')}: ${await page.getByTestId('metrics-status').textContent()}`
    : 'no panel';
}

/**
 * The built app served on a project of one case, the synthetic 512×512×300 CT, by its real path:
 * data-cache may be a symbolic link, and the project keeps a case by its resolved path, so the
 * viewer's path would not match the case record and review would not start.
 */
export async function serveSyntheticCt(name: string): Promise<{ server: Awaited<ReturnType<typeof startServer>>; images: string }> {
  const ct = realpathSync(ensureSyntheticCt());
  execFileSync('npm', ['run', '--silent', 'build:web'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  const images = mkdtempSync(join(tmpdir(), 'quorum-bench-'));
  writeFileSync(join(images, 'quorum-demo.json'), JSON.stringify({ name, cases: [{ name: 'CT 512x512x300', path: ct, kind: 'nifti' }] }));
  const server = await startServer(root, { project: images, timeoutMs: 120_000 });
  return { server, images };
}

export async function run(): Promise<void> {
  // Made before any request: a second of synchronous work between two requests, on a loaded
  // machine, let the server's keep-alive close a connection the client then reused (fetch failed).
  const labelmaps = RATERS.map((_, r) => raterLabelmap(r));
  const probabilities = modelProbabilities();
  const modelMask = Uint8Array.from(probabilities, (p) => (p > 0.5 ? 1 : 0));
  const { server, images } = await serveSyntheticCt('memory bench');
  const api = projectApi(server.url);
  const before = new Set(chromiumProcesses('renderer'));
  const browser = await chromium.launch({ executablePath: CHROMIUM_EXECUTABLE, args: [...CHROMIUM_ARGS] });
  try {
    await api.call('project.open', {});
    await api.call('rater.create', { name: 'Reviewer', secret: testSecretOf('Reviewer') });
    const admin = await api.signInAs('Reviewer');
    const [ct] = await api.call<Array<{ caseId: string }>>('projectCase.list', { session: admin });

    const page = await browser.newPage({ viewport: { width: 1400, height: 800 } });
    await page.goto(server.url);
    await page.getByTestId('case-item').first().waitFor();
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    workers = attachWorkers(cdp);
    const fresh = chromiumProcesses('renderer').filter((p) => !before.has(p));
    // The page's renderer is the largest new one (others are spare or utility renderers).
    const rendererPid = fresh.sort((a, b) => procStatus(b).rss - procStatus(a).rss)[0];
    const gpuPids = chromiumProcesses('gpu-process');
    if (rendererPid === undefined) throw new Error('could not find the page’s renderer process');

    rssPoll = pollRss(rendererPid);
    const samples: Sample[] = [await sample('app loaded, no case', page, cdp, rendererPid, gpuPids)];
    // Opening a case needs a session: the reviewer opens the CT before anyone has annotated it.
    await signInAs(page, 'Reviewer');
    await openCaseByName(page, /CT 512/);
    await waitForVolume(page);
    samples.push(await sample('CT shown, no annotations yet', page, cdp, rendererPid, gpuPids));

    // The UI's sign-in reopened the project, which ends every session: sign in again over the API.
    const admin1 = await api.signInAs('Reviewer');
    const t0 = performance.now();
    for (const [r, name] of RATERS.entries()) await addRater(api, admin1, ct.caseId, name, labelmaps[r]);
    const saveMs = (performance.now() - t0) / RATERS.length;
    await signOut(page);
    await signInAs(page, 'Reviewer');
    await waitForLayers(page, RATERS.length);
    samples.push(await sample(`CT + ${RATERS.length} rater layers + heat map`, page, cdp, rendererPid, gpuPids));

    // Signed out first, so the page's work does not slow the upload (as for the raters above).
    await signOut(page);
    const admin2 = await api.signInAs('Reviewer');
    const t1 = performance.now();
    await saveModelResult(api, admin2, ct.caseId, modelMask, probabilities);
    process.stdout.write(`(the model's result saved as its rater in ${((performance.now() - t1) / 1000).toFixed(1)} s)\n`);
    await signInAs(page, 'Reviewer');
    await waitForLayers(page, LAYERS);
    samples.push(await sample(`+ a saved model result (mask layer, map in the worker)`, page, cdp, rendererPid, gpuPids));
    // A run of the model in this session also keeps its Float32 probabilities, which the overlay draws.
    await page.evaluate((n) => {
      const overlay = new Float32Array(n);
      for (let i = 0; i < n; i += 97) overlay[i] = (i % 1000) / 1000;
      (globalThis as unknown as { __benchOverlay: unknown }).__benchOverlay = overlay;
    }, VOXELS);
    samples.push(await sample(`+ a run's overlay map (Float32, in the page)`, page, cdp, rendererPid, gpuPids));

    rssPoll.stop();
    const worst = Math.max(...samples.map((s) => Math.max(s.renderer.hwm, s.renderer.polledPeak)));
    process.stdout.write(
      [
        '',
        `Renderer memory, 512×512×300 CT in review mode (${RATERS.length} raters + one model map); target: renderer peak < ${MiB(TARGET_BYTES)} MiB. Saving one rater's labelmap over the API took ${saveMs.toFixed(0)} ms.`,
        '',
        '| state | renderer RSS (MiB) | RSS after the workers’ GC too (MiB) | renderer peak RSS, VmHWM (MiB) | highest RSS polled in the stage (MiB) | JS heap used (MiB) | GPU process RSS (MiB, SwiftShader) | metrics panel |',
        '|---|---|---|---|---|---|---|---|',
        ...samples.map(row),
        '',
        `Peak renderer RSS (the higher of VmHWM and the polled RSS) ${MiB(worst)} MiB of the ${MiB(TARGET_BYTES)} MiB target: ${worst < TARGET_BYTES ? 'within' : 'OVER'}. ` +
          `Unavoidable bytes (int16 CT + ${LAYERS} Uint8 grids + the overlay's Float32 map, computed): ${MiB(UNAVOIDABLE_BYTES)} MiB, ` +
          `plus the empty app's ${MiB(samples[0].renderer.hwm)} MiB.`,
        '',
      ].join('\n'),
    );
  } finally {
    await browser.close();
    await server.stop();
    rmSync(images, { recursive: true, force: true });
  }
}
