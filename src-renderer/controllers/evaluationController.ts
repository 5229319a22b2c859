/**
 * The per-case metrics panel's controller: loads the open project case's sources
 * (evaluation.caseSources, reviewers and admins only), evaluates them in the metrics worker,
 * re-evaluates when a setting changes, and folds the signed-in rater's live edits in (debounced; the
 * whole labelmap once with `updateRater`, then only the axial slices each edit changed with
 * `patchRater`, so only the comparisons touching that rater are recomputed and a brush stroke sends
 * a few slices to the worker, not the volume). Made once at start-up (startApp.ts), which also
 * tells it when to reload.
 *
 * Replies to anything but the newest request are dropped, so a slow result never overwrites a newer one.
 */
import { freeInputGrids } from '../../src-shared/evaluation/inputGrids';
import { CONVENTIONS } from '../../src-shared/metrics/conventions/types';
import { labelsEvaluated } from '../../src-shared/project/labelTable';
import type { CaseSourcesInput, EvaluationOptions, RaterSource } from '../../src-shared/evaluation/types';
import { transferablesOf, type MetricsWorkerRequest, type MetricsWorkerTasks } from '../../src-shared/evaluation/workerProtocol';
import type { SlicePatch } from '../../src-shared/project/labelmapSlices';
import type { EditedSlices } from './viewerEvents';
import type { AnnotationState } from '../state/annotationState';
import type { Store } from '../state/createStore';
import type { LoadedCaseSources } from '../state/evaluationSources';
import type { EvaluationSettings, EvaluationState } from '../state/evaluationState';
import { createTaskWorker, type WorkerLike } from '../workers/taskWorker';

/** Edits arrive per brush dab; wait this long after the last before recomputing (the target is ~1 s end to end). */
const EDIT_DEBOUNCE_MS = 300;

export interface EvaluationDeps {
  readonly store: Store<EvaluationState, Record<string, never>>;
  readonly annotation: Pick<Store<AnnotationState, never>, 'getState'>;
  readonly loadCaseSources: (token: string, caseId: string) => Promise<LoadedCaseSources>;
  /** The signed-in rater's labelmap as it is on screen now (null: none shown). */
  readonly ownLabelmap: () => Uint8Array | null;
  /** The given axial slices of it (null: none shown). */
  readonly ownLabelmapSlices: (indices: number[]) => SlicePatch | null;
  /** The review layers follow the panel's uncertain rule and the label table. */
  readonly refreshReviewLayers: () => Promise<void>;
  readonly spawnWorker: () => WorkerLike;
}

type RequestBody = MetricsWorkerRequest extends infer R ? (R extends MetricsWorkerRequest ? Omit<R, 'id' | 'options'> : never) : never;

/** A case's sources by identity: the case, its grid, and each rater's and the model's version. */
function sourcesSignature(caseId: string, input: CaseSourcesInput): string {
  const m = input.model;
  return JSON.stringify([
    caseId,
    input.geometry.dims,
    input.raters.map((r) => [r.id, r.key, r.labelmap === null]),
    m ? [m.id, m.key, m.threshold, m.probability === null, m.savedMask !== undefined, m.expectedMl ?? null] : null,
  ]);
}

export class EvaluationController {
  private serial = 0;
  private latest = '';
  /** The case the worker holds, and the live-edit counter of the signed-in rater. */
  private loadedCase: string | null = null;
  private liveEdits = 0;
  /**
   * Whether the worker holds the rater's live labelmap (sent whole once), so edits since can go as
   * slices; and the slices edited since it was last sent ('unknown': an edit that named none).
   */
  private workerHasLive = false;
  private liveSlices: Set<number> | 'unknown' = new Set();
  private editTimer: ReturnType<typeof setTimeout> | null = null;
  private loadSerial = 0;
  /**
   * What the worker was last asked to evaluate whole (case, sources and their versions), while the
   * worker holds it; null once an edit, a failure or another case changed that.
   */
  private sentSources: string | null = null;
  /** Whether the newest request's reply has arrived. */
  private answered = true;
  /** The panel's worker: it keeps the case and its cache between requests (workerProtocol.ts); every reply is final. */
  private readonly tasks;

