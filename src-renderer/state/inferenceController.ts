/**
 * Running a model on the open case (issue 5): list models, fetch the picked model's files and load
 * them into the inference worker, gather the case's channels (DWI: mean b≈0 and highest-b images),
 * run with progress and cancel, then keep the result's float arrays and drive the overlay: the map
 * shown (probability, entropy, mutual information) and the region and volumes at the user's threshold.
 *
 * One controller object holds all of it (issue 15): startApp.ts creates it with the other controllers
 * and hands it to the components (ControllersContext), the shortcuts and the calibration, which call its methods.
 *
 * The probabilities stay Float32 from the runner to the screen and the save (issue 15): the
 * overlay draws them through transfer functions (inferenceOverlay.ts), a threshold change moves an
 * opacity step and reads the thresholded volumes from an index built once per result
 * (thresholdIndex.ts), and the mask is computed once, when it is saved (maskAtThreshold).
 *
 * The open case's voxels come from the viewer, which holds them already (a volume not yet shown
 * is loaded into the viewer the way showing it would); the worker gets copies, since the viewer
 * keeps drawing its own. Only the calibration's re-runs on other cases fetch volumes.
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
  type BrowserEp,
  type ChannelId,
  type InferenceProvenance,
  type LabelVolume,
  type SegmentationResult,
} from '../../src-shared/inference';
import { offeredChannels, whyModelRefusesCase } from '../../src-shared/inference/caseFit';
import { asFloat32, caseChannelSources } from '../../src-shared/inference/caseSources';
import { buildThresholdIndex, countAbove, type ThresholdIndex } from '../../src-shared/inference/thresholdIndex';
import type { InferenceWorkerEvent, InferenceWorkerRequest, InferenceWorkerTasks } from '../../src-shared/inference/workerProtocol';
import type { Geometry, Vec3, VoxelArray } from '../../src-shared/volume/types';
import { voxelView } from '../../src-shared/volume/voxelTypes';
import { fetchVolumeBytes, getApi, streamVolumeBytes } from '../api';
import { createInferenceOverlay, type InferenceOverlay } from '../viewer/inferenceOverlay';
import { inferenceMapScale, type ColourScale } from '../viewer/mapScales';
import type { ViewerSession } from '../viewer/viewerSession';
import { realWebGpuAdapter } from '../workers/realWebGpuAdapter';
import { createTaskWorker, TaskCancelledError } from '../workers/taskWorker';
import { annotationStore } from './annotationState';
import { appStore } from './appState';
import { createStore, type Store } from './createStore';
import { initialInferenceState, type InferenceDisplay, type InferenceState } from './inferenceState';
import { runNative, type NativeRun } from './nativeRun';
import { resolveWasmThreads, settingsStore, type ExecutionProviderChoice } from './settings';

const CANCEL_GRACE_MS = 3000;

/** The shown result for saving: the float probabilities, the mask at the threshold picked, and what it is. */
export interface ResultForSave {
  readonly probabilities: readonly Float32Array[];
  /** Class indices: sigmoid label k + 1, softmax class k (outputs.ts labelMask). */
  readonly mask: Uint8Array;
  readonly activation: 'sigmoid' | 'softmax';
  /** The foreground class names, in output order. */
  readonly classes: readonly string[];
  readonly provenance: InferenceProvenance;
}

export interface InferenceController {
  /** The panel's state (model list, run phase, result, threshold, save): what the inference panel renders. */
  readonly store: Store<InferenceState, Record<string, never>>;
  /**
   * Re-reads the model list. The server lists models to signed-in people only (a listing reads and
   * hashes files on disk); signed out, the list already shown stays (the panel says why an empty one is empty).
   */
  refreshModels(): Promise<void>;
  selectModel(key: string): void;
  runModel(): Promise<void>;
  cancelRun(): void;
  /**
   * The model's float logits per output channel on a case of the project (opened by its path), for a
   * recalibration fit (issue 17): the same worker and pipeline as a run from the panel, without
   * touching the panel's result. Rejects with the worker's sentence (a cancel too).
   */
  modelLogits(
    entry: ModelEntry,
    path: string,
    session: string,
    onProgress: (fraction: number) => void,
    announce: (text: string) => void,
  ): Promise<Float32Array[]>;
  /** Stops the calibration's re-run between patches (its promise rejects as cancelled). */
  cancelModelLogits(): void;
  setDisplay(display: InferenceDisplay): void;
  /** Shows foreground class `shownClass`'s maps and volumes (several classes only). */
  setShownClass(shownClass: number): void;
  /** The region and volumes at `threshold` (strictly above it): no voxel is read or written. */
  applyThreshold(threshold: number): void;
  /** The shown result with its mask at the current threshold, computed now (a save); null without one. */
  resultForSave(): ResultForSave | null;
  /** After a volume reached the screen: keep the overlay on its case, drop it for another case. */
  handleVolumeShown(): void;
  /** The side-by-side panes' "Model mask": the thresholded region's outline over a pane, following the threshold. */
  readonly modelMask: Pick<InferenceOverlay, 'showMaskIn' | 'hideMaskIn'>;
}

