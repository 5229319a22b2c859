import { scryptSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkSecretPolicy, hashSecret, verifySecret } from './secrets';

describe('secrets', () => {
  it('stores a salted scrypt key that node:crypto recomputes independently, and verifies only the right secret', async () => {
    const stored = await hashSecret('correct horse battery');
    const [scheme, cost, salt, key] = stored.split('$');
    expect([scheme, cost]).toEqual(['scrypt', 'ln=15,r=8,p=1']);
    const recomputed = scryptSync('correct horse battery', Buffer.from(salt, 'base64'), 32, {
      N: 2 ** 15,
      r: 8,
      p: 1,
      maxmem: 64 * 2 ** 20,
    });
    expect(recomputed.toString('base64')).toBe(key);
    // A fresh salt each time: the same secret never gives the same text.
    expect(await hashSecret('correct horse battery')).not.toBe(stored);
    expect(await verifySecret('correct horse battery', stored)).toBe(true);
    expect(await verifySecret('correct horse batterY', stored)).toBe(false);
  });

  it('never matches a malformed or tampered hash, or an absurd cost', async () => {
    const stored = await hashSecret('123456');
    expect(
      await verifySecret(
        '123456',
        stored.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')),
      ),
    ).toBe(false);
    expect(await verifySecret('123456', 'plain:123456')).toBe(false);
    expect(await verifySecret('123456', stored.replace('ln=15', 'ln=30'))).toBe(false);
  });

  it('refuses short passwords and PINs, and over-long input', () => {
    expect(() => checkSecretPolicy('seven77')).toThrow(/at least 8 characters/);
    expect(() => checkSecretPolicy('12345')).toThrow(/at least 6 digits/);
    expect(() => checkSecretPolicy('x'.repeat(257))).toThrow(/at most 256/);
    expect(() => checkSecretPolicy('123456')).not.toThrow();
    expect(() => checkSecretPolicy('eight888')).not.toThrow();
  });
});
