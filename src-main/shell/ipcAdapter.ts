/**
 * The IPC transport's receiving end, without Electron: one `handle` registration per contract
 * channel, each checking the sender before the request reaches the validating dispatcher. main.ts
 * passes the real ipcMain; tests pass a double (the only mock, at the Electron boundary).
 *
 * Sender rule (Electron security checklist item 17, VS Code's validatedIpcMain): the frame must
 * exist, be the window's main frame (no parent), and show our own origin, quorum://app.
 */
import { contract, type Channel, type Result } from '../../src-shared/api/contract';
import { APP_HOST, APP_SCHEME } from '../../src-shared/api/transport';
import type { Dispatch } from '../services/apiDispatch';

/** The parts of Electron's WebFrameMain the check reads. */
export interface SenderFrameLike {
  readonly url: string;
  readonly parent: unknown;
}

/** The parts of Electron's IpcMainInvokeEvent the check reads. */
export interface InvokeEventLike {
  readonly senderFrame: SenderFrameLike | null;
}

export interface IpcRegistrar {
  handle(channel: string, listener: (event: InvokeEventLike, ...args: unknown[]) => Promise<unknown>): void;
}

type Log = (message: string) => void;

/** True for the app's own main frame; the reason otherwise. */
export function checkSender(frame: SenderFrameLike | null): true | string {
  if (frame === null) return 'the sending frame is gone';
  if (frame.parent !== null) return 'the sender is a subframe, not the main frame';
  let url: URL;
  try {
    url = new URL(frame.url);
  } catch {
    return `the sender URL ${JSON.stringify(frame.url)} does not parse`;
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST)
    return `the sender origin ${url.origin} is not ${APP_SCHEME}://${APP_HOST}`;
  return true;
}

export function registerIpcChannels(registrar: IpcRegistrar, dispatch: Dispatch, log: Log = (m) => console.warn(m)): Channel[] {
  const channels = Object.keys(contract) as Channel[];
  for (const channel of channels) {
    registrar.handle(channel, async (event, ...args): Promise<Result<unknown>> => {
      const verdict = checkSender(event.senderFrame);
      if (verdict !== true) {
        log(`[ipc] refused ${channel}: ${verdict}`);
        return { ok: false, error: { code: 'unauthorized', message: `IPC call refused: ${verdict}.` } };
      }
      if (args.length !== 1) {
        log(`[ipc] refused ${channel}: expected one request argument, got ${args.length}`);
        return { ok: false, error: { code: 'bad-request', message: `Expected one request object, got ${args.length} arguments.` } };
      }
      return dispatch(channel, args[0]);
    });
  }
  return channels;
}
