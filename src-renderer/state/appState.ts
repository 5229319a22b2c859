/**
 * The application state: the project's cases, the open case, which of its volumes is shown, the
 * window, loading progress, the error banner and the overlays. Changed only through the
 * verb-named functions in caseActions.ts and uiActions.ts.
 */
import { useSyncExternalStore } from 'react';
import type { ApiError, CaseDescriptor, CaseEntry } from '../../src-shared/api/contract';
import { createStore } from './createStore';

export interface ProjectSnapshot {
  readonly path: string;
  readonly name: string;
  readonly cases: readonly CaseEntry[];
}

/** One series offered when a folder holds several (ApiError 'multiple-series' detail). */
export interface SeriesChoice {
  readonly seriesInstanceUid: string;
  /** Number, description and modality (the UID when the series has none of them). */
  readonly description: string;
  /** What else tells it apart, in words: matrix, plane, slices, files. */
  readonly details: readonly string[];
}

export interface ErrorSnapshot {
  readonly code: ApiError['code'] | 'renderer';
  readonly message: string;
  /** The path whose opening failed, when there is one. */
  readonly path: string | null;
  readonly series: readonly SeriesChoice[];
}

export interface LoadingSnapshot {
  readonly label: string;
  /** 0..1, or null when unknown. */
  readonly fraction: number | null;
}

/** Which window is applied: a CT preset id, the automatic one, or one dragged by hand. */
export type WindowChoice = 'brain' | 'stroke' | 'subdural' | 'bone' | 'auto' | 'custom';

/** What the left mouse button does in the viewports. */
export type PrimaryTool = 'crosshairs' | 'windowLevel' | 'pan' | 'zoom';

/**
 * Which workspace fills the main area. The viewer stays mounted under the others (Cornerstone's
 * rendering engine and the loaded volumes survive a trip to the worklist or the dashboard).
 */
export type Workspace = 'viewer' | 'worklist' | 'dashboard' | 'study';

/** The viewport keyboard slice steps go to: the last one the mouse entered. */
export type ViewName = 'axial' | 'sagittal' | 'coronal';

export interface AppState {
  readonly project: ProjectSnapshot | null;
  readonly recent: readonly string[];
  readonly openCase: CaseDescriptor | null;
  readonly activeVolumeIndex: number;
  readonly windowChoice: WindowChoice;
  readonly primaryTool: PrimaryTool;
  readonly activeView: ViewName;
  readonly loading: LoadingSnapshot | null;
  readonly error: ErrorSnapshot | null;
  readonly helpVisible: boolean;
  readonly openDialogVisible: boolean;
  readonly workspace: Workspace;
}

/** Events other modules react to (the viewer host listens for resets, for instance). */
export type AppEvents = {
  /** The user asked to reset cameras and window. */
  viewReset: null;
  /** Step the slice of the active viewport by `delta`. */
  sliceStep: { delta: number };
  /** The user picked a left-button tool (also the one already chosen: it puts an edit tool away). */
  primaryToolChosen: { tool: PrimaryTool };
  /** The rater asked for the next case of their worklist (J); the worklist controller opens it. */
  nextCaseRequested: null;
  /** The rater handed in their work on the open case (submit, "no lesion"); time on task ends its segment. */
  workSubmitted: null;
  /** The project's label table was (re)loaded or edited; the metrics and review layers follow it. */
  labelTableChanged: null;
  /** Annotations were imported into the project: the open case's layers may have a new version. */
  annotationsImported: null;
};

const initialAppState: AppState = {
  project: null,
  recent: [],
  openCase: null,
  activeVolumeIndex: 0,
  windowChoice: 'auto',
  primaryTool: 'crosshairs',
  activeView: 'axial',
  loading: null,
  error: null,
  helpVisible: false,
  openDialogVisible: false,
  workspace: 'viewer',
};

export const appStore = createStore<AppState, AppEvents>(initialAppState);

export function useAppState<T>(select: (state: AppState) => T): T {
  return useSyncExternalStore(appStore.subscribe, () => select(appStore.getState()));
}
