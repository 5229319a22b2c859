/** Verb-named changes to the UI parts of the app state: banner, overlays, window, tool, loading. */
import type { ApiError } from '../../src-shared/api/contract';
import { appStore, type PrimaryTool, type SeriesChoice, type ViewName, type WindowChoice, type Workspace } from './appState';
import { parseSeriesChoices } from './seriesChoices';

export function showError(error: ApiError | { code: 'renderer'; message: string; detail?: unknown }, path: string | null = null): void {
  const series = error.code === 'multiple-series' ? parseSeriesChoices(error.detail) : ([] as SeriesChoice[]);
  appStore.update((s) => ({ ...s, error: { code: error.code, message: error.message, path, series }, loading: null }));
}

export function dismissError(): void {
  appStore.update((s) => (s.error ? { ...s, error: null } : s));
}

export function setHelpVisible(visible: boolean): void {
  appStore.update((s) => ({ ...s, helpVisible: visible }));
}

export function toggleHelp(): void {
  setHelpVisible(!appStore.getState().helpVisible);
}

export function setOpenDialogVisible(visible: boolean): void {
  appStore.update((s) => ({ ...s, openDialogVisible: visible }));
}

export function chooseWindow(choice: WindowChoice): void {
  appStore.update((s) => ({ ...s, windowChoice: choice }));
}

export function choosePrimaryTool(tool: PrimaryTool): void {
  appStore.update((s) => (s.primaryTool === tool ? s : { ...s, primaryTool: tool }));
  appStore.emit('primaryToolChosen', { tool });
}

export function startLoading(label: string, fraction: number | null = null): void {
  appStore.update((s) => ({ ...s, loading: { label, fraction } }));
}

export function finishLoading(): void {
  appStore.update((s) => (s.loading ? { ...s, loading: null } : s));
}

export function requestViewReset(): void {
  appStore.emit('viewReset', null);
}

export function requestSliceStep(delta: number): void {
  appStore.emit('sliceStep', { delta });
}

export function setActiveView(view: ViewName): void {
  appStore.update((s) => (s.activeView === view ? s : { ...s, activeView: view }));
}

export function showWorkspace(workspace: Workspace): void {
  appStore.update((s) => (s.workspace === workspace ? s : { ...s, workspace }));
}
