/**
 * The shape of `window.quorum`, the object the Electron preload exposes through contextBridge.
 * Derived from the contract table, one method per channel and nothing generic (no send/invoke),
 * so adding a channel to the contract adds exactly one bridge method and its types.
 */
import { contract, type Channel, type MenuCommand, type RequestOf, type Result, type ResultOf } from './contract';
import { methodNameOf, type MethodNameOf } from './transport';

export type BridgeMethods = {
  [C in Channel as MethodNameOf<C>]: (request: RequestOf<C>) => Promise<Result<ResultOf<C>>>;
};

export type QuorumBridge = BridgeMethods & {
  /** Subscribe to application-menu commands; returns the unsubscribe function. */
  onMenuCommand(callback: (command: MenuCommand) => void): () => void;
};

/** Every channel with its bridge method name, in contract order. */
const bridgeChannels: ReadonlyArray<{ channel: Channel; method: string }> = (Object.keys(contract) as Channel[]).map((channel) => ({
  channel,
  method: methodNameOf(channel),
}));

/**
 * Build the bridge object from two primitives: `invoke` (one request/response round trip on a
 * named channel) and `subscribeMenu`. The preload passes ipcRenderer-based ones; tests pass
 * doubles. Only the channels of the contract get a method — there is no way to reach another one.
 */
export function createBridge(
  invoke: (channel: Channel, request: unknown) => Promise<unknown>,
  subscribeMenu: (listener: (command: unknown) => void) => () => void,
): QuorumBridge {
  const methods: Record<string, (request: unknown) => Promise<unknown>> = {};
  for (const { channel, method } of bridgeChannels) methods[method] = (request) => invoke(channel, request);
  return {
    ...(methods as unknown as BridgeMethods),
    // The renderer validates commands (menuCommandSchema) on arrival; the preload forwards data only.
    onMenuCommand: (callback) => subscribeMenu((command) => callback(command as MenuCommand)),
  };
}
