/**
 * Time on task in the renderer (issue 6): one timed segment while a signed-in rater has a project
 * case on screen, measured with src-shared/project/activeTime.ts (paused 60 s after the last
 * pointer, wheel or key input) and reported to the server (work.record) when it stops:
 * - 'switch': another case, mode or rater is on screen;
 * - 'submit': the rater submitted (or answered "no lesion"); the next edit starts a new segment;
 * - 'hidden': the window was hidden or closed (a new segment starts when it is shown again);
 * - 'sign-out': before the session token is given back (raterActions.signOut calls it);
 * - 'checkpoint': every 2 minutes, so a crash loses at most that much.
 * Also keeps the open case's review notes (revision banner, reviewer rows) in step.
 */
import { startActiveTimer, type ActiveTimer } from '../../src-shared/project/activeTime';
import { getApi } from '../api';
import { annotationStore, type AnnotationState } from './annotationState';
import { refreshCaseReview } from './worklistActions';

type EndReason = 'switch' | 'submit' | 'hidden' | 'sign-out' | 'checkpoint';

const CHECKPOINT_MS = 120_000;
/** Shorter segments are not worth a row (a case flicked past). */
const MIN_RECORDED_MS = 1_000;

interface Running {
  readonly timer: ActiveTimer;
  readonly token: string;
  readonly caseId: string;
  readonly mode: 'annotate' | 'review';
}

let running: Running | null = null;

function start(s: AnnotationState): void {
  if (running || !s.signedIn || !s.currentCase || document.visibilityState === 'hidden') return;
  running = { timer: startActiveTimer(Date.now), token: s.signedIn.token, caseId: s.currentCase.caseId, mode: s.mode };
}

/** Stops the running segment, if any, and reports it. */
export async function stopTimeOnTask(reason: EndReason): Promise<void> {
  const r = running;
  if (!r) return;
  running = null;
  const seg = r.timer.stop();
  if (seg.activeMs < MIN_RECORDED_MS) return;
  const result = await getApi()['quorum:work.record']({
    session: r.token,
    caseId: r.caseId,
    mode: r.mode,
    startedAt: new Date(seg.startedAtMs).toISOString(),
    endedAt: new Date(seg.endedAtMs).toISOString(),
    activeMs: seg.activeMs,
    endReason: reason,
  });
  // Not worth interrupting the rater for: the time is lost, the work is not.
  if (!result.ok) console.warn(`time on task not recorded: ${result.error.message}`);
}

/**
 * The rater handed in their work (submit, submit draft, "no lesion"; annotationActions.ts calls
 * this): the segment ends, and the case's review notes are reloaded (a revision request is cleared).
 */
export function noteSubmitted(): void {
  void stopTimeOnTask('submit');
  void refreshCaseReview();
}

function key(s: AnnotationState): string {
  return s.signedIn && s.currentCase ? `${s.signedIn.token}|${s.currentCase.caseId}|${s.mode}` : '';
}

/** Installs the timing and the review-notes sync; returns the uninstaller. */
export function installTimeOnTask(): () => void {
  let prev = annotationStore.getState();
  const onState = () => {
    const next = annotationStore.getState();
    const before = prev;
    prev = next;
    if (key(next) !== key(before)) {
      // stopTimeOnTask clears the running segment before it awaits the report, so the next starts now.
      void stopTimeOnTask('switch');
      start(next);
      void refreshCaseReview();
      return;
    }
    // Editing again after a submit (or after the window came back) starts a new segment.
    if (next.own.dirty && !before.own.dirty) start(next);
  };
  const offState = annotationStore.subscribe(onState);
  const onActivity = () => running?.timer.activity();
  const onVisibility = () => {
    if (document.visibilityState === 'hidden') void stopTimeOnTask('hidden');
    else start(annotationStore.getState());
  };
  const checkpoint = setInterval(() => {
    if (!running) return;
    void stopTimeOnTask('checkpoint');
    start(annotationStore.getState());
  }, CHECKPOINT_MS);
  const events = ['pointerdown', 'pointermove', 'wheel', 'keydown'] as const;
  for (const e of events) window.addEventListener(e, onActivity, { capture: true, passive: true });
  document.addEventListener('visibilitychange', onVisibility);
  start(prev);
  return () => {
    offState();
    clearInterval(checkpoint);
    for (const e of events) window.removeEventListener(e, onActivity, { capture: true });
    document.removeEventListener('visibilitychange', onVisibility);
    void stopTimeOnTask('switch');
  };
}
