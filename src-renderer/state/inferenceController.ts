/**
 * Running a model on the open case (issue 5): list models, fetch the picked model's files and load
 * them into the inference worker, gather the case's channels (DWI: mean b≈0 and highest-b images),
 * run with progress and cancel, then keep the result's arrays here and drive the overlay: the map
 * shown (probability, entropy, mutual information) and the mask and volumes at the user's threshold.
 *
 * Where it runs (issue 16; Settings' execution provider): WebGPU in the worker when this browser
 * has a real adapter and the model allows it; otherwise native CPU on the server (nativeRun.ts),
 * which is this computer (browser mode listens on 127.0.0.1 only; Electron's main process); WASM in
 * the worker when the server cannot (the reason is shown and kept in the provenance).
 *
 * Cancel asks the worker, which stops between patches; if it does not answer in CANCEL_GRACE_MS
 * (a single long session.run), the worker is terminated, which stops it for certain. A native run
 * is cancelled on the server, which does the same with its worker thread.
 */
import type { CaseDescriptor } from '../../src-shared/api/contract';
import type { ModelEntry } from '../../src-shared/api/inferenceChannels';
import {
  classEntropy,
  labelMask,
  labelVolumes,
  type BrowserEp,
  type ChannelId,
  type InferenceProvenance,
  type SegmentationResult,
} from '../../src-shared/inference';
import { offeredChannels, whyModelRefusesCase } from '../../src-shared/inference/caseFit';
import { asFloat32, caseChannelSources } from '../../src-shared/inference/caseSources';
import type { InferenceWorkerEvent, InferenceWorkerRequest } from '../../src-shared/inference/workerProtocol';
import type { Direction, Vec3, VoxelArray } from '../../src-shared/volume/types';
import { voxelView } from '../../src-shared/volume/voxelTypes';
import { fetchVolumeBytes, getApi } from '../api';
import { quantiseMap } from '../viewer/mapLevels';
import { inferenceMapScale, type ColourScale } from '../viewer/mapScales';
import {
  ensureInferenceLayers,
  MAP_FLOOR,
  MAP_LEVELS,
  removeInferenceLayers,
  showInferenceLayers,
  updateInferenceMap,
  updateInferenceMask,
} from '../viewer/inferenceOverlay';
import { annotationStore } from './annotationState';
import { appStore } from './appState';
import { inferenceStore, type InferenceDisplay, type InferenceState } from './inferenceState';
import { realWebGpuAdapter } from '../workers/realWebGpuAdapter';
import { createTaskWorker } from '../workers/taskWorker';
import { runNative, type NativeRun } from './nativeRun';
import { resolveWasmThreads, settingsStore, type ExecutionProviderChoice } from './settings';

const CANCEL_GRACE_MS = 3000;

/** The model the worker holds (null: none, or the worker was stopped or crashed and will come back empty). */
let loadedKey: string | null = null;
/** The provider the loaded worker chose, and why; shown again for every run on it. */
let workerEp: { ep: BrowserEp; fallbackReason: string | null; webgpuDetail: string | null } | null = null;
/**
 * Set when the Settings' EP or thread count changed. onnxruntime-web fixes its WASM thread pool when
 * it first initialises, so the worker itself must be replaced (before the next load, never mid-run).
 */
let workerStale = false;
settingsStore.on('inferenceChanged', () => {
  workerStale = true;
});
let serial = 0;
let current: { requestId: string; graceTimer: number | null } | { native: NativeRun } | null = null;
/** The finished result's arrays and what the overlay draws from them. */
let result: {
  r: SegmentationResult;
  /** As the worker made it (threshold 0.5); the save puts the user's threshold in. */
  provenance: InferenceProvenance;
  activation: 'sigmoid' | 'softmax';
  labels: string[];
  spacingMm: Vec3;
  map: Uint8Array;
  mask: Uint8Array;
} | null = null;
/** The calibration's re-run in flight (one at a time, never beside a run of the panel's). */
let logitsRun: string | null = null;

function set(patch: Partial<InferenceState>): void {
  inferenceStore.update((s) => ({ ...s, ...patch }));
}

