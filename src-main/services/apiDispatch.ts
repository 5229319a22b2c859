/**
 * The receiving end of both transports: look the channel up in the contract, check who may call it
 * (channelAccess.ts: the one permission rule, before any other work), validate the request with its
 * zod schema, run the handler, and check the result against the contract before it leaves.
 * Anything a handler throws becomes an error Result, so a transport never crashes on bad input.
 *
 * Plain Node; no Electron.
 */
import { z } from '../../src-shared/zod';
import { contract, type Channel, type QuorumApi, type Result } from '../../src-shared/api/contract';
import type { Session } from '../../src-shared/project/types';
import { errorFromThrown, fail } from './apiResult';
import { CHANNEL_ACCESS } from './channelAccess';

export function isChannel(name: string): name is Channel {
  return Object.prototype.hasOwnProperty.call(contract, name);
}

export type Dispatch = (channel: string, rawRequest: unknown) => Promise<Result<unknown>>;

type Log = (message: string) => void;

/**
 * The live session behind a token, or why there is none (never signed in, signed out, expired): the
 * reason reaches the person, who should know whether to sign in again because time ran out.
 */
export type SessionOf = (token: string) => Promise<Result<Session>>;

/** The request's `session` token, read without trusting the rest of the request. */
function sessionTokenOf(rawRequest: unknown): string | null {
  if (typeof rawRequest !== 'object' || rawRequest === null || !('session' in rawRequest)) return null;
  const token = rawRequest.session;
  return typeof token === 'string' && token.length > 0 ? token : null;
}

/**
 * The access rule of `channel` applied to the caller: the caller's session (null for a channel
 * anyone may call), or the refusal. The HTTP server also applies it to a binary request before
 * reading its body (binaryAdmission.ts).
 */
export async function admittedSession(channel: Channel, rawRequest: unknown, sessionOf: SessionOf): Promise<Result<Session | null>> {
  const access = CHANNEL_ACCESS[channel];
  if (access.who === 'anyone') return { ok: true, value: null };
  const token = sessionTokenOf(rawRequest);
  const found = token === null ? fail<Session>('unauthorized', 'not signed in') : await sessionOf(token);
  if (!found.ok) {
    // Sessions live in the project database: while it cannot be reached the caller is not signed
    // out, and must hear "try again" (503), not "sign in again".
    if (found.error.code === 'unavailable') return found;
    return fail('unauthorized', `${channel} needs a signed-in session: ${found.error.message}.`);
  }
  const session = found.value;
  if (!access.roles.includes(session.role))
    return fail('unauthorized', `${channel} is for ${access.roles.join(' or ')} sessions, not ${session.role}.`);
  return { ok: true, value: session };
}

export function createDispatch(channels: QuorumApi, sessionOf: SessionOf, log: Log = (m) => console.warn(m)): Dispatch {
  return async (channel, rawRequest) => {
    if (!isChannel(channel)) {
      log(`[api] refused unknown channel ${JSON.stringify(channel)}`);
      return fail('bad-request', `Unknown API channel "${channel}".`);
    }
    // Before parsing and before the handler: a refused caller costs nothing and learns nothing.
    const admitted = await admittedSession(channel, rawRequest, sessionOf);
    if (!admitted.ok) {
      log(`[api] refused ${channel}: ${admitted.error.message}`);
      return admitted;
    }
    const parsed = contract[channel].request.safeParse(rawRequest);
    if (!parsed.success) {
      log(`[api] refused malformed ${channel} request: ${z.prettifyError(parsed.error)}`);
      return fail('bad-request', `Malformed ${channel} request: ${z.prettifyError(parsed.error)}`, { issues: parsed.error.issues });
    }
    let result: Result<unknown>;
    try {
      // The handler table is indexed by the same key the schema came from, so the request type matches.
      const handler = channels[channel] as (request: unknown) => Promise<Result<unknown>>;
      result = await handler(parsed.data);
    } catch (e) {
      const error = errorFromThrown(e);
      if (error.code === 'internal') log(`[api] ${channel} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      return { ok: false, error };
    }
    if (!result.ok) return result;
    const checked = contract[channel].result.safeParse(result.value);
    if (!checked.success) {
      log(`[api] ${channel} produced a result that breaks the contract: ${z.prettifyError(checked.error)}`);
      return fail('internal', `Internal error: the ${channel} result does not match the API contract.`);
    }
    return { ok: true, value: checked.data };
  };
}
