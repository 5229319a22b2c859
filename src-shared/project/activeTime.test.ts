import { describe, expect, it } from 'vitest';
import { IDLE_PAUSE_MS, startActiveTimer } from './activeTime';

function fakeClock(start = 1_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('active time with the idle pause', () => {
  it('counts continuous work in full', () => {
    const c = fakeClock();
    const timer = startActiveTimer(c.now);
    for (let i = 0; i < 10; i++) {
      c.advance(5_000);
      timer.activity();
    }
    expect(timer.stop()).toEqual({ startedAtMs: 1_000_000, endedAtMs: 1_050_000, activeMs: 50_000 });
  });

  it('pauses 60 s after the last input: a 10-minute absence counts as 60 s', () => {
    const c = fakeClock();
    const timer = startActiveTimer(c.now);
    c.advance(20_000);
    timer.activity(); // 20 s of work
    c.advance(600_000); // away 10 min
    expect(timer.activeMs()).toBe(20_000 + IDLE_PAUSE_MS);
    timer.activity(); // back: the gap counted 60 s
    c.advance(10_000);
    // 20 + 60 + 10 s
    expect(timer.stop().activeMs).toBe(90_000);
  });

  it('a gap just under the limit counts in full, just over it is capped', () => {
    const c = fakeClock();
    const timer = startActiveTimer(c.now, 30_000);
    c.advance(29_999);
    timer.activity();
    c.advance(30_001);
    timer.activity();
    expect(timer.stop().activeMs).toBe(29_999 + 30_000);
  });

  it('stops once: later input and later stops change nothing', () => {
    const c = fakeClock();
    const timer = startActiveTimer(c.now);
    c.advance(4_000);
    const first = timer.stop();
    c.advance(4_000);
    timer.activity();
    expect(timer.stop()).toEqual(first);
    expect(timer.activeMs()).toBe(4_000);
  });

  it('a clock that goes backwards adds nothing instead of negative time', () => {
    const c = fakeClock();
    const timer = startActiveTimer(c.now);
    c.advance(5_000);
    timer.activity();
    c.advance(-3_000);
    timer.activity();
    c.advance(4_000);
    // 5 s, then nothing for the step back, then 1 s past the last input at +5 s.
    expect(timer.stop().activeMs).toBe(6_000);
  });

  it('refuses a non-positive idle limit', () => {
    expect(() => startActiveTimer(() => 0, 0)).toThrow(/idle pause must be > 0/);
  });
});