const tasks = createTaskWorker<InferenceWorkerRequest, InferenceWorkerEvent>(
  () => new Worker(new URL('../workers/inference.worker.ts', import.meta.url), { type: 'module' }),
  {
    idOf: (e) => e.requestId,
    isFinal: (e) => e.type !== 'progress',
    failure: (requestId, message, cause) =>
      cause === 'crashed'
        ? { type: 'error', requestId, message: `The inference worker failed: ${message}`, cancelled: false }
        : { type: 'error', requestId, message, cancelled: true },
  },
  // The next worker starts without the model.
  () => (loadedKey = null),
);

/** Sends a request and calls `onEvent` for every progress event answering it until the final one. */
function request(
  req: Exclude<InferenceWorkerRequest, { type: 'cancel' }>,
  transfer: Transferable[],
  onEvent: (e: InferenceWorkerEvent) => void,
): Promise<InferenceWorkerEvent> {
  return tasks.request(req.requestId, req, { transfer, onProgress: onEvent });
}

type CaseInputs = Awaited<ReturnType<typeof caseInputs>>;

/** Runs the loaded model on the case's inputs, handing their buffers to the worker (they are not used here afterwards). */
function runOnCase(
  requestId: string,
  input: CaseInputs,
  keepLogits: boolean,
  onEvent: (e: InferenceWorkerEvent) => void,
): Promise<InferenceWorkerEvent> {
  const { dims, spacingMm, direction, images, bValue } = input;
  return request(
    {
      type: 'run',
      requestId,
      dims,
      spacingMm,
      direction,
      images,
      ...(bValue === undefined ? {} : { bValue }),
      ...(keepLogits ? { keepLogits: true } : {}),
    },
    Object.values(images).flatMap((a) => (a ? [a.buffer as ArrayBuffer] : [])),
    onEvent,
  );
}

/**
 * Re-reads the model list. The server lists models to signed-in people only (a listing reads and
 * hashes files on disk); signed out, the list already shown stays (the panel says why an empty one is empty).
 */
export async function refreshModels(): Promise<void> {
  const session = annotationStore.getState().signedIn?.token;
  if (session === undefined) return;
  const listed = await getApi()['quorum:models.list']({ session });
  if (!listed.ok) {
    set({ message: listed.error.message });
    return;
  }
  const { models, userDir } = listed.value;
  const selected = inferenceStore.getState().selectedKey;
  const keep = models.some((m) => m.key === selected && m.error === null);
  set({ models, userModelsDir: userDir, selectedKey: keep ? selected : (models.find((m) => m.error === null)?.key ?? null) });
}

export function selectModel(key: string): void {
  set({ selectedKey: key });
}

async function fetchBytes(url: string): Promise<ArrayBuffer> {
  return (await fetchVolumeBytes(url)).buffer as ArrayBuffer;
}

/** `announce` says what is loading; the panel by default, the calibration section for its re-runs. */
async function ensureLoaded(
  entry: ModelEntry,
  preferWebGpu: boolean,
  announce = (text: string) => set({ phase: 'loading', message: text }),
): Promise<void> {
  if (workerStale) {
    tasks.stop('The inference settings changed.');
    workerStale = false;
  }
  const key = `${entry.key}\n${preferWebGpu}`;
  if (loadedKey === key) return;
  announce(`Loading ${entry.model?.name ?? entry.folder}…`);
  const files: Record<string, ArrayBuffer> = {};
  for (const f of entry.files) files[f.name] = await fetchBytes(f.url);
  const settings = settingsStore.getState();
  const threads = resolveWasmThreads(settings.wasmThreads, navigator.hardwareConcurrency);
  const answer = await request(
    { type: 'load', requestId: `load-${++serial}`, files, preferWebGpu, wasmThreads: threads },
    Object.values(files),
    () => undefined,
  );
  if (answer.type === 'error') throw new Error(answer.message);
  if (answer.type === 'loaded') {
    loadedKey = key;
    workerEp = { ep: answer.ep, fallbackReason: answer.fallbackReason, webgpuDetail: answer.webgpuDetail };
  }
}