  /** The panel's state, made at start-up and handed in: what its components render. */
  get store(): Store<EvaluationState, Record<string, never>> {
    return this.deps.store;
  }

  constructor(private readonly deps: EvaluationDeps) {
    this.tasks = createTaskWorker<MetricsWorkerTasks>(
      deps.spawnWorker,
      {
        idOf: (reply) => reply.id,
        isFinal: () => true,
        failure: (id, message) => ({ type: 'result', id, ok: false, error: `The metrics worker failed: ${message}` }),
      },
      // A fresh worker holds no case: the next request that is not an `evaluate` would find none.
      () => {
        this.loadedCase = null;
        this.workerHasLive = false;
      },
    );
  }

  private update(patch: Partial<EvaluationState> | ((s: EvaluationState) => Partial<EvaluationState>)): void {
    this.deps.store.update((s) => ({ ...s, ...(typeof patch === 'function' ? patch(s) : patch) }));
  }

  private optionsOf(s: EvaluationSettings): EvaluationOptions {
    const labels = labelsEvaluated(this.deps.annotation.getState().labels);
    return {
      conventions: CONVENTIONS,
      uncertainAs: s.uncertainAs,
      ...(labels ? { labels } : {}),
      ...(s.useThresholdMl === null ? {} : { useThresholdMl: s.useThresholdMl }),
      ...(s.tolerancesMm.length === 0 ? {} : { surfaceTolerancesMm: s.tolerancesMm }),
    };
  }

  private send(body: RequestBody): void {
    const id = `m${++this.serial}`;
    this.latest = id;
    this.answered = false;
    if (body.type !== 'setOptions') this.sentSources = body.type === 'evaluate' ? sourcesSignature(body.caseId, body.input) : null;
    const req = { ...body, id, options: this.optionsOf(this.deps.store.getState().settings) } as MetricsWorkerRequest;
    this.update({ status: 'computing' });
    void this.tasks.run(req.type, req.id, req, { transfer: transferablesOf(req) }).then((reply) => {
      // A refused request left the worker's copy as it was: the next live edit sends the labelmap whole.
      if (!reply.ok) {
        this.workerHasLive = false;
        this.sentSources = null;
      }
      if (reply.id !== this.latest) return;
      this.answered = true;
      if (reply.ok) this.update((s) => ({ status: 'ready', result: reply.value, error: null, runs: s.runs + 1 }));
      else this.update({ status: 'error', error: reply.error });
    });
  }

  /** The signed-in reviewer's or admin's project case on screen, or null (annotators never get metrics). */
  private evaluableCase(): { caseId: string; token: string; raterId: string } | null {
    const { signedIn, currentCase } = this.deps.annotation.getState();
    if (!signedIn || !currentCase || signedIn.role === 'annotator') return null;
    return { caseId: currentCase.caseId, token: signedIn.token, raterId: signedIn.raterId };
  }

  /** (Re)loads the current case's sources and evaluates them; clears the panel when there is nothing to evaluate. */
  async refresh(): Promise<void> {
    const c = this.evaluableCase();
    const mine = ++this.loadSerial;
    if (!c) {
      this.loadedCase = null;
      this.latest = '';
      this.update({ status: 'idle', caseId: null, result: null, error: null, notes: [] });
      return;
    }
    this.update((s) => ({ status: 'loading', caseId: c.caseId, error: null, result: s.caseId === c.caseId ? s.result : null }));
    try {
      const loaded = await this.deps.loadCaseSources(c.token, c.caseId);
      if (mine !== this.loadSerial) {
        // A newer load superseded this one: its own copies (the model's map) are freed now.
        freeInputGrids(loaded.input);
        return;
      }
      const notes = loaded.meta.raters
        .filter((r) => r.versionId === null)
        .map((r) => `${r.name}: ${r.status}, nothing submitted (not compared)`);
      const live = this.liveEdits > 0 && this.loadedCase === c.caseId ? this.deps.ownLabelmap() : null;
      const raters = live ? this.withLive(loaded.input.raters, c.raterId, live) : loaded.input.raters;
      this.loadedCase = c.caseId;
      this.workerHasLive = live !== null;
      this.liveSlices = new Set();
      if (!live) this.liveEdits = 0;
      this.update({ notes });
      const input = { ...loaded.input, raters };
      if (!live && sourcesSignature(c.caseId, input) === this.sentSources) {
        // The same versions the worker holds (a reload when the review's layers changed): sending
        // them again would only compute the same result beside a second copy of the model's map.
        freeInputGrids(loaded.input);
        this.update({ status: this.answered ? 'ready' : 'computing' });
        return;
      }
      this.send({ type: 'evaluate', caseId: c.caseId, input });
    } catch (err) {
      if (mine !== this.loadSerial) return;
      this.update({ status: 'error', error: err instanceof Error ? err.message : String(err) });
    }
  }

