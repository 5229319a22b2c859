/** The evaluation controller with a fake metrics worker and a fake case: which reply reaches the panel. */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { withTransfer } from '../../src-shared/volume/freeGrid.testSupport';
import { axisAlignedGeometry } from '../../src-shared/volume/geometry';
import type { CaseEvaluation } from '../../src-shared/evaluation/types';
import type { MetricsWorkerReply, MetricsWorkerRequest } from '../../src-shared/evaluation/workerProtocol';
import type { AnnotationState } from '../state/annotationState';
import { createStore } from '../state/createStore';
import type { LoadedCaseSources } from '../state/evaluationSources';
import { initialEvaluationState, type EvaluationState } from '../state/evaluationState';
import type { WorkerLike } from '../workers/taskWorker';
import { EvaluationController, type EvaluationDeps } from './evaluationController';

/** A worker that keeps what it was sent and answers only when the test says so. */
function fakeWorker() {
  const posted: MetricsWorkerRequest[] = [];
  let onMessage: (e: { data: unknown }) => void = () => {};
  const worker: WorkerLike = {
    postMessage: (message) => posted.push(message as MetricsWorkerRequest),
    addEventListener: ((type: string, listener: (e: { data: unknown }) => void) => {
      if (type === 'message') onMessage = listener;
    }) as WorkerLike['addEventListener'],
    terminate: () => {},
  };
  const reply = (r: MetricsWorkerReply) => onMessage({ data: r });
  return { worker, posted, reply };
}

/** A reviewer signed in with case c1 open. */
const reviewerOnCase = {
  signedIn: { raterId: 'rev', name: 'Rev', role: 'reviewer', token: 't' },
  currentCase: { caseId: 'c1' },
  labels: [],
  layers: [],
} as unknown as AnnotationState;

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

function setup(
  live: Pick<EvaluationDeps, 'ownLabelmap' | 'ownLabelmapSlices'> = { ownLabelmap: () => null, ownLabelmapSlices: () => null },
) {
  const store = createStore<EvaluationState, Record<string, never>>(initialEvaluationState);
  const sources = {
    caseId: 'c1',
    name: 'C1',
    input: { geometry: axisAlignedGeometry([1, 1, 1], [1, 1, 1]), raters: [] },
    meta: { raters: [], models: [] },
  } as unknown as LoadedCaseSources;
  const { worker, posted, reply } = fakeWorker();
  let reviewRefreshes = 0;
  const controller = new EvaluationController({
    store,
    annotation: { getState: () => reviewerOnCase },
    loadCaseSources: () => Promise.resolve(sources),
    ...live,
    refreshReviewLayers: () => {
      reviewRefreshes++;
      return Promise.resolve();
    },
    spawnWorker: () => worker,
  });
  return { controller, store, posted, reply, reviewRefreshes: () => reviewRefreshes };
}

const evaluation = (tag: string) => ({ caseId: tag }) as unknown as CaseEvaluation;