/** The model's inputs from the open case: a DWI series gives b≈0 and high-b images, other sequences their channel; a CT its one volume. */
async function caseInputs(
  c: CaseDescriptor,
): Promise<{ images: Partial<Record<ChannelId, Float32Array>>; bValue?: number; dims: Vec3; spacingMm: Vec3; direction: Direction }> {
  const first = c.volumes[0];
  const grid = { dims: first.dims, spacingMm: first.spacingMm, direction: first.direction as unknown as Direction };
  const all = [];
  for (const v of c.volumes) {
    const buffer = await fetchBytes(v.url);
    const n = v.dims[0] * v.dims[1] * v.dims[2];
    all.push({ bValue: v.bValue, ...(v.sequence ? { sequence: v.sequence } : {}), data: voxelView(v.dataType, buffer, 0, n) });
  }
  const sources = caseChannelSources(c.modality, all);
  const images: Partial<Record<ChannelId, Float32Array>> = {};
  for (const [k, a] of Object.entries(sources.images) as [ChannelId, VoxelArray | undefined][]) if (a) images[k] = asFloat32(a);
  return { images, ...(sources.bValue === undefined ? {} : { bValue: sources.bValue }), ...grid };
}

/**
 * Who runs the model first: native CPU on the server (with the reason the automatic choice gives
 * for it; none when the user chose it), or the worker (WebGPU when allowed and preferred, else WASM).
 */
type FirstRunner =
  { readonly kind: 'native'; readonly reason: string | null } | { readonly kind: 'worker'; readonly preferWebGpu: boolean };

async function firstRunner(choice: ExecutionProviderChoice, entry: ModelEntry, signedIn: boolean): Promise<FirstRunner> {
  if (choice === 'wasm' || !signedIn) return { kind: 'worker', preferWebGpu: false };
  if (choice === 'native') return { kind: 'native', reason: null };
  if (!entry.webgpu?.canRun)
    return { kind: 'native', reason: `${entry.webgpu?.blocking[0] ?? 'The model cannot run on WebGPU'}; native CPU runs it.` };
  if (await realWebGpuAdapter()) return { kind: 'worker', preferWebGpu: true };
  return { kind: 'native', reason: 'WebGPU is not available on this computer; native CPU runs it.' };
}

export async function runModel(): Promise<void> {
  const state = inferenceStore.getState();
  const c = appStore.getState().openCase;
  const entry = state.models.find((m) => m.key === state.selectedKey);
  if (!c || !entry || entry.error !== null || state.phase === 'running' || state.phase === 'loading') return;
  if (logitsRun !== null) {
    set({ phase: 'error', message: 'The calibration is re-running the model: wait for it, or cancel it in the Dashboard.' });
    return;
  }
  clearResult();
  // Also reached by the G key while the panel shows the refusal: say why rather than fail mid-run.
  const refused = entry.model ? whyModelRefusesCase(entry.model, offeredChannels(c)) : null;
  if (refused) {
    set({ phase: 'error', message: refused });
    return;
  }
  try {
    const session = annotationStore.getState().signedIn?.token;
    const first = await firstRunner(settingsStore.getState().executionProvider, entry, session !== undefined);
    let nativeFailure: string | null = null;
    if (first.kind === 'native' && session !== undefined) {
      const run = runNative(session, c.caseId, entry.key, (progress) => {
        if (inferenceStore.getState().phase === 'running') set({ progress });
      });
      current = { native: run };
      set({
        phase: 'running',
        message: null,
        progress: null,
        timings: null,
        ep: 'cpu-native',
        fallbackReason: first.reason,
        webgpuDetail: null,
      });
      const outcome = await run.outcome;
      current = null;
      if (outcome.kind === 'result') {
        acceptResult(c, entry, outcome.result, { ...outcome.provenance, fallbackReason: first.reason }, c.volumes[0].spacingMm);
        return;
      }
      if (outcome.kind === 'cancelled') {
        set({ phase: 'cancelled', message: 'Cancelled.', progress: null });
        return;
      }
      nativeFailure = `Native CPU could not run the model (${outcome.reason.replace(/\.$/, '')}); using WASM.`;
    }
    await ensureLoaded(entry, first.kind === 'worker' && first.preferWebGpu);
    set({
      ep: workerEp?.ep ?? null,
      fallbackReason: nativeFailure ?? workerEp?.fallbackReason ?? null,
      webgpuDetail: workerEp?.webgpuDetail ?? null,
    });
    set({ phase: 'loading', message: 'Reading the case…' });
    const input = await caseInputs(c);
    const requestId = `run-${++serial}`;
    current = { requestId, graceTimer: null };
    set({ phase: 'running', message: null, progress: null, timings: null });
    const answer = await runOnCase(requestId, input, false, (e) => {
      if (e.type === 'progress' && inferenceStore.getState().phase === 'running') set({ progress: e.progress });
    });
    if (current && 'graceTimer' in current && current.graceTimer) clearTimeout(current.graceTimer);
    current = null;
    if (answer.type === 'error') {
      set({ phase: answer.cancelled ? 'cancelled' : 'error', message: answer.message });
      return;
    }
    if (answer.type === 'result') {
      // The worker knows only its own choice; a native failure before it is the reason WASM ran.
      const provenance = nativeFailure ? { ...answer.provenance, fallbackReason: nativeFailure } : answer.provenance;
      set({ webgpuDetail: answer.webgpuDetail });
      acceptResult(c, entry, answer.result, provenance, input.spacingMm);
    }
  } catch (e) {
    current = null;
    set({ phase: 'error', message: e instanceof Error ? e.message : String(e) });
  }
}

