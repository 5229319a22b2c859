/**
 * Start-up: makes the renderer's controllers once, each with what it depends on passed in (as
 * src-main/server/backend.ts does for the main side), and wires them to each other and to the
 * window here, not inside React effects. main.tsx calls it before the first render and hands the
 * result to the components through ControllersContext.
 */
import { fetchVolumeBytes, getApi, onMenuCommand } from '../api';
import { handleShortcut } from '../keyboard/shortcuts';
import { annotationStore, tell, updateAnnotation } from '../state/annotationState';
import { createInferenceController, type InferenceController } from '../state/inferenceController';
import { keepTabPosition, restoreTab } from '../state/tabRestore';
import { createStore, type Store } from '../state/createStore';
import { appStore } from '../state/appState';
import { loadProject, openCasePath, refreshRecent } from '../state/caseActions';
import { loadCaseSources } from '../state/evaluationSources';
import { initialEvaluationState, type EvaluationState } from '../state/evaluationState';
import { loadReviewLayers, refreshReviewLayers, type ReviewSources } from '../state/reviewActions';
import { loadIdentities } from '../state/raterActions';
import { createMetricsWorkerPool, defaultPoolSize } from '../workers/metricsPool';
import type { CaseEvaluation } from '../../src-shared/evaluation/types';
import { setHelpVisible, showWorkspace } from '../state/uiActions';
import { AnnotationLayers } from '../viewer/annotationSession';
import { LabelmapLayers } from '../viewer/labelmapLayers';
import { redoEdit, undoEdit } from '../viewer/annotationTools';
import { setThresholdTolerance } from '../viewer/editToolClasses';
import { SequencePairPanes } from '../viewer/sequencePair';
import { SideBySidePanes } from '../viewer/sideBySide';
import { ViewerSession } from '../viewer/viewerSession';
import { AnnotationController } from './annotationController';
import { EvaluationController } from './evaluationController';
import { StudyController } from './studyController';
import { createViewerEvents, type ViewerEventBus } from './viewerEvents';
import { CalibrationController } from './calibrationController';
import { DashboardController } from './dashboardController';
import { TimeOnTask } from './timeOnTask';
import { WorklistController } from './worklistController';

export interface Controllers {
  /** The one live viewer (its case volumes and cameras) and the annotation layers drawn on it (over one labelmap layer registry). */
  readonly viewer: ViewerSession;
  readonly annotationLayers: AnnotationLayers;
  /** The review's layers with the metrics panel's uncertain rule, for the verbs that reload them. */
  readonly review: ReviewSources;
  readonly viewerEvents: ViewerEventBus;
  readonly worklist: WorklistController;
  readonly timeOnTask: TimeOnTask;
  readonly annotation: AnnotationController;
  readonly inference: InferenceController;
  /** The viewer's extra panes: review's side-by-side layers, and two sequences side by side. */
  readonly sideBySide: SideBySidePanes;
  readonly sequencePair: SequencePairPanes;
  readonly study: StudyController;
  readonly evaluation: EvaluationController;
  readonly dashboard: DashboardController;
  readonly calibration: CalibrationController;
}

