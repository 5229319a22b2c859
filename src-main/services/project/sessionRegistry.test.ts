import { describe, expect, it } from 'vitest';
import { createSessionRegistry } from './sessionRegistry';
import { populated } from './testSupport';

describe('session registry', () => {
  it('maps an opaque token to the signed-in rater, and forgets it on sign-out', () => {
    const p = populated();
    try {
      const reg = createSessionRegistry();
      const a = reg.signIn(p.store, p.alice.raterId);
      const b = reg.signIn(p.store, p.bob.raterId);
      expect(a.token).not.toBe(b.token);
      expect(a.token).not.toContain(p.alice.raterId);
      expect(reg.resolve(a.token)).toEqual({ raterId: p.alice.raterId, role: 'annotator' });
      expect(reg.resolve(b.token).raterId).toBe(p.bob.raterId);
      reg.signOut(a.token);
      expect(() => reg.resolve(a.token)).toThrow(/not signed in/);
      expect(() => reg.resolve(undefined)).toThrow(/not signed in/);
      expect(() => reg.signIn(p.store, 'rater_unknown')).toThrow(/not signed in/);
      reg.clear();
      expect(() => reg.resolve(b.token)).toThrow(/not signed in/);
    } finally {
      p.store.close();
    }
  });
});