  private raterName(raterId: string): string {
    const { signedIn, layers } = this.deps.annotation.getState();
    return signedIn?.raterId === raterId ? signedIn.name : (layers.find((l) => l.raterId === raterId)?.name ?? raterId);
  }

  private withLive(raters: readonly RaterSource[], raterId: string, labelmap: Uint8Array): RaterSource[] {
    const live: RaterSource = { id: raterId, name: `${this.raterName(raterId)} (editing)`, labelmap, key: `live-${this.liveEdits}` };
    const i = raters.findIndex((r) => r.id === raterId);
    return i < 0 ? [...raters, live] : raters.map((r, j) => (j === i ? live : r));
  }

  /** Changes settings; anything but the shown convention, the matrix measure and the label shown needs the worker. */
  changeSettings(patch: Partial<EvaluationSettings>): void {
    const before = this.deps.store.getState().settings;
    const settings = { ...before, ...patch };
    this.update({ settings });
    const recompute =
      settings.useThresholdMl !== before.useThresholdMl ||
      settings.uncertainAs !== before.uncertainAs ||
      settings.tolerancesMm.join(',') !== before.tolerancesMm.join(',');
    if (recompute && this.loadedCase !== null && this.loadedCase === this.deps.store.getState().caseId)
      this.send({ type: 'setOptions', caseId: this.loadedCase });
    // The heat map follows the panel's uncertain rule, so its Σ and V_soft stay one number.
    if (settings.uncertainAs !== before.uncertainAs) void this.deps.refreshReviewLayers();
  }

  /** The project's label table changed: the labels evaluated one by one (metrics, heat map) may have too. */
  labelTableChanged(): void {
    if (this.loadedCase !== null && this.loadedCase === this.deps.store.getState().caseId)
      this.send({ type: 'setOptions', caseId: this.loadedCase });
    void this.deps.refreshReviewLayers();
  }

  setPanelExpanded(expanded: boolean): void {
    this.update({ expanded });
  }

  /** The signed-in rater edited their own labelmap on `slices`: recompute with it, debounced. */
  noteOwnEdit(slices: EditedSlices): void {
    const c = this.evaluableCase();
    if (!c || this.loadedCase !== c.caseId) return;
    this.liveSlices = slices === 'unknown' || this.liveSlices === 'unknown' ? 'unknown' : new Set([...this.liveSlices, ...slices]);
    if (this.editTimer) clearTimeout(this.editTimer);
    this.update({ status: 'computing' });
    this.editTimer = setTimeout(() => {
      this.editTimer = null;
      const now = this.evaluableCase();
      if (!now || now.caseId !== this.loadedCase) return;
      const edited = this.liveSlices;
      this.liveSlices = new Set();
      this.liveEdits++;
      const name = `${this.raterName(now.raterId)} (editing)`;
      const key = `live-${this.liveEdits}`;
      const patch =
        this.workerHasLive && edited !== 'unknown' && edited.size > 0
          ? this.deps.ownLabelmapSlices([...edited].sort((a, b) => a - b))
          : null;
      if (patch) {
        this.send({ type: 'patchRater', caseId: now.caseId, raterId: now.raterId, name, key, slices: patch });
        return;
      }
      const data = this.deps.ownLabelmap();
      if (!data) return;
      this.workerHasLive = true;
      this.send({ type: 'updateRater', caseId: now.caseId, rater: { id: now.raterId, name, labelmap: data, key } });
    }, EDIT_DEBOUNCE_MS);
  }
}
