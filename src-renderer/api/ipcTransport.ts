/** The Electron transport: one bridge method per channel, results checked on arrival. */
import { contract, type Channel, type QuorumApi } from '../../src-shared/api/contract';
import type { BridgeMethods, QuorumBridge } from '../../src-shared/api/bridge';
import { methodNameOf } from '../../src-shared/api/transport';
import { checkResult, transportFailure } from './checkResult';

export function createIpcApi(bridge: QuorumBridge): QuorumApi {
  const api: Record<string, (request: unknown) => Promise<unknown>> = {};
  for (const channel of Object.keys(contract) as Channel[]) {
    const method = bridge[methodNameOf(channel) as keyof BridgeMethods] as (request: unknown) => Promise<unknown>;
    api[channel] = async (request) => {
      try {
        return checkResult(channel, await method(request));
      } catch (e) {
        return transportFailure(channel, e);
      }
    };
  }
  return api as unknown as QuorumApi;
}