/**
 * The model's float logits per output channel on a case of the project (opened by its path), for a
 * recalibration fit (issue 17): the same worker and pipeline as a run from the panel, without
 * touching the panel's result. Rejects with the worker's sentence (a cancel too).
 */
export async function modelLogits(
  entry: ModelEntry,
  path: string,
  session: string,
  onProgress: (fraction: number) => void,
  announce: (text: string) => void,
): Promise<Float32Array[]> {
  const phase = inferenceStore.getState().phase;
  if (phase === 'running' || phase === 'loading' || phase === 'cancelling' || logitsRun !== null)
    throw new Error('The model is already running: wait for that run or cancel it first.');
  const opened = await getApi()['quorum:case.open']({ session, path });
  if (!opened.ok) throw new Error(`${path} could not be opened: ${opened.error.message}`);
  const refused = entry.model ? whyModelRefusesCase(entry.model, offeredChannels(opened.value)) : null;
  if (refused) throw new Error(refused);
  // The re-run needs the logits, which only the worker returns: WebGPU where the automatic choice
  // would take it, else WASM.
  const choice = settingsStore.getState().executionProvider;
  const preferWebGpu = choice !== 'wasm' && choice !== 'native' && entry.webgpu?.canRun === true && (await realWebGpuAdapter());
  await ensureLoaded(entry, preferWebGpu, announce);
  const input = await caseInputs(opened.value);
  const requestId = `logits-${++serial}`;
  logitsRun = requestId;
  try {
    const answer = await runOnCase(requestId, input, true, (e) => {
      if (e.type === 'progress') onProgress(e.progress.fraction);
    });
    if (answer.type === 'error') throw new Error(answer.message);
    if (answer.type !== 'result' || !answer.result.logits) throw new Error('The inference worker sent no logits.');
    return answer.result.logits;
  } finally {
    logitsRun = null;
  }
}

/** Stops the calibration's re-run between patches (its promise rejects as cancelled). */
export function cancelModelLogits(): void {
  if (logitsRun) tasks.send({ type: 'cancel', requestId: logitsRun });
}

export function cancelRun(): void {
  if (!current || inferenceStore.getState().phase !== 'running') return;
  set({ phase: 'cancelling' });
  if ('native' in current) {
    // The server stops its worker thread between patches, or terminates it after a grace time.
    current.native.cancel();
    return;
  }
  const run = current;
  const { requestId } = run;
  tasks.send({ type: 'cancel', requestId });
  run.graceTimer = window.setTimeout(() => {
    // The worker did not get to the cancel: stop it for certain (the next run reloads the model).
    tasks.stop('Cancelled (the worker was stopped).');
  }, CANCEL_GRACE_MS);
}