describe('EvaluationController', () => {
  it('shows the newest request’s result and drops a slower older one', async () => {
    const { controller, store, posted, reply, reviewRefreshes } = setup();
    await controller.refresh();
    expect(posted.map((p) => p.type)).toEqual(['evaluate']);
    const before = store.getState().settings.uncertainAs;
    controller.changeSettings({ uncertainAs: before === 'background' ? 'lesion' : 'background' });
    expect(posted.map((p) => p.type)).toEqual(['evaluate', 'setOptions']);
    // The heat map follows the uncertain rule.
    expect(reviewRefreshes()).toBe(1);
    const newer = evaluation('newer');
    reply({ type: 'result', id: posted[1].id, ok: true, value: newer });
    await settle();
    reply({ type: 'result', id: posted[0].id, ok: true, value: evaluation('older') });
    await settle();
    expect(store.getState().result).toBe(newer);
    expect(store.getState().status).toBe('ready');
  });

  it('changing only what is shown (the convention) asks the worker for nothing', async () => {
    const { controller, store, posted } = setup();
    await controller.refresh();
    controller.changeSettings({ convention: store.getState().settings.convention === 'use' ? 'isles22' : 'use' });
    expect(posted.map((p) => p.type)).toEqual(['evaluate']);
  });

  it('sends the live labelmap whole once, then only the slices each edit changed, and whole again after an edit that named none', async () => {
    const labelmap = new Uint8Array(8);
    const asked: number[][] = [];
    const { controller, posted } = setup({
      ownLabelmap: () => labelmap.slice(),
      ownLabelmapSlices: (indices) => {
        asked.push(indices);
        return { indices, bytes: new Uint8Array(indices.length * 2) };
      },
    });
    await controller.refresh();
    vi.useFakeTimers();
    try {
      const sent = () => posted.slice(1).map((p) => p.type);
      controller.noteOwnEdit([2]);
      await vi.runAllTimersAsync();
      expect(sent()).toEqual(['updateRater']);
      // Edits within one debounce are gathered: the worker gets their slices, in order, once.
      controller.noteOwnEdit([3]);
      controller.noteOwnEdit([1, 3]);
      await vi.runAllTimersAsync();
      expect(sent()).toEqual(['updateRater', 'patchRater']);
      expect(asked).toEqual([[1, 3]]);
      controller.noteOwnEdit('unknown');
      await vi.runAllTimersAsync();
      expect(sent()).toEqual(['updateRater', 'patchRater', 'updateRater']);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('a load a newer one superseded, or one with the versions the worker holds', () => {
  let restore: () => void;
  beforeAll(() => (restore = withTransfer()));
  afterAll(() => restore());

  /** A case whose model map is `codes` (stored version `key`), as loadCaseSources gives it. */
  const loaded = (codes: Uint8Array, key = 'k') =>
    ({
      caseId: 'c1',
      name: 'C1',
      input: {
        geometry: axisAlignedGeometry([4, 1, 4], [1, 1, 1]),
        raters: [{ id: 'a', name: 'A', labelmap: null, key: 'va' }],
        model: { id: 'm', name: 'm', probability: { codes, values: new Float32Array(256) }, key, threshold: 0.5 },
      },
      meta: { raters: [], models: [] },
    }) as unknown as LoadedCaseSources;

  /** A reviewer's controller whose loads answer `answers` in turn. */
  function controllerAnswering(answers: Array<Promise<LoadedCaseSources>>) {
    const { worker, posted, reply } = fakeWorker();
    const store = createStore<EvaluationState, Record<string, never>>(initialEvaluationState);
    const controller = new EvaluationController({
      store,
      annotation: { getState: () => reviewerOnCase },
      loadCaseSources: () => answers.shift() ?? Promise.reject(new Error('no more loads')),
      ownLabelmap: () => null,
      ownLabelmapSlices: () => null,
      refreshReviewLayers: () => Promise.resolve(),
      spawnWorker: () => worker,
    });
    return { controller, store, posted, reply };
  }

  it('frees its own copy of the model’s map (as in the renderer) and sends only the newer load', async () => {
    const [older, newer] = [new Uint8Array(16), new Uint8Array(16)];
    let answerOlder: (l: LoadedCaseSources) => void = () => {};
    const { controller, posted } = controllerAnswering([
      new Promise<LoadedCaseSources>((resolve) => (answerOlder = resolve)),
      Promise.resolve(loaded(newer)),
    ]);
    const first = controller.refresh();
    await controller.refresh();
    answerOlder(loaded(older));
    await first;
    expect(older.length).toBe(0);
    expect(posted).toHaveLength(1);
    const sent = posted[0].type === 'evaluate' ? posted[0].input.model?.probability : null;
    expect(sent && !(sent instanceof Float32Array) && sent.codes).toBe(newer);
  });

  it('a reload with the versions the worker holds sends nothing again and frees its copy; other versions go', async () => {
    const maps = [new Uint8Array(16), new Uint8Array(16), new Uint8Array(16)];
    const { controller, store, posted, reply } = controllerAnswering([
      Promise.resolve(loaded(maps[0], 'v1')),
      Promise.resolve(loaded(maps[1], 'v1')),
      Promise.resolve(loaded(maps[2], 'v2')),
    ]);
    await controller.refresh();
    await controller.refresh(); // the same versions, the first still computing
    expect(posted).toHaveLength(1);
    expect(maps[1].length).toBe(0);
    expect(store.getState().status).toBe('computing');
    reply({ type: 'result', id: posted[0].id, ok: true, value: evaluation('v1') });
    await settle();
    expect(store.getState().status).toBe('ready');
    await controller.refresh(); // a new version of the model's result: evaluated
    expect(posted.map((p) => p.type)).toEqual(['evaluate', 'evaluate']);
    expect(maps[2].length).toBe(16);
  });
});
