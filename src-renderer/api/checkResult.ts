/**
 * The renderer is the receiving end of every response: results are checked against the contract
 * before the UI sees them, whichever transport carried them.
 */
import { contract, resultSchema, type Channel, type Result, type ResultOf } from '../../src-shared/api/contract';

export function checkResult<C extends Channel>(channel: C, raw: unknown): Result<ResultOf<C>> {
  const parsed = resultSchema(contract[channel].result).safeParse(raw);
  if (!parsed.success) {
    return { ok: false, error: { code: 'internal', message: `The ${channel} response does not match the API contract.` } };
  }
  return parsed.data as Result<ResultOf<C>>;
}

/** For transport failures (no response at all). */
export function transportFailure<T>(channel: Channel, e: unknown): Result<T> {
  const why = e instanceof Error ? e.message : String(e);
  return { ok: false, error: { code: 'internal', message: `Could not reach the Quorum backend for ${channel}: ${why}` } };
}