/** The finished result's float arrays and what the threshold reads from them. */
interface HeldResult {
  readonly r: SegmentationResult;
  /** As the worker made it (threshold 0.5); the save puts the user's threshold in. */
  readonly provenance: InferenceProvenance;
  readonly activation: 'sigmoid' | 'softmax';
  readonly labels: readonly string[];
  readonly index: ThresholdIndex;
  /** Per foreground class: Σp in ml (threshold-free) and one voxel's ml. */
  readonly expectedMl: readonly number[];
  readonly voxelMl: number;
}

/** The foreground classes (softmax: without the background), in output order. */
function foregroundClasses(labels: readonly string[], activation: 'sigmoid' | 'softmax'): readonly string[] {
  return activation === 'softmax' ? labels.slice(1) : labels;
}

async function fetchBytes(url: string): Promise<ArrayBuffer> {
  return (await fetchVolumeBytes(url)).buffer as ArrayBuffer;
}

type CaseInputs = { readonly images: Partial<Record<ChannelId, Float32Array>>; readonly bValue?: number } & Pick<
  Geometry,
  'dims' | 'spacingMm' | 'direction'
>;

/**
 * The case's volumes as voxel arrays: from the viewer when `c` is the case on screen (loading the
 * ones not yet shown into it), else fetched. `own` holds the arrays the viewer keeps.
 */
async function caseVolumes(viewer: ViewerSession, c: CaseDescriptor): Promise<{ arrays: VoxelArray[]; own: Set<VoxelArray> }> {
  const own = new Set<VoxelArray>();
  const arrays: VoxelArray[] = [];
  const onScreen = viewer.shownCaseVolume()?.caseDescriptor.caseId === c.caseId;
  for (const [index, v] of c.volumes.entries()) {
    const held = onScreen ? await viewer.loadShownCaseVolume(index, streamVolumeBytes) : null;
    if (held) {
      own.add(held.data);
      arrays.push(held.data);
    } else {
      arrays.push(voxelView(v.dataType, await fetchBytes(v.url), 0, v.dims[0] * v.dims[1] * v.dims[2]));
    }
  }
  return { arrays, own };
}

