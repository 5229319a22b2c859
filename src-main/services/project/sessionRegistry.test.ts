import { describe, expect, it } from 'vitest';
import { createSessionRegistry } from './sessionRegistry';

const alice = { raterId: 'rater_alice', role: 'annotator' } as const;
const bob = { raterId: 'rater_bob', role: 'annotator' } as const;

describe('session registry', async () => {
  it('maps an opaque random token to the signed-in person, and forgets it on sign-out', async () => {
    const reg = createSessionRegistry();
    const a = await reg.issue(alice);
    const b = await reg.issue(bob);
    expect(a).not.toBe(b);
    expect(a).not.toContain(alice.raterId);
    // 32 random bytes, base64url: 43 characters.
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await reg.resolve(a)).toEqual(alice);
    expect((await reg.resolve(b)).raterId).toBe(bob.raterId);
    await reg.signOut(a);
    await expect(reg.resolve(a)).rejects.toThrow(/not signed in/);
    await expect(reg.resolve(undefined)).rejects.toThrow(/not signed in/);
    await reg.clear();
    await expect(reg.resolve(b)).rejects.toThrow(/not signed in/);
  });

  it('ends a session after the idle time, and after the maximum age however active', async () => {
    let now = 1_000_000;
    const reg = createSessionRegistry(() => now, { idleMs: 1000, maxAgeMs: 5000 });
    const idle = await reg.issue(alice);
    const busy = await reg.issue(bob);
    // Bob makes a request every 900 ms; Alice none.
    now += 900;
    expect(await reg.resolve(busy)).toEqual(bob);
    now += 900;
    expect(await reg.resolve(busy)).toEqual(bob);
    await expect(reg.resolve(idle)).rejects.toThrow(/expired/);
    await expect(reg.resolve(idle)).rejects.toThrow(/not signed in/); // forgotten, not just refused
    for (let step = 0; step < 3; step++) {
      now += 900;
      expect(await reg.resolve(busy)).toEqual(bob);
    }
    // 4500 ms since sign-in; 501 ms later the idle limit still holds but the maximum age has passed.
    now += 501;
    await expect(reg.resolve(busy)).rejects.toThrow(/expired/);
  });

  it("ends one person's sessions except the one that asked", async () => {
    const reg = createSessionRegistry();
    const [a1, a2, b1] = [await reg.issue(alice), await reg.issue(alice), await reg.issue(bob)];
    await reg.endSessionsOf(alice.raterId, a2);
    await expect(reg.resolve(a1)).rejects.toThrow(/not signed in/);
    expect(await reg.resolve(a2)).toEqual(alice);
    expect(await reg.resolve(b1)).toEqual(bob);
  });
});