export function createControllers(api = getApi()): Controllers {
  const viewer = new ViewerSession();
  const labelmapLayers = new LabelmapLayers();
  const annotationLayers = new AnnotationLayers(viewer, labelmapLayers);
  const evaluationState = createStore<EvaluationState, Record<string, never>>(initialEvaluationState);
  const review: ReviewSources = { layers: annotationLayers, uncertainAs: () => evaluationState.getState().settings.uncertainAs };
  const worklist = new WorklistController({ api, annotation: annotationStore, app: appStore, openCasePath, showWorkspace, tell });
  const timeOnTask = new TimeOnTask({ api, annotation: annotationStore, worklist });
  const annotation = new AnnotationController({
    api,
    store: annotationStore,
    app: appStore,
    viewer: {
      shownCase: () => viewer.shownCaseVolume()?.caseDescriptor ?? null,
      showOwn: (data, labels) => annotationLayers.showOwnLabelmap(data, labels),
      clearLayers: () => annotationLayers.clearAnnotationLayers(),
      rebindLayers: () => annotationLayers.rebindLayers(),
      ownLabelmap: () => annotationLayers.ownLabelmap(),
      ownLabelmapSlices: (indices) => annotationLayers.ownLabelmapSlices(indices),
      interpolate: () => annotationLayers.interpolateOwnLabelmap(),
      undo: () => void undoEdit(),
      redo: () => void redoEdit(),
      setThresholdTolerance,
    },
    loadReviewLayers: (record, token, current) => loadReviewLayers(review, record, token, current),
  });
  const inference = createInferenceController(viewer);
  const study = new StudyController({ api, fetchVolumeBytes });
  const evaluation = new EvaluationController({
    store: evaluationState,
    annotation: annotationStore,
    loadCaseSources,
    ownLabelmap: () => annotationLayers.ownLabelmap(),
    ownLabelmapSlices: (indices) => annotationLayers.ownLabelmapSlices(indices),
    refreshReviewLayers: () => refreshReviewLayers(review),
    spawnWorker: () => new Worker(new URL('../workers/metrics.worker.ts', import.meta.url), { type: 'module' }),
  });
  const dashboard = new DashboardController({
    api,
    annotation: annotationStore,
    loadCaseSources,
    createPool: () => createMetricsWorkerPool<CaseEvaluation>(defaultPoolSize(navigator.hardwareConcurrency)),
    openCasePath,
    showWorkspace,
  });
  const calibration = new CalibrationController({
    api,
    annotation: annotationStore,
    dashboard,
    loadCaseSources,
    inference,
    spawnWorker: () => new Worker(new URL('../workers/calibration.worker.ts', import.meta.url), { type: 'module' }),
  });
  const sideBySide = new SideBySidePanes(() => viewer.shownCaseVolume(), labelmapLayers, inference.modelMask);
  const sequencePair = new SequencePairPanes({
    shown: () => viewer.shownCaseVolume(),
    loadVolume: (index, streamBytes) => viewer.loadShownCaseVolume(index, streamBytes),
    autoWindowOf: (index) => viewer.autoWindowOf(index),
  });
  return {
    viewer,
    annotationLayers,
    review,
    viewerEvents: createViewerEvents(),
    worklist,
    timeOnTask,
    annotation,
    inference,
    sideBySide,
    sequencePair,
    study,
    evaluation,
    dashboard,
    calibration,
  };
}

/** Wires the controllers to the app's events and the window (once per page). */
export function startApp(c: Controllers): void {
  c.timeOnTask.install();
  // The viewer's events, each to the state it changes: the annotation layers attach to a volume on
  // screen first, then the model overlay (deferred: the layers are rebound in the same event and may drop it).
  c.viewerEvents.on('volume-shown', () => c.annotation.volumeShown());
  c.viewerEvents.on('volume-shown', () => void setTimeout(() => c.inference.handleVolumeShown(), 0));
  c.viewerEvents.on('threshold-range', ({ range }) => updateAnnotation({ thresholdRange: range }));
  c.viewerEvents.on('contour-refused', ({ why }) => tell(why, true));
  // What the components and the annotation verbs announce, routed to the controller that acts on it.
  appStore.on('nextCaseRequested', () => void c.worklist.goToNextCase());
  appStore.on('workSubmitted', () => c.timeOnTask.noteSubmitted());
  appStore.on('labelTableChanged', () => c.evaluation.labelTableChanged());
  appStore.on('annotationsImported', () => void c.annotation.syncCase());
  // The metrics panel reloads when the case, the session, the rater's saved version or the review
  // layers change, and recomputes on the rater's own edits.
  whenChanged([annotationStore], evaluationKey, () => void c.evaluation.refresh());
  c.viewerEvents.on('labelmap-modified', (change) => {
    if (change.cause !== 'load') c.evaluation.noteOwnEdit(change.slices);
  });
  wireAnnotation(c);
  // The worklist is loaded when it is shown, and again for another rater while it is shown.
  whenChanged([appStore, annotationStore], worklistKey, (key) => {
    if (key !== '') void c.worklist.refresh();
  });
  void loadProject();
  void refreshRecent();
  // A reload keeps the sign-in and reopens the last case at its slices (tabRestore.ts).
  keepTabPosition(c.viewer);
  void restoreTab(c.viewer, c.viewerEvents, c.annotation);
  window.addEventListener('keydown', (e) => {
    if (handleShortcut(e, c)) e.preventDefault();
  });
  // Electron's application menu sends its commands here; browser mode has no menu.
  onMenuCommand((command) => {
    if (command.type === 'open-path') void openCasePath(command.path);
    else if (command.type === 'open-project') void loadProject(command.path);
    else setHelpVisible(true);
  });
}

