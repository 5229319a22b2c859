/**
 * Creating people with their secret, and changing a secret: self-registration sets the secret in
 * the same transaction that creates the person (no window in which the new account has none); an
 * admin may create a person with an initial secret or leave it to their first sign-in, and may
 * reset anyone's secret (which also lifts a sign-in pause); a person changes their own secret by
 * giving the current one (checked through the same throttle as a sign-in).
 *
 * Plain Node.
 */
import { mayManageProject } from '../../../src-shared/project/blinding';
import type { Rater, Role, Session } from '../../../src-shared/project/types';
import { sqliteAccounts } from './accounts';
import type { StoreContext } from './context';
import { fail } from './errors';
import { createRater } from './identity';
import { hashSecret } from './secrets';
import { authenticate, type SignInPolicy } from './signIn';

/** Creates a person with their secret: `actor` null is self-registration (createRater's rules). */
export async function createPerson(
  ctx: StoreContext,
  actor: Session | null,
  name: string,
  role: Role,
  secret: string | undefined,
): Promise<Rater> {
  if (actor === null && secret === undefined) fail('bad-request', 'choose a password (or a PIN of 6+ digits) to create your identity');
  const hash = secret === undefined ? null : await hashSecret(secret);
  return await ctx.db.transaction(async () => {
    const rater = await createRater(ctx, actor, name, role);
    if (hash !== null) await sqliteAccounts(ctx).setSecret(rater.raterId, hash, actor?.raterId ?? null);
    return rater;
  });
}

/** Sets a person's secret: an admin for anyone, a person for themself with their current secret. */
export async function changeSecret(
  ctx: StoreContext,
  actor: Session,
  input: { raterId: string; secret: string; currentSecret?: string },
  nowMs: () => number,
  policy: SignInPolicy,
): Promise<void> {
  const accounts = sqliteAccounts(ctx);
  const target = (await accounts.findById(input.raterId)) ?? fail('not-found', `no person ${input.raterId}`);
  const self = actor.raterId === target.raterId;
  if (!self && !mayManageProject(actor.role)) fail('forbidden', "only an admin can set another person's password");
  // Admins too: a stolen session alone must not be enough to take the account over.
  if (self && target.secretHash !== null) {
    if (input.currentSecret === undefined) fail('bad-request', 'give your current password to choose a new one');
    await authenticate(accounts, { name: target.name, secret: input.currentSecret }, nowMs, policy);
  }
  await accounts.setSecret(target.raterId, await hashSecret(input.secret), self ? null : actor.raterId);
}
