/**
 * Sessions in the project database, on both stores: what a token resolves to, when it ends, and
 * that a second store on the same database (another server process, or this one after a restart)
 * sees every session and every sign-out at once: there is no state kept only in a process.
 */
import { describe, expect, it } from 'vitest';
import type { Session } from '../../../src-shared/project/types';
import type { ProjectStore } from './ProjectStore';
import { createSessionRegistry, type SessionPolicy } from './sessionRegistry';
import { sha256Hex } from './annotationFiles';
import { onStore, openTemp, openTempTwice, storeKinds } from './testSupport';

async function people(store: ProjectStore): Promise<{ admin: Session; alice: Session; bob: Session }> {
  const admin = await store.signIn((await store.createIdentity('Ada Admin', 'admin')).raterId);
  const alice = await store.signIn((await store.createRater(admin, 'Alice', 'annotator')).raterId);
  const bob = await store.signIn((await store.createRater(admin, 'Bob', 'annotator')).raterId);
  return { admin, alice, bob };
}

function registryOver(store: ProjectStore, nowMs?: () => number, policy?: SessionPolicy) {
  return createSessionRegistry(async () => store.sessions(), nowMs, policy);
}

describe.each(storeKinds())('sessions in the %s project database', (kind) => {
  onStore(kind);

  it('maps an opaque random token to the signed-in person, keeps only its hash, and forgets it on sign-out (audited)', async () => {
    const store = await openTemp();
    try {
      const { admin, alice, bob } = await people(store);
      const reg = registryOver(store);
      const a = await reg.issue(alice);
      const b = await reg.issue(bob);
      expect(a).not.toBe(b);
      expect(a).not.toContain(alice.raterId);
      // 32 random bytes, base64url: 43 characters.
      expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(await reg.resolve(a)).toEqual(alice);
      expect((await reg.resolve(b)).raterId).toBe(bob.raterId);
      // The row is keyed by the token's sha256; the token itself is no key.
      expect((await store.sessions().find(sha256Hex(a)))?.session).toEqual(alice);
      expect(await store.sessions().find(a)).toBeNull();

      await reg.signOut(a);
      await expect(reg.resolve(a)).rejects.toThrow(/not signed in/);
      await expect(reg.resolve(undefined)).rejects.toThrow(/not signed in/);
      expect((await store.auditLog(admin)).filter((e) => e.action === 'session.sign-out').map((e) => e.actorRaterId)).toEqual([
        alice.raterId,
      ]);
      await reg.clear();
      await expect(reg.resolve(b)).rejects.toThrow(/not signed in/);
    } finally {
      store.close();
    }
  });

  it('ends a session after the idle time, and after the maximum age however active', async () => {
    const store = await openTemp();
    try {
      const { alice, bob } = await people(store);
      let now = 1_000_000;
      const reg = registryOver(store, () => now, { idleMs: 1000, maxAgeMs: 5000 });
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
    } finally {
      store.close();
    }
  });

  it("ends one person's sessions except the one that asked, and a changed role counts at once", async () => {
    const store = await openTemp();
    try {
      const { admin, alice, bob } = await people(store);
      const reg = registryOver(store);
      const [a1, a2, b1] = [await reg.issue(alice), await reg.issue(alice), await reg.issue(bob)];
      await reg.endSessionsOf(alice.raterId, a2, alice.raterId);
      await expect(reg.resolve(a1)).rejects.toThrow(/not signed in/);
      expect(await reg.resolve(a2)).toEqual(alice);
      expect(await reg.resolve(b1)).toEqual(bob);
      const audited = (await store.auditLog(admin)).filter((e) => e.action === 'session.sign-out-everywhere');
      expect(audited.map((e) => [e.actorRaterId, e.subjectId, JSON.parse(e.detail)])).toEqual([
        [alice.raterId, alice.raterId, { ended: 1 }],
      ]);

      await store.setRole(admin, bob.raterId, 'reviewer');
      expect(await reg.resolve(b1)).toEqual({ raterId: bob.raterId, role: 'reviewer' });
    } finally {
      store.close();
    }
  });

  it('a session signed in before a restart still stands after it', async () => {
    const { store, again } = await openTempTwice();
    const { alice } = await people(store);
    const token = await registryOver(store).issue(alice);
    store.close();
    const restarted = await again();
    try {
      expect(await registryOver(restarted).resolve(token)).toEqual(alice);
    } finally {
      restarted.close();
    }
  });

  it('two registries on one database share every session: a sign-out through one is refused by the other at once', async () => {
    const { store, again } = await openTempTwice();
    // Two server processes on PostgreSQL; SQLite has one owner process, so there two registries share one store.
    const other = kind === 'postgres' ? await again() : store;
    try {
      const { alice, bob } = await people(store);
      const [one, two] = [registryOver(store), registryOver(other)];
      const a = await one.issue(alice);
      const b = await two.issue(bob);
      expect(await two.resolve(a)).toEqual(alice);
      expect(await one.resolve(b)).toEqual(bob);
      await two.signOut(a);
      await expect(one.resolve(a)).rejects.toThrow(/not signed in/);
      await one.endSessionsOf(bob.raterId);
      await expect(two.resolve(b)).rejects.toThrow(/not signed in/);
    } finally {
      store.close();
      if (other !== store) other.close();
    }
  });
});