/** The own annotation follows its edits, and is saved before the case changes or the window goes. */
function wireAnnotation({ annotation, annotationLayers, viewerEvents }: Controllers): void {
  void loadIdentities();
  viewerEvents.on('labelmap-modified', (change) => annotation.labelmapModified(change));
  // The viewer's tools follow the state: a brush picked while the layer was still loading is bound once it mounts.
  whenChanged([annotationStore, appStore], editToolKey, () => {
    const s = annotationStore.getState();
    annotationLayers.applyEditTool(s.tool, appStore.getState().primaryTool, s.radiusMm, s.label);
  });
  // Picking a navigation tool (C, W, P, Z) puts the brush away, also when it is the tool chosen
  // before the brush (a change of primaryTool alone would miss that case).
  appStore.on('primaryToolChosen', () => {
    if (annotationStore.getState().tool !== null) annotation.chooseEditTool(null);
  });
  // Autosave before the case changes (the old labelmap is still in memory until the new case shows)…
  let openCase = appStore.getState().openCase;
  appStore.subscribe(() => {
    const next = appStore.getState().openCase;
    if (next === openCase) return;
    openCase = next;
    void annotation.flush('switch');
  });
  // …and when the window is hidden or closed.
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden') void annotation.flush('switch');
  });
  // Ctrl+wheel over the viewports resizes the brush instead of scrolling slices.
  window.addEventListener(
    'wheel',
    (e) => {
      if (!e.ctrlKey || annotationStore.getState().tool === null) return;
      if (!(e.target instanceof Element) || !e.target.closest('[data-testid="viewer-grid"]')) return;
      e.preventDefault();
      e.stopPropagation();
      annotation.changeBrushRadius(e.deltaY < 0 ? 0.5 : -0.5);
    },
    { capture: true, passive: false },
  );
}

function editToolKey(): string {
  const s = annotationStore.getState();
  return [s.tool, s.radiusMm, s.label, s.own.versionId, s.ownLayerMounts, appStore.getState().primaryTool].join('|');
}

/** The worklist view is shown, for this session (empty: not shown). */
function worklistKey(): string {
  return appStore.getState().workspace === 'worklist' ? `shown|${annotationStore.getState().signedIn?.token ?? ''}` : '';
}

function evaluationKey(): string {
  const s = annotationStore.getState();
  return [s.currentCase?.caseId, s.signedIn?.token, s.signedIn?.role, s.own.versionId, s.layers.length].join('|');
}

/** Calls `run` with the key now, and again whenever a store changes and the key with it. */
function whenChanged(
  stores: ReadonlyArray<Pick<Store<object, never>, 'subscribe'>>,
  keyOf: () => string,
  run: (key: string) => void,
): void {
  let key = keyOf();
  const check = () => {
    const next = keyOf();
    if (next === key) return;
    key = next;
    run(key);
  };
  for (const store of stores) store.subscribe(check);
  run(key);
}
