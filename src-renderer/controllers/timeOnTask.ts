/**
 * Time on task in the renderer (issue 6): one timed segment while a signed-in rater has a project
 * case on screen, measured with src-shared/project/activeTime.ts (paused 60 s after the last
 * pointer, wheel or key input) and reported to the server (work.record) when it stops:
 * - 'switch': another case, mode or rater is on screen;
 * - 'submit': the rater submitted (or answered "no lesion"); the next edit starts a new segment;
 * - 'hidden': the window was hidden or closed (a new segment starts when it is shown again);
 * - 'sign-out': before the session token is given back (raterActions.signOut calls it);
 * - 'checkpoint': every 2 minutes, so a crash loses at most that much.
 * Also keeps the open case's review notes (revision banner, reviewer rows) in step, through the
 * worklist controller it is given.
 */
import type { QuorumApi } from '../../src-shared/api/contract';
import { startActiveTimer, type ActiveTimer } from '../../src-shared/project/activeTime';
import type { AnnotationState } from '../state/annotationState';
import type { Store } from '../state/createStore';
import type { WorklistController } from './worklistController';

export type EndReason = 'switch' | 'submit' | 'hidden' | 'sign-out' | 'checkpoint';

const CHECKPOINT_MS = 120_000;
/** Shorter segments are not worth a row (a case flicked past). */
const MIN_RECORDED_MS = 1_000;

interface Running {
  readonly timer: ActiveTimer;
  readonly token: string;
  readonly caseId: string;
  readonly mode: 'annotate' | 'review';
}

export interface TimeOnTaskDeps {
  readonly api: Pick<QuorumApi, 'quorum:work.record'>;
  readonly annotation: Pick<Store<AnnotationState, never>, 'getState' | 'subscribe'>;
  readonly worklist: Pick<WorklistController, 'refreshCaseReview'>;
}

function key(s: AnnotationState): string {
  return s.signedIn && s.currentCase ? `${s.signedIn.token}|${s.currentCase.caseId}|${s.mode}` : '';
}

export class TimeOnTask {
  private running: Running | null = null;

  constructor(private readonly deps: TimeOnTaskDeps) {}

  private start(s: AnnotationState): void {
    if (this.running || !s.signedIn || !s.currentCase || document.visibilityState === 'hidden') return;
    this.running = { timer: startActiveTimer(Date.now), token: s.signedIn.token, caseId: s.currentCase.caseId, mode: s.mode };
  }

  /** Stops the running segment, if any, and reports it. */
  async stop(reason: EndReason): Promise<void> {
    const r = this.running;
    if (!r) return;
    this.running = null;
    const seg = r.timer.stop();
    if (seg.activeMs < MIN_RECORDED_MS) return;
    const result = await this.deps.api['quorum:work.record']({
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

  /** The rater handed in their work: the segment ends, and the case's review notes are reloaded (a revision request is cleared). */
  noteSubmitted(): void {
    void this.stop('submit');
    void this.deps.worklist.refreshCaseReview();
  }

  /** Installs the timing and the review-notes sync (once, at start-up); returns the uninstaller. */
  install(): () => void {
    const { annotation } = this.deps;
    let prev = annotation.getState();
    const onState = () => {
      const next = annotation.getState();
      const before = prev;
      prev = next;
      if (key(next) !== key(before)) {
        // stop() clears the running segment before it awaits the report, so the next starts now.
        void this.stop('switch');
        this.start(next);
        void this.deps.worklist.refreshCaseReview();
        return;
      }
      // Editing again after a submit (or after the window came back) starts a new segment.
      if (next.own.dirty && !before.own.dirty) this.start(next);
    };
    const offState = annotation.subscribe(onState);
    const onActivity = () => this.running?.timer.activity();
    const onVisibility = () => {
      if (document.visibilityState === 'hidden') void this.stop('hidden');
      else this.start(annotation.getState());
    };
    const checkpoint = setInterval(() => {
      if (!this.running) return;
      void this.stop('checkpoint');
      this.start(annotation.getState());
    }, CHECKPOINT_MS);
    const events = ['pointerdown', 'pointermove', 'wheel', 'keydown'] as const;
    for (const e of events) window.addEventListener(e, onActivity, { capture: true, passive: true });
    document.addEventListener('visibilitychange', onVisibility);
    this.start(prev);
    return () => {
      offState();
      clearInterval(checkpoint);
      for (const e of events) window.removeEventListener(e, onActivity, { capture: true });
      document.removeEventListener('visibilitychange', onVisibility);
      void this.stop('switch');
    };
  }
}
