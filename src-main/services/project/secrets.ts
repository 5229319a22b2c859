/**
 * A person's secret (a password, or a PIN on a shared workstation) as stored: scrypt from
 * node:crypto with a random salt, in one self-describing text
 * `scrypt$ln=<log2 N>,r=<r>,p=<p>$<salt base64>$<key base64>`, so the cost can be raised later
 * without a schema change (each hash keeps its own parameters) and a PostgreSQL team server can
 * store the same text in the same column.
 *
 * Costs: N = 2^15, r = 8, p = 1 (32 MiB and ~0.1 s per hash on the 2-core dev machine): the
 * rate limit (signIn.ts) bounds online guessing; the cost bounds offline guessing from a stolen
 * quorum.sqlite. Plain Node.
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { fail } from './errors';

const COST = { ln: 15, r: 8, p: 1 } as const;
const KEY_BYTES = 32;
const SALT_BYTES = 16;
/** The longest secret accepted: scrypt does not care, but a megabyte "password" is a mistake or an attack. */
const MAX_SECRET_CHARS = 256;
const MIN_PASSWORD_CHARS = 8;
const MIN_PIN_DIGITS = 6;

function derive(secret: string, salt: Buffer, cost: { ln: number; r: number; p: number }): Promise<Buffer> {
  const options: ScryptOptions = { N: 2 ** cost.ln, r: cost.r, p: cost.p, maxmem: 256 * 2 ** cost.ln * cost.r };
  return new Promise((resolve, reject) =>
    scrypt(secret.normalize('NFC'), salt, KEY_BYTES, options, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

/**
 * Refuses a secret too weak to store: a PIN (digits only) needs at least 6 digits, anything else
 * at least 8 characters. The rate limit makes a 6-digit PIN's million guesses take years.
 */
export function checkSecretPolicy(secret: string): void {
  if (typeof secret !== 'string' || secret.length > MAX_SECRET_CHARS)
    fail('bad-request', `a password has at most ${MAX_SECRET_CHARS} characters`);
  if (/^\d+$/.test(secret)) {
    if (secret.length < MIN_PIN_DIGITS) fail('bad-request', `a PIN needs at least ${MIN_PIN_DIGITS} digits`);
    return;
  }
  if (secret.length < MIN_PASSWORD_CHARS)
    fail('bad-request', `a password needs at least ${MIN_PASSWORD_CHARS} characters (or use a PIN of ${MIN_PIN_DIGITS}+ digits)`);
}

/** The stored form of a new secret (the policy is checked first). */
export async function hashSecret(secret: string): Promise<string> {
  checkSecretPolicy(secret);
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(secret, salt, COST);
  return `scrypt$ln=${COST.ln},r=${COST.r},p=${COST.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

const STORED = /^scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/;

/** Whether `secret` matches the stored hash; compared in constant time. A malformed hash never matches. */
export async function verifySecret(secret: string, stored: string): Promise<boolean> {
  const m = STORED.exec(stored);
  if (!m || typeof secret !== 'string' || secret.length > MAX_SECRET_CHARS) return false;
  const [ln, r, p] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (ln < 10 || ln > 20 || r < 1 || p < 1) return false;
  const expected = Buffer.from(m[5], 'base64');
  const key = await derive(secret, Buffer.from(m[4], 'base64'), { ln, r, p });
  return key.length === expected.length && timingSafeEqual(key, expected);
}
