import { describe, expect, it } from 'vitest';
import { createSessionRegistry } from './sessionRegistry';

const alice = { raterId: 'rater_alice', role: 'annotator' } as const;
const bob = { raterId: 'rater_bob', role: 'annotator' } as const;

describe('session registry', () => {
  it('maps an opaque random token to the signed-in person, and forgets it on sign-out', () => {
    const reg = createSessionRegistry();
    const a = reg.issue(alice);
    const b = reg.issue(bob);
    expect(a).not.toBe(b);
    expect(a).not.toContain(alice.raterId);
    // 32 random bytes, base64url: 43 characters.
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(reg.resolve(a)).toEqual(alice);
    expect(reg.resolve(b).raterId).toBe(bob.raterId);
    reg.signOut(a);
    expect(() => reg.resolve(a)).toThrow(/not signed in/);
    expect(() => reg.resolve(undefined)).toThrow(/not signed in/);
    reg.clear();
    expect(() => reg.resolve(b)).toThrow(/not signed in/);
  });

  it('ends a session after the idle time, and after the maximum age however active', () => {
    let now = 1_000_000;
    const reg = createSessionRegistry(() => now, { idleMs: 1000, maxAgeMs: 5000 });
    const idle = reg.issue(alice);
    const busy = reg.issue(bob);
    // Bob makes a request every 900 ms; Alice none.
    now += 900;
    expect(reg.resolve(busy)).toEqual(bob);
    now += 900;
    expect(reg.resolve(busy)).toEqual(bob);
    expect(() => reg.resolve(idle)).toThrow(/expired/);
    expect(() => reg.resolve(idle)).toThrow(/not signed in/); // forgotten, not just refused
    for (let step = 0; step < 3; step++) {
      now += 900;
      expect(reg.resolve(busy)).toEqual(bob);
    }
    // 4500 ms since sign-in; 501 ms later the idle limit still holds but the maximum age has passed.
    now += 501;
    expect(() => reg.resolve(busy)).toThrow(/expired/);
  });

  it("ends one person's sessions except the one that asked", () => {
    const reg = createSessionRegistry();
    const [a1, a2, b1] = [reg.issue(alice), reg.issue(alice), reg.issue(bob)];
    reg.endSessionsOf(alice.raterId, a2);
    expect(() => reg.resolve(a1)).toThrow(/not signed in/);
    expect(reg.resolve(a2)).toEqual(alice);
    expect(reg.resolve(b1)).toEqual(bob);
  });
});
