/**
 * The sign-in rules, over any AccountStore (accounts.ts): a person names themself and gives their
 * secret; the first sign-in of a person who has none sets it. Failed attempts are throttled per
 * person: after `maxFailures` in a row, attempts are refused without checking the secret until a
 * pause has passed, and each further failure doubles the pause (up to `maxLockoutMs`). A failure is
 * counted *before* the (slow, asynchronous) scrypt check, so parallel guesses cannot all slip in
 * before the first one is counted. An admin resetting the secret clears the throttle.
 *
 * Plain Node.
 */
import type { AccountStore } from './accounts';
import { fail } from './errors';
import { hashSecret, verifySecret } from './secrets';

export interface SignInPolicy {
  /** Consecutive failures before attempts are paused. */
  readonly maxFailures: number;
  /** The first pause; doubled per further failure. */
  readonly lockoutMs: number;
  readonly maxLockoutMs: number;
}

export const DEFAULT_SIGN_IN_POLICY: SignInPolicy = { maxFailures: 5, lockoutMs: 5 * 60_000, maxLockoutMs: 60 * 60_000 };

export interface SignInRequest {
  readonly name: string;
  readonly secret: string;
  /** A first sign-in: `secret` becomes the person's secret (refused when they already have one). */
  readonly setSecret?: boolean;
}

/** Checks a sign-in and returns the person's rater id; every refusal is a `forbidden` ProjectError with the reason. */
export async function authenticate(accounts: AccountStore, req: SignInRequest, nowMs: () => number, policy: SignInPolicy): Promise<string> {
  // Names are public (the sign-in picker lists them), so saying that one is unknown reveals nothing.
  const account = (await accounts.findByName(req.name)) ?? fail('forbidden', `nobody named "${req.name}" is in this project`);
  if (account.secretHash === null) {
    // Whoever knows an invited person's name must not claim the account before the link is opened.
    if (account.invited)
      fail('forbidden', `${account.name} was invited: open the invitation link to set a password, or ask an admin for a new one`);
    if (!req.setSecret) fail('forbidden', `${account.name} has no password yet: choose one to sign in for the first time`);
    const hash = await hashSecret(req.secret);
    // Two first sign-ins racing: the first to store its secret wins, the other must sign in with it.
    if (!(await accounts.setFirstSecret(account.raterId, hash)))
      fail('forbidden', `${account.name} has just set a password: sign in with it`);
    await accounts.recordSuccess(account.raterId);
    return account.raterId;
  }
  if (req.setSecret) fail('forbidden', `${account.name} already has a password: sign in with it, or ask an admin to reset it`);
  const now = nowMs();
  const counted = await accounts.recordFailure(account.raterId, now, (failures) =>
    failures >= policy.maxFailures ? now + Math.min(policy.lockoutMs * 2 ** (failures - policy.maxFailures), policy.maxLockoutMs) : null,
  );
  if (counted.pausedUntilMs !== null) {
    const waitS = Math.ceil((counted.pausedUntilMs - now) / 1000);
    fail('forbidden', `too many failed sign-ins for ${account.name}: try again in ${waitS} s, or ask an admin to reset the password`);
  }
  const { failedAttempts: failures, lockedUntilMs } = counted;
  if (!(await verifySecret(req.secret, account.secretHash))) {
    const next =
      lockedUntilMs === null
        ? `${policy.maxFailures - failures} more before a pause`
        : `sign-in paused for ${Math.ceil((lockedUntilMs - now) / 1000)} s`;
    fail('forbidden', `wrong password or PIN for ${account.name} (${next})`);
  }
  await accounts.recordSuccess(account.raterId);
  return account.raterId;
}
