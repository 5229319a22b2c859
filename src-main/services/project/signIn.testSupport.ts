/**
 * Signing people in from tests (service tests and the e2e helpers), now that sign-in needs a
 * secret: every person has one deterministic test secret, set on their first sign-in, so any test
 * can sign anyone in by name. Used only by tests.
 */

/** The test secret of a person: deterministic, long enough for the password policy. */
export function testSecretOf(name: string): string {
  return `test secret of ${name}`;
}

/** A channel call without the `quorum:` prefix, returning the value or throwing with the error. */
type ShortCall = (channel: 'rater.identities' | 'rater.signIn', request: unknown) => Promise<unknown>;

/** Signs `name` in over the API with their test secret, setting it when they have none yet. */
export async function signInWithTestSecret(call: ShortCall, name: string): Promise<{ token: string; raterId: string; role: string }> {
  const people = (await call('rater.identities', {})) as Array<{ name: string; hasSecret: boolean }>;
  const me = people.find((p) => p.name === name);
  if (!me) throw new Error(`No person named ${name}`);
  const signedIn = (await call('rater.signIn', { name, secret: testSecretOf(name), setSecret: !me.hasSecret })) as {
    token: string;
    session: { raterId: string; role: string };
  };
  return { token: signedIn.token, raterId: signedIn.session.raterId, role: signedIn.session.role };
}
