/**
 * The preload: exposes `window.quorum` with exactly one method per contract channel plus
 * onMenuCommand, nothing generic (Electron's context-isolation guidance: never expose
 * ipcRenderer.send/invoke itself). The renderer's type for it is QuorumBridge
 * (src-shared/api/bridge.ts). Sandboxed preloads can require only `electron`, so electron-vite
 * bundles this file with its imports into out/preload/preload.cjs.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { createBridge } from '../src-shared/api/bridge';
import { MENU_COMMAND_CHANNEL } from '../src-shared/api/transport';

const bridge = createBridge(
  (channel, request) => ipcRenderer.invoke(channel, request),
  (listener) => {
    // Drop the event object: it carries `sender`, which must not reach the page.
    const forward = (_event: IpcRendererEvent, command: unknown): void => listener(command);
    ipcRenderer.on(MENU_COMMAND_CHANNEL, forward);
    return () => {
      ipcRenderer.removeListener(MENU_COMMAND_CHANNEL, forward);
    };
  },
);

contextBridge.exposeInMainWorld('quorum', bridge);
