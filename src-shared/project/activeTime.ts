/**
 * Time on task: the active time of one timed segment (a rater on a case), as a pure state machine
 * over an injected clock, so the idle rule is tested with a fake clock.
 *
 * Idle rule: the timer pauses IDLE_PAUSE_MS after the last input (pointer, wheel, key). The gap
 * between two inputs counts in full up to that limit and no further, so a rater who walks away
 * costs at most one limit, and one who studies a slice without touching anything still counts.
 * 60 s: reading DWI or CT for a lesion means scrolling, windowing or painting every few seconds; a
 * minute without any input is not plausible reading, while a 15–30 s limit would cut real careful
 * looks at one slice. A hidden window is not active at all (the caller stops the segment on hide).
 */

/** Pause after this long without input (see above for why 60 s). */
export const IDLE_PAUSE_MS = 60_000;

export interface TimedSegment {
  startedAtMs: number;
  endedAtMs: number;
  activeMs: number;
}

export interface ActiveTimer {
  /** Any user input. */
  activity(): void;
  /** Active time so far. */
  activeMs(): number;
  /** Ends the segment now. */
  stop(): TimedSegment;
}

/** Starts a segment now; opening the case counts as the first input. */
export function startActiveTimer(now: () => number, idlePauseMs = IDLE_PAUSE_MS): ActiveTimer {
  if (!(idlePauseMs > 0)) throw new Error(`idle pause must be > 0 ms, got ${idlePauseMs}`);
  const startedAtMs = now();
  let lastInput = startedAtMs;
  let accrued = 0;
  let stopped: TimedSegment | null = null;
  // Time since the last input, capped at the idle limit (a clock going backwards counts as none).
  const sinceLastInput = (t: number) => Math.min(Math.max(t - lastInput, 0), idlePauseMs);
  return {
    activity() {
      if (stopped) return;
      const t = now();
      accrued += sinceLastInput(t);
      lastInput = Math.max(lastInput, t);
    },
    activeMs() {
      return stopped ? stopped.activeMs : Math.round(accrued + sinceLastInput(now()));
    },
    stop() {
      if (stopped) return stopped;
      const t = now();
      stopped = { startedAtMs, endedAtMs: Math.max(t, startedAtMs), activeMs: Math.round(accrued + sinceLastInput(t)) };
      return stopped;
    },
  };
}
