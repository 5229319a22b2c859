/**
 * Verb-named changes that talk to the backend: list the project, open a case (or one series of a
 * folder), pick which volume of the case is shown. Errors become the banner; nothing here throws.
 * Opening a case and the recent list belong to the signed-in person (the server refuses them without
 * a session), so both wait for sign-in.
 */
import { stepSequence } from '../../src-shared/project/sequences';
import { getApi, streamVolumeBytes } from '../api';
import { sessionToken } from './annotationState';
import { appStore } from './appState';
import { rememberLastCase } from './tabSession';
import { markCaseOpenStart, timeStageAsync } from './timing';
import { finishLoading, showError, startLoading } from './uiActions';
import { viewableVolumes } from '../viewer/adcVolume';

export async function loadProject(path?: string): Promise<void> {
  const session = sessionToken();
  const result = await getApi()['quorum:project.listCases'](path === undefined ? {} : { path, ...(session === null ? {} : { session }) });
  if (!result.ok) {
    showError(result.error, path ?? null);
    return;
  }
  appStore.update((s) => ({ ...s, project: result.value }));
}

/** The signed-in person's recent list; empty when nobody is signed in. */
export async function refreshRecent(): Promise<void> {
  const session = sessionToken();
  if (session === null) {
    appStore.update((s) => ({ ...s, recent: [] }));
    return;
  }
  const result = await getApi()['quorum:recent.list']({ session });
  if (result.ok) appStore.update((s) => ({ ...s, recent: result.value.paths }));
}

/** Opens a NIfTI file or DICOM folder; `seriesInstanceUid` picks one series of a multi-series folder. */
export async function openCasePath(path: string, seriesInstanceUid?: string): Promise<boolean> {
  const session = sessionToken();
  if (session === null) {
    showError({ code: 'unauthorized', message: 'Sign in (the panel on the left) to open a case: what you open is yours.' }, path);
    return false;
  }
  markCaseOpenStart(path);
  startLoading(`Opening ${baseName(path)}…`);
  appStore.update((s) => ({ ...s, error: null, openDialogVisible: false }));
  const stopWatching = watchDecodeProgress(session);
  const result = await timeStageAsync('case.open', () =>
    getApi()['quorum:case.open'](seriesInstanceUid ? { session, path, seriesInstanceUid } : { session, path }),
  ).finally(stopWatching);
  if (!result.ok) {
    showError(result.error, path);
    return false;
  }
  const caseDescriptor = result.value;
  appStore.update((s) => ({
    ...s,
    openCase: caseDescriptor,
    activeVolumeIndex: 0,
    windowChoice: caseDescriptor.modality === 'CT' ? 'brain' : 'auto',
  }));
  finishLoading();
  // A reload reopens it (tabRestore.ts); the slices are added when the page goes away.
  rememberLastCase({ path, ...(seriesInstanceUid ? { seriesInstanceUid } : {}), slices: {} });
  void refreshRecent();
  return true;
}

const DECODE_POLL_MS = 250;

/**
 * While case.open runs, shows how far the server has got decoding a compressed DICOM series in the
 * loading indicator: a 300-slice JPEG series takes seconds. Returns the function that stops it.
 */
function watchDecodeProgress(session: string): () => void {
  let stopped = false;
  void (async () => {
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, DECODE_POLL_MS));
      if (stopped) return;
      // Progress is a nicety: a failed poll ends the polling, never the open.
      const poll = getApi()['quorum:case.decodeProgress']({ session });
      const progress = await poll.catch(() => null);
      // A poll that answers after case.open must not bring the indicator back.
      if (stopped || !progress?.ok) return;
      const frames = progress.value.frames;
      if (frames) startLoading(`Decoding ${frames.decoded} / ${frames.total} slices…`, frames.decoded / frames.total);
    }
  })();
  return () => {
    stopped = true;
  };
}

export function selectVolume(index: number): void {
  const { openCase } = appStore.getState();
  if (!openCase || index < 0 || index >= viewableVolumes(openCase).length) return;
  appStore.update((s) => ({
    ...s,
    activeVolumeIndex: index,
    // Each b-value has its own intensity range, so a hand-dragged window does not carry over.
    windowChoice: s.windowChoice === 'custom' ? 'auto' : s.windowChoice,
  }));
}

/** Next (or previous) volume, wrapping around: the B shortcut. */
export function stepVolume(delta: number): void {
  const { openCase, activeVolumeIndex } = appStore.getState();
  const n = openCase ? viewableVolumes(openCase).length : 0;
  if (n < 2) return;
  selectVolume((((activeVolumeIndex + delta) % n) + n) % n);
}

/** The next (or previous) sequence of a case of several, on its reading volume (a DWI's b1000): the A shortcut. */
export function stepShownSequence(delta: 1 | -1): void {
  const { openCase, activeVolumeIndex } = appStore.getState();
  if (openCase) selectVolume(stepSequence(openCase.volumes, activeVolumeIndex, delta));
}

export { streamVolumeBytes };

function baseName(path: string): string {
  const parts = path.split(/[\\/]/).filter(Boolean);
  return parts[parts.length - 1] ?? path;
}