function acceptResult(c: CaseDescriptor, entry: ModelEntry, r: SegmentationResult, provenance: InferenceProvenance, spacingMm: Vec3): void {
  const activation = entry.model?.activation ?? 'sigmoid';
  const labels = entry.model?.labels ?? ['label'];
  const n = r.mask.length;
  result = { r, provenance, activation, labels, spacingMm, map: new Uint8Array(n), mask: new Uint8Array(n) };
  set({
    phase: 'done',
    timings: r.timings,
    resultCaseId: c.caseId,
    hasMutualInformation: r.mutualInformation !== null,
    display: 'probability',
    shownClass: 0,
    threshold: 0.5,
    mapScale: drawMap('probability', 0),
  });
  applyThreshold(0.5);
  showInferenceLayers(c.caseId, result.map, result.mask);
}

/** The foreground classes (softmax: without the background), in output order. */
function foregroundClasses(labels: readonly string[], activation: 'sigmoid' | 'softmax'): readonly string[] {
  return activation === 'softmax' ? labels.slice(1) : labels;
}

/**
 * Draws `display` of foreground class `shownClass` into the map layer's levels; returns its colour
 * scale (null without a result). One foreground label: its probability and the model's entropy, as
 * before classes could be chosen. Several: that class's probability and binary entropy; mutual
 * information is the model's over all classes (mapScales.ts inferenceMapScale says why).
 */
function drawMap(display: InferenceDisplay, shownClass: number): ColourScale | null {
  if (!result) return null;
  const { r, activation, labels } = result;
  const classes = foregroundClasses(labels, activation);
  const multi = classes.length > 1;
  const p = r.probabilities[activation === 'softmax' ? shownClass + 1 : shownClass];
  const scale = inferenceMapScale(display, activation, labels.length, multi ? classes[shownClass] : null);
  const values =
    display === 'probability' ? p : display === 'entropy' ? (multi ? classEntropy(p) : r.entropy) : (r.mutualInformation ?? r.entropy);
  quantiseMap(values, scale.max, MAP_LEVELS, MAP_FLOOR, result.map);
  return scale;
}

export function setDisplay(display: InferenceDisplay): void {
  if (!result) return;
  const mapScale = drawMap(display, inferenceStore.getState().shownClass);
  updateInferenceMap();
  set({ display, mapScale });
}

/** Shows foreground class `shownClass`'s maps and volumes (several classes only). */
export function setShownClass(shownClass: number): void {
  if (!result) return;
  const mapScale = drawMap(inferenceStore.getState().display, shownClass);
  updateInferenceMap();
  set({ shownClass, mapScale });
}

/** Recomputes the mask (strictly above the threshold) and both volumes, and redraws the outline. */
export function applyThreshold(threshold: number): void {
  if (!result) return;
  const { r, activation, labels, spacingMm } = result;
  result.mask.set(labelMask(r.probabilities, activation, threshold));
  const volumes = labelVolumes(r.probabilities, result.mask, labels, activation, spacingMm);
  updateInferenceMask();
  // A save records one threshold: after a change the result is no longer the one saved.
  set({ threshold, volumes, saved: null, saveError: null });
}

/**
 * The shown result for saving (inferenceSave.ts): probabilities, the mask at the current threshold
 * (class indices: sigmoid label k + 1, softmax class k), the foreground class names, provenance.
 */
export function shownResult(): {
  probabilities: readonly Float32Array[];
  mask: Uint8Array;
  activation: 'sigmoid' | 'softmax';
  classes: readonly string[];
  provenance: InferenceProvenance;
} | null {
  return (
    result && {
      probabilities: result.r.probabilities,
      mask: result.mask,
      activation: result.activation,
      classes: foregroundClasses(result.labels, result.activation),
      provenance: result.provenance,
    }
  );
}

export function clearResult(): void {
  result = null;
  removeInferenceLayers();
  set({ resultCaseId: null, volumes: null, hasMutualInformation: false, timings: null, progress: null, saved: null, saveError: null });
}

/** After a volume reached the screen: keep the overlay on its case, drop it for another case. */
export function handleInferenceVolumeShown(): void {
  const c = appStore.getState().openCase;
  if (result && c?.caseId !== inferenceStore.getState().resultCaseId) {
    clearResult();
    set({ phase: 'idle', message: null });
    return;
  }
  ensureInferenceLayers();
}
