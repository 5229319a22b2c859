/**
 * Start-up: makes the renderer's controllers once, each with what it depends on passed in (as
 * src-main/server/backend.ts does for the main side), and wires them to each other and to the
 * window here, not inside React effects. main.tsx calls it before the first render and hands the
 * result to the components through ControllersContext.
 */
import { getApi, onMenuCommand } from '../api';
import { handleShortcut } from '../keyboard/shortcuts';
import { annotationStore, tell } from '../state/annotationState';
import { appStore } from '../state/appState';
import { loadProject, openCasePath, refreshRecent } from '../state/caseActions';
import { setHelpVisible, showWorkspace } from '../state/uiActions';
import { TimeOnTask } from './timeOnTask';
import { WorklistController } from './worklistController';

export interface Controllers {
  readonly worklist: WorklistController;
  readonly timeOnTask: TimeOnTask;
}

export function createControllers(api = getApi()): Controllers {
  const worklist = new WorklistController({ api, annotation: annotationStore, app: appStore, openCasePath, showWorkspace, tell });
  const timeOnTask = new TimeOnTask({ api, annotation: annotationStore, worklist });
  return { worklist, timeOnTask };
}

/** Wires the controllers to the app's events and the window (once per page). */
export function startApp(c: Controllers): void {
  c.timeOnTask.install();
  // What the components and the annotation verbs announce, routed to the controller that acts on it.
  appStore.on('nextCaseRequested', () => void c.worklist.goToNextCase());
  appStore.on('workSubmitted', () => c.timeOnTask.noteSubmitted());
  // The worklist is loaded when it is shown, and again for another rater while it is shown.
  const worklistKey = () => {
    const token = annotationStore.getState().signedIn?.token ?? null;
    return appStore.getState().workspace === 'worklist' ? `shown|${token}` : null;
  };
  let shownFor = worklistKey();
  const onWorklistShown = () => {
    const next = worklistKey();
    if (next === shownFor) return;
    shownFor = next;
    if (next !== null) void c.worklist.refresh();
  };
  appStore.subscribe(onWorklistShown);
  annotationStore.subscribe(onWorklistShown);

  void loadProject();
  void refreshRecent();
  window.addEventListener('keydown', (e) => {
    if (handleShortcut(e)) e.preventDefault();
  });
  // Electron's application menu sends its commands here; browser mode has no menu.
  onMenuCommand((command) => {
    if (command.type === 'open-path') void openCasePath(command.path);
    else if (command.type === 'open-project') void loadProject(command.path);
    else setHelpVisible(true);
  });
}
