/**
 * The per-case metrics panel's actions: load the open project case's sources (evaluation.caseSources,
 * reviewers and admins only), evaluate them in the metrics worker, re-evaluate when a setting
 * changes, fold the signed-in rater's live edits in (debounced; the whole labelmap once with
 * `updateRater`, then only the axial slices each edit changed with `patchRater`, so only the
 * comparisons touching that rater are recomputed and a brush stroke sends a few slices to the
 * worker, not the volume), and centre the viewports on a lesion.
 *
 * Replies to anything but the newest request are dropped, so a slow result never overwrites a newer one.
 */
import { CONVENTIONS } from '../../src-shared/metrics/conventions/types';
import { labelsEvaluated } from '../../src-shared/project/labelTable';
import type { EvaluationOptions, RaterSource } from '../../src-shared/evaluation/types';
import { transferablesOf, type MetricsWorkerRequest, type MetricsWorkerTasks } from '../../src-shared/evaluation/workerProtocol';
import type { Vec3 } from '../../src-shared/volume/types';
import { getVolumeViewport, MPR_VIEWS } from '../viewer/mprViewer';
import { ownLabelmap, ownLabelmapSlices, type EditedSlices } from '../viewer/annotationSession';
import { shownCaseVolume } from '../viewer/viewerSession';
import { createTaskWorker } from '../workers/taskWorker';
import { annotationStore } from './annotationState';
import { loadCaseSources } from './evaluationSources';
import { refreshReviewLayers } from './reviewActions';
import { evaluationStore, updateEvaluation, type EvaluationSettings } from './evaluationState';

/** Edits arrive per brush dab; wait this long after the last before recomputing (the target is ~1 s end to end). */
const EDIT_DEBOUNCE_MS = 300;

let serial = 0;
let latest = '';
/** The case the worker holds, and the live-edit counter of the signed-in rater. */
let loadedCase: string | null = null;
let liveEdits = 0;
/**
 * Whether the worker holds the rater's live labelmap (sent whole once), so edits since can go as
 * slices; and the slices edited since it was last sent ('unknown': an edit that named none).
 */
let workerHasLive = false;
let liveSlices: Set<number> | 'unknown' = new Set();
let editTimer: ReturnType<typeof setTimeout> | null = null;
let loadSerial = 0;

/** The panel's worker: it keeps the case and its cache between requests (workerProtocol.ts); every reply is final. */
const tasks = createTaskWorker<MetricsWorkerTasks>(
  () => new Worker(new URL('../workers/metrics.worker.ts', import.meta.url), { type: 'module' }),
  {
    idOf: (reply) => reply.id,
    isFinal: () => true,
    failure: (id, message) => ({ type: 'result', id, ok: false, error: `The metrics worker failed: ${message}` }),
  },
  // A fresh worker holds no case: the next request that is not an `evaluate` would find none.
  () => {
    loadedCase = null;
    workerHasLive = false;
  },
);

function optionsOf(s: EvaluationSettings): EvaluationOptions {
  const labels = labelsEvaluated(annotationStore.getState().labels);
  return {
    conventions: CONVENTIONS,
    uncertainAs: s.uncertainAs,
    ...(labels ? { labels } : {}),
    ...(s.useThresholdMl === null ? {} : { useThresholdMl: s.useThresholdMl }),
    ...(s.tolerancesMm.length === 0 ? {} : { surfaceTolerancesMm: s.tolerancesMm }),
  };
}

type RequestBody = MetricsWorkerRequest extends infer R ? (R extends MetricsWorkerRequest ? Omit<R, 'id' | 'options'> : never) : never;

function send(body: RequestBody): void {
  latest = `m${++serial}`;
  const req = { ...body, id: latest, options: optionsOf(evaluationStore.getState().settings) } as MetricsWorkerRequest;
  updateEvaluation({ status: 'computing' });
  void tasks.run(req.type, req.id, req, { transfer: transferablesOf(req) }).then((reply) => {
    // A refused request left the worker's copy as it was: the next live edit sends the labelmap whole.
    if (!reply.ok) workerHasLive = false;
    if (reply.id !== latest) return;
    if (reply.ok) updateEvaluation((s) => ({ status: 'ready', result: reply.value, error: null, runs: s.runs + 1 }));
    else updateEvaluation({ status: 'error', error: reply.error });
  });
}

/** The signed-in reviewer's or admin's project case on screen, or null (annotators never get metrics). */
function evaluableCase(): { caseId: string; token: string; raterId: string } | null {
  const { signedIn, currentCase } = annotationStore.getState();
  if (!signedIn || !currentCase || signedIn.role === 'annotator') return null;
  return { caseId: currentCase.caseId, token: signedIn.token, raterId: signedIn.raterId };
}

