/**
 * Start-up: makes the renderer's controllers once, each with what it depends on passed in (as
 * src-main/server/backend.ts does for the main side), and wires them to each other and to the
 * window here, not inside React effects. main.tsx calls it before the first render and hands the
 * result to the components through ControllersContext.
 */
import { fetchVolumeBytes, getApi, onMenuCommand } from '../api';
import { handleShortcut } from '../keyboard/shortcuts';
import { annotationStore, tell, updateAnnotation } from '../state/annotationState';
import { handleVolumeShown } from '../state/annotationActions';
import { createInferenceController, type InferenceController } from '../state/inferenceController';
import { keepTabPosition, restoreTab } from '../state/tabRestore';
import type { Store } from '../state/createStore';
import { appStore } from '../state/appState';
import { loadProject, openCasePath, refreshRecent } from '../state/caseActions';
import { loadCaseSources } from '../state/evaluationSources';
import { evaluationStore } from '../state/evaluationState';
import { refreshReviewLayers } from '../state/reviewActions';
import { createMetricsWorkerPool, defaultPoolSize } from '../workers/metricsPool';
import type { CaseEvaluation } from '../../src-shared/evaluation/types';
import { setHelpVisible, showWorkspace } from '../state/uiActions';
import { onOwnLabelmapEdited, ownLabelmap, ownLabelmapSlices } from '../viewer/annotationSession';
import { EvaluationController } from './evaluationController';
import { StudyController } from './studyController';
import { createViewerEvents, type ViewerEventBus } from './viewerEvents';
import { CalibrationController } from './calibrationController';
import { DashboardController } from './dashboardController';
import { TimeOnTask } from './timeOnTask';
import { WorklistController } from './worklistController';

export interface Controllers {
  readonly viewerEvents: ViewerEventBus;
  readonly worklist: WorklistController;
  readonly timeOnTask: TimeOnTask;
  readonly inference: InferenceController;
  readonly study: StudyController;
  readonly evaluation: EvaluationController;
  readonly dashboard: DashboardController;
  readonly calibration: CalibrationController;
}

export function createControllers(api = getApi()): Controllers {
  const worklist = new WorklistController({ api, annotation: annotationStore, app: appStore, openCasePath, showWorkspace, tell });
  const timeOnTask = new TimeOnTask({ api, annotation: annotationStore, worklist });
  const inference = createInferenceController();
  const study = new StudyController({ api, fetchVolumeBytes });
  const evaluation = new EvaluationController({
    store: evaluationStore,
    annotation: annotationStore,
    loadCaseSources,
    ownLabelmap,
    ownLabelmapSlices,
    refreshReviewLayers,
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
  return { viewerEvents: createViewerEvents(), worklist, timeOnTask, inference, study, evaluation, dashboard, calibration };
}

/** Wires the controllers to the app's events and the window (once per page). */
export function startApp(c: Controllers): void {
  c.timeOnTask.install();
  // The viewer's events, each to the state it changes: the annotation layers attach to a volume on
  // screen first, then the model overlay (deferred: the layers are rebound in the same event and may drop it).
  c.viewerEvents.on('volume-shown', () => handleVolumeShown());
  c.viewerEvents.on('volume-shown', () => void setTimeout(() => c.inference.handleVolumeShown(), 0));
  c.viewerEvents.on('threshold-range', ({ range }) => updateAnnotation({ thresholdRange: range }));
  c.viewerEvents.on('contour-refused', ({ why }) => tell(why, true));
  // What the components and the annotation verbs announce, routed to the controller that acts on it.
  appStore.on('nextCaseRequested', () => void c.worklist.goToNextCase());
  appStore.on('workSubmitted', () => c.timeOnTask.noteSubmitted());
  appStore.on('labelTableChanged', () => c.evaluation.labelTableChanged());
  // The metrics panel reloads when the case, the session, the rater's saved version or the review
  // layers change, and recomputes on the rater's own edits.
  whenChanged([annotationStore], evaluationKey, () => void c.evaluation.refresh());
  onOwnLabelmapEdited((slices) => c.evaluation.noteOwnEdit(slices));
  // The worklist is loaded when it is shown, and again for another rater while it is shown.
  whenChanged([appStore, annotationStore], worklistKey, (key) => {
    if (key !== '') void c.worklist.refresh();
  });
  void loadProject();
  void refreshRecent();
  // A reload keeps the sign-in and reopens the last case at its slices (tabRestore.ts).
  keepTabPosition();
  void restoreTab(c.viewerEvents);
  window.addEventListener('keydown', (e) => {
    if (handleShortcut(e, { inference: c.inference })) e.preventDefault();
  });
  // Electron's application menu sends its commands here; browser mode has no menu.
  onMenuCommand((command) => {
    if (command.type === 'open-path') void openCasePath(command.path);
    else if (command.type === 'open-project') void loadProject(command.path);
    else setHelpVisible(true);
  });
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
