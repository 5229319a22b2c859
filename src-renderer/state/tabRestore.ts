/**
 * A page reload resumes where the tab was (issue 11, item 4): the sign-in (if the server still
 * knows the session token) and the last case opened, at the slice each view showed. The slices are
 * written when the page is hidden or unloaded (a reload fires `pagehide`), not on every scroll.
 */
import { MPR_VIEWS } from '../viewer/mprViewer';
import type { ViewerEventBus } from '../controllers/viewerEvents';
import type { ViewerSession } from '../viewer/viewerSession';
import { annotationStore } from './annotationState';
import { appStore } from './appState';
import { openCasePath } from './caseActions';
import { resumeSession } from './raterActions';
import { rememberedLastCase, rememberedSessionToken, rememberLastCase, type LastCase } from './tabSession';

/** Keeps the open case's slices in the tab's storage whenever the page goes away; returns the uninstaller. */
export function keepTabPosition(viewer: ViewerSession): () => void {
  const save = () => {
    // The last case kept is the one opened last (caseActions.ts), so it is the one on screen, if any.
    const last = rememberedLastCase();
    const shown = viewer.shownCaseVolume();
    if (!last || !shown || shown.caseDescriptor !== appStore.getState().openCase) return;
    const slices: LastCase['slices'] = {};
    for (const view of MPR_VIEWS) {
      const slice = viewer.paneInfo(view).slice;
      if (slice) slices[view] = slice.index;
    }
    rememberLastCase({ ...last, slices });
  };
  const onVisibility = () => {
    if (document.visibilityState === 'hidden') save();
  };
  window.addEventListener('pagehide', save);
  document.addEventListener('visibilitychange', onVisibility);
  return () => {
    window.removeEventListener('pagehide', save);
    document.removeEventListener('visibilitychange', onVisibility);
  };
}

/** Resumes the tab's session, then reopens its last case at the kept slices. */
export async function restoreTab(
  viewer: ViewerSession,
  viewerEvents: ViewerEventBus,
  annotation: Parameters<typeof resumeSession>[0],
): Promise<void> {
  const token = rememberedSessionToken();
  if (token) await resumeSession(annotation, token);
  // Opening a case needs a session (issue 18): a tab whose session ended starts at the sign-in.
  if (!annotationStore.getState().signedIn) return;
  const last = rememberedLastCase();
  if (!last || appStore.getState().openCase) return;
  if (!(await openCasePath(last.path, last.seriesInstanceUid))) return;
  const descriptor = appStore.getState().openCase;
  // Once that case is on screen; not at all if another case is opened meanwhile.
  const onScreen = await new Promise<boolean>((resolve) => {
    const check = (): boolean => {
      const open = appStore.getState().openCase;
      if (open !== descriptor) resolve(false);
      else if (viewer.shownCaseVolume()?.caseDescriptor === descriptor) resolve(true);
      else return false;
      return true;
    };
    if (check()) return;
    const off = viewerEvents.on('volume-shown', () => {
      if (check()) off();
    });
  });
  if (onScreen) viewer.holdSlicesUntilInput(last.slices);
}
