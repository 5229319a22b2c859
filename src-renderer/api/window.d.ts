/**
 * `window.quorum` exists only inside Electron (the preload puts it there); in browser mode it is
 * undefined and the HTTP transport is used instead. Its type comes from the contract, via
 * QuorumBridge, so the renderer never sees the preload's code.
 */
import type { QuorumBridge } from '../../src-shared/api/bridge';

declare global {
  interface Window {
    quorum?: QuorumBridge;
  }
}

export {};