/** The model's inputs from a case: a DWI series gives b≈0 and high-b images, other sequences their channel; a CT its one volume. */
async function caseInputs(viewer: ViewerSession, c: CaseDescriptor): Promise<CaseInputs> {
  const first = c.volumes[0];
  const grid = { dims: first.dims, spacingMm: first.spacingMm, direction: first.direction };
  const { arrays, own } = await caseVolumes(viewer, c);
  const all = c.volumes.map((v, i) => ({ bValue: v.bValue, ...(v.sequence ? { sequence: v.sequence } : {}), data: arrays[i] }));
  const sources = caseChannelSources(c.modality, all);
  const images: Partial<Record<ChannelId, Float32Array>> = {};
  for (const [k, a] of Object.entries(sources.images) as [ChannelId, VoxelArray | undefined][]) {
    if (!a) continue;
    // The worker takes its inputs' buffers: the viewer's own arrays go as copies.
    images[k] = own.has(a) ? Float32Array.from(a) : asFloat32(a);
  }
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

/** `viewer`: the live viewer, whose case the model runs on and whose panes show the result. */
export function createInferenceController(viewer: ViewerSession): InferenceController {
  /** The panel's state, made with the controller (at start-up): what the inference panel renders. */
  const store = createStore<InferenceState, Record<string, never>>(initialInferenceState);
  const set = (patch: Partial<InferenceState>): void => store.update((s) => ({ ...s, ...patch }));
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
  let current: { abort: AbortController; graceTimer: number | null } | { native: NativeRun } | null = null;
  let result: HeldResult | null = null;
  /** The calibration's re-run in flight (one at a time, never beside a run of the panel's). */
  let logitsRun: AbortController | null = null;
  const overlay = createInferenceOverlay(viewer);

  const tasks = createTaskWorker<InferenceWorkerTasks>(
    () => new Worker(new URL('../workers/inference.worker.ts', import.meta.url), { type: 'module' }),
    {
      idOf: (e) => e.requestId,
      isFinal: (e) => e.type !== 'progress',
      failure: (requestId, message, cause) =>
        cause === 'crashed'
          ? { type: 'error', requestId, message: `The inference worker failed: ${message}`, cancelled: false }
          : { type: 'error', requestId, message, cancelled: true },
      cancel: (requestId): InferenceWorkerRequest => ({ type: 'cancel', requestId }),
    },
    // The next worker starts without the model.
    () => (loadedKey = null),
  );

  /** Sends a request and calls `onEvent` for every progress event answering it until the final one; `signal` cancels it. */
  function request(
    req: Exclude<InferenceWorkerRequest, { type: 'cancel' }>,
    transfer: Transferable[],
    onEvent: (e: InferenceWorkerEvent) => void,
    signal?: AbortSignal,
  ): Promise<InferenceWorkerEvent> {
    return tasks.run(req.type, req.requestId, req, { transfer, onProgress: onEvent, ...(signal ? { signal } : {}) });
  }

  /**
   * Runs the loaded model on the case's inputs, handing their buffers to the worker (they are not used
   * here afterwards). Aborting `signal` stops the run between patches; the promise then rejects as cancelled.
   */
  function runOnCase(
    requestId: string,
    input: CaseInputs,
    keepLogits: boolean,
    signal: AbortSignal,
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
      signal,
    );
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

  /**
   * The values and colour scale of `display` for foreground class `shownClass`. One foreground
   * label: its probability and the model's entropy, as before classes could be chosen. Several:
   * that class's probability and binary entropy; mutual information is the model's over all
   * classes (mapScales.ts inferenceMapScale says why).
   */
  function mapOf(held: HeldResult, display: InferenceDisplay, shownClass: number): { values: Float32Array; scale: ColourScale } {
    const { r, activation, labels } = held;
    const classes = foregroundClasses(labels, activation);
    const multi = classes.length > 1;
    const p = r.probabilities[activation === 'softmax' ? shownClass + 1 : shownClass];
    const scale = inferenceMapScale(display, activation, labels.length, multi ? classes[shownClass] : null);
    const values =
      display === 'probability' ? p : display === 'entropy' ? (multi ? classEntropy(p) : r.entropy) : (r.mutualInformation ?? r.entropy);
    return { values, scale };
  }

  function volumesAt(held: HeldResult, threshold: number): LabelVolume[] {
    const classes = foregroundClasses(held.labels, held.activation);
    return classes.map((label, k) => ({
      label,
      expectedMl: held.expectedMl[k],
      maskMl: countAbove(held.index.sortedScores[k], threshold) * held.voxelMl,
    }));
  }

  function showMap(display: InferenceDisplay, shownClass: number): ColourScale | null {
    if (!result) return null;
    const { values, scale } = mapOf(result, display, shownClass);
    void overlay.setMap(values, scale).catch(overlayFailed);
    return scale;
  }

  function overlayFailed(e: unknown): void {
    set({ message: `The model's map could not be drawn: ${e instanceof Error ? e.message : String(e)}` });
  }

  function clearResult(): void {
    result = null;
    overlay.remove();
    set({ resultCaseId: null, volumes: null, hasMutualInformation: false, timings: null, progress: null, saved: null, saveError: null });
  }

  function acceptResult(
    c: CaseDescriptor,
    entry: ModelEntry,
    r: SegmentationResult,
    provenance: InferenceProvenance,
    spacingMm: Vec3,
  ): void {
    const activation = entry.model?.activation ?? 'sigmoid';
    const labels = entry.model?.labels ?? ['label'];
    const voxelMl = (spacingMm[0] * spacingMm[1] * spacingMm[2]) / 1000;
    // Σp per foreground class, summed in voxel order as outputs.ts labelVolumes does.
    const expectedMl = r.probabilities.slice(activation === 'softmax' ? 1 : 0).map((p) => {
      let sum = 0;
      for (let v = 0; v < p.length; v++) sum += p[v];
      return sum * voxelMl;
    });
    const held: HeldResult = {
      r,
      provenance,
      activation,
      labels,
      index: buildThresholdIndex(r.probabilities, activation),
      expectedMl,
      voxelMl,
    };
    result = held;
    const threshold = 0.5;
    const { values, scale } = mapOf(held, 'probability', 0);
    set({
      phase: 'done',
      timings: r.timings,
      resultCaseId: c.caseId,
      hasMutualInformation: r.mutualInformation !== null,
      display: 'probability',
      shownClass: 0,
      threshold,
      mapScale: scale,
      volumes: volumesAt(held, threshold),
      saved: null,
      saveError: null,
    });
    void overlay.show(c.caseId, values, scale, held.index.region, threshold).catch(overlayFailed);
  }

  const controller: InferenceController = {
    store,
    async refreshModels() {
      const session = annotationStore.getState().signedIn?.token;
      if (session === undefined) return;
      const listed = await getApi()['quorum:models.list']({ session });
      if (!listed.ok) {
        set({ message: listed.error.message });
        return;
      }
      const { models, userDir } = listed.value;
      const selected = store.getState().selectedKey;
      const keep = models.some((m) => m.key === selected && m.error === null);
      set({ models, userModelsDir: userDir, selectedKey: keep ? selected : (models.find((m) => m.error === null)?.key ?? null) });
    },

    selectModel(key) {
      set({ selectedKey: key });
    },

    async runModel() {
      const state = store.getState();
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
            if (store.getState().phase === 'running') set({ progress });
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
        const input = await caseInputs(viewer, c);
        const requestId = `run-${++serial}`;
        current = { abort: new AbortController(), graceTimer: null };
        set({ phase: 'running', message: null, progress: null, timings: null });
        const answer = await runOnCase(requestId, input, false, current.abort.signal, (e) => {
          if (e.type === 'progress' && store.getState().phase === 'running') set({ progress: e.progress });
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
        if (current && 'graceTimer' in current && current.graceTimer) clearTimeout(current.graceTimer);
        current = null;
        if (e instanceof TaskCancelledError) set({ phase: 'cancelled', message: e.message });
        else set({ phase: 'error', message: e instanceof Error ? e.message : String(e) });
      }
    },

    cancelRun() {
      if (!current || store.getState().phase !== 'running') return;
      set({ phase: 'cancelling' });
      if ('native' in current) {
        // The server stops its worker thread between patches, or terminates it after a grace time.
        current.native.cancel();
        return;
      }
      const run = current;
      run.abort.abort();
      run.graceTimer = window.setTimeout(() => {
        // The worker did not get to the cancel: stop it for certain (the next run reloads the model).
        tasks.stop('Cancelled (the worker was stopped).');
      }, CANCEL_GRACE_MS);
    },

    async modelLogits(entry, path, session, onProgress, announce) {
      const phase = store.getState().phase;
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
      const input = await caseInputs(viewer, opened.value);
      const requestId = `logits-${++serial}`;
      logitsRun = new AbortController();
      try {
        const answer = await runOnCase(requestId, input, true, logitsRun.signal, (e) => {
          if (e.type === 'progress') onProgress(e.progress.fraction);
        });
        if (answer.type === 'error') throw new Error(answer.message);
        if (answer.type !== 'result' || !answer.result.logits) throw new Error('The inference worker sent no logits.');
        return answer.result.logits;
      } finally {
        logitsRun = null;
      }
    },

    cancelModelLogits() {
      logitsRun?.abort();
    },

    setDisplay(display) {
      const mapScale = showMap(display, store.getState().shownClass);
      if (mapScale) set({ display, mapScale });
    },

    setShownClass(shownClass) {
      const mapScale = showMap(store.getState().display, shownClass);
      if (mapScale) set({ shownClass, mapScale });
    },

    applyThreshold(threshold) {
      if (!result) return;
      overlay.setThreshold(threshold);
      // A save records one threshold: after a change the result is no longer the one saved.
      set({ threshold, volumes: volumesAt(result, threshold), saved: null, saveError: null });
    },

    resultForSave() {
      if (!result) return null;
      const { r, activation, labels, provenance } = result;
      return {
        probabilities: r.probabilities,
        mask: labelMask(r.probabilities, activation, store.getState().threshold),
        activation,
        classes: foregroundClasses(labels, activation),
        provenance,
      };
    },

    handleVolumeShown() {
      const c = appStore.getState().openCase;
      if (result && c?.caseId !== store.getState().resultCaseId) {
        clearResult();
        set({ phase: 'idle', message: null });
        return;
      }
      void overlay.ensure().catch(overlayFailed);
    },

    modelMask: overlay,
  };
  return controller;
}