/** (Re)loads the current case's sources and evaluates them; clears the panel when there is nothing to evaluate. */
export async function refreshEvaluation(): Promise<void> {
  const c = evaluableCase();
  const mine = ++loadSerial;
  if (!c) {
    loadedCase = null;
    latest = '';
    updateEvaluation({ status: 'idle', caseId: null, result: null, error: null, notes: [] });
    return;
  }
  updateEvaluation((s) => ({ status: 'loading', caseId: c.caseId, error: null, result: s.caseId === c.caseId ? s.result : null }));
  try {
    const loaded = await loadCaseSources(c.token, c.caseId);
    if (mine !== loadSerial) return;
    const notes = loaded.meta.raters
      .filter((r) => r.versionId === null)
      .map((r) => `${r.name}: ${r.status}, nothing submitted (not compared)`);
    const live = liveEdits > 0 && loadedCase === c.caseId ? ownLabelmap() : null;
    const raters = live ? withLive(loaded.input.raters, c.raterId, live) : loaded.input.raters;
    loadedCase = c.caseId;
    workerHasLive = live !== null;
    liveSlices = new Set();
    if (!live) liveEdits = 0;
    updateEvaluation({ notes });
    send({ type: 'evaluate', caseId: c.caseId, input: { ...loaded.input, raters } });
  } catch (err) {
    if (mine !== loadSerial) return;
    updateEvaluation({ status: 'error', error: err instanceof Error ? err.message : String(err) });
  }
}

function raterName(raterId: string): string {
  const { signedIn, layers } = annotationStore.getState();
  return signedIn?.raterId === raterId ? signedIn.name : (layers.find((l) => l.raterId === raterId)?.name ?? raterId);
}

function withLive(raters: readonly RaterSource[], raterId: string, labelmap: Uint8Array): RaterSource[] {
  const live: RaterSource = { id: raterId, name: `${raterName(raterId)} (editing)`, labelmap, key: `live-${liveEdits}` };
  const i = raters.findIndex((r) => r.id === raterId);
  return i < 0 ? [...raters, live] : raters.map((r, j) => (j === i ? live : r));
}

/** Changes settings; anything but the shown convention, the matrix measure and the label shown needs the worker. */
export function changeEvaluationSettings(patch: Partial<EvaluationSettings>): void {
  const before = evaluationStore.getState().settings;
  const settings = { ...before, ...patch };
  updateEvaluation({ settings });
  const recompute =
    settings.useThresholdMl !== before.useThresholdMl ||
    settings.uncertainAs !== before.uncertainAs ||
    settings.tolerancesMm.join(',') !== before.tolerancesMm.join(',');
  if (recompute && loadedCase !== null && loadedCase === evaluationStore.getState().caseId)
    send({ type: 'setOptions', caseId: loadedCase });
  // The heat map follows the panel's uncertain rule, so its Σ and V_soft stay one number.
  if (settings.uncertainAs !== before.uncertainAs) void refreshReviewLayers();
}

/** The project's label table changed: the labels evaluated one by one (metrics, heat map) may have too. */
export function labelTableChanged(): void {
  if (loadedCase !== null && loadedCase === evaluationStore.getState().caseId) send({ type: 'setOptions', caseId: loadedCase });
  void refreshReviewLayers();
}

export function setMetricsPanelExpanded(expanded: boolean): void {
  updateEvaluation({ expanded });
}

/** The signed-in rater edited their own labelmap on `slices`: recompute with it, debounced. */
export function noteOwnEdit(slices: EditedSlices): void {
  const c = evaluableCase();
  if (!c || loadedCase !== c.caseId) return;
  liveSlices = slices === 'unknown' || liveSlices === 'unknown' ? 'unknown' : new Set([...liveSlices, ...slices]);
  if (editTimer) clearTimeout(editTimer);
  updateEvaluation({ status: 'computing' });
  editTimer = setTimeout(() => {
    editTimer = null;
    const now = evaluableCase();
    if (!now || now.caseId !== loadedCase) return;
    const edited = liveSlices;
    liveSlices = new Set();
    liveEdits++;
    const name = `${raterName(now.raterId)} (editing)`;
    const key = `live-${liveEdits}`;
    const patch = workerHasLive && edited !== 'unknown' && edited.size > 0 ? ownLabelmapSlices([...edited].sort((a, b) => a - b)) : null;
    if (patch) {
      send({ type: 'patchRater', caseId: now.caseId, raterId: now.raterId, name, key, slices: patch });
      return;
    }
    const data = ownLabelmap();
    if (!data) return;
    workerHasLive = true;
    send({ type: 'updateRater', caseId: now.caseId, rater: { id: now.raterId, name, labelmap: data, key } });
  }, EDIT_DEBOUNCE_MS);
}

/** Centres every MPR viewport on an LPS point (focal point moves there, each camera keeps its direction and distance). */
export function centreViewportsOn(worldLps: Vec3): boolean {
  const shown = shownCaseVolume();
  if (!shown) return false;
  for (const view of MPR_VIEWS) {
    const viewport = getVolumeViewport(shown.viewer, view);
    const { focalPoint, position } = viewport.getCamera();
    if (!focalPoint || !position) continue;
    const d = [worldLps[0] - focalPoint[0], worldLps[1] - focalPoint[1], worldLps[2] - focalPoint[2]];
    viewport.setCamera({
      focalPoint: [worldLps[0], worldLps[1], worldLps[2]],
      position: [position[0] + d[0], position[1] + d[1], position[2] + d[2]],
    });
  }
  shown.viewer.renderingEngine.render();
  return true;
}
