/**
 * The receiving end of both transports: look the channel up in the contract, validate the request
 * with its zod schema, run the handler, and check the result against the contract before it leaves.
 * Anything a handler throws becomes an error Result, so a transport never crashes on bad input.
 *
 * Plain Node; no Electron.
 */
import { z } from 'zod';
import { contract, type Channel, type QuorumApi, type Result } from '../../src-shared/api/contract';
import { errorFromThrown, fail } from './apiResult';

export function isChannel(name: string): name is Channel {
  return Object.prototype.hasOwnProperty.call(contract, name);
}

export type Dispatch = (channel: string, rawRequest: unknown) => Promise<Result<unknown>>;

type Log = (message: string) => void;

export function createDispatch(channels: QuorumApi, log: Log = (m) => console.warn(m)): Dispatch {
  return async (channel, rawRequest) => {
    if (!isChannel(channel)) {
      log(`[api] refused unknown channel ${JSON.stringify(channel)}`);
      return fail('bad-request', `Unknown API channel "${channel}".`);
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
