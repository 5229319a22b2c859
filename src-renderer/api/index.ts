/**
 * The renderer's one entry to the backend: `getApi()` returns the typed client over whichever
 * transport this page has (Electron's preload bridge, or HTTP in browser mode), and
 * `streamVolumeBytes(url, onChunk)` fetches a VolumeInfo.url with the same credentials.
 */
import { menuCommandSchema, type ApiError, type MenuCommand, type QuorumApi } from '../../src-shared/api/contract';
import { createHttpApi, authHeaders } from './httpTransport';
import { createIpcApi } from './ipcTransport';
import { captureToken } from './token';

export type TransportMode = 'electron' | 'browser';

/** A failed request, with the API's error code for logic and a message for people. */
export class ApiRequestError extends Error {
  override readonly name = 'ApiRequestError';
  constructor(
    readonly code: ApiError['code'],
    message: string,
  ) {
    super(message);
  }
}

let cached: { api: QuorumApi; mode: TransportMode; token: string | null } | null = null;

function connect(): NonNullable<typeof cached> {
  if (cached !== null) return cached;
  if (window.quorum !== undefined) {
    cached = { api: createIpcApi(window.quorum), mode: 'electron', token: null };
  } else {
    const token = captureToken({ location: window.location, history: window.history, storage: window.sessionStorage });
    cached = { api: createHttpApi({ baseUrl: document.baseURI, token, fetch: window.fetch.bind(window) }), mode: 'browser', token };
  }
  return cached;
}

export function getApi(): QuorumApi {
  return connect().api;
}

/**
 * Streams the raw little-endian voxel bytes behind a VolumeInfo.url to `onChunk` as they arrive,
 * so the receiver can work while the rest is still on the way (and no second whole-volume buffer is
 * assembled); throws ApiRequestError on an error response.
 */
export async function streamVolumeBytes(url: string, onChunk: (chunk: Uint8Array) => void): Promise<void> {
  const { token } = connect();
  const response = await fetch(new URL(url, document.baseURI), { headers: authHeaders(token) });
  if (!response.ok) {
    let error: ApiError = { code: 'internal', message: `Fetching ${url} failed with HTTP ${response.status}.` };
    try {
      const body = (await response.json()) as { error?: ApiError };
      if (body.error !== undefined) error = body.error;
    } catch {
      // Not a JSON error body: keep the status message.
    }
    throw new ApiRequestError(error.code, error.message);
  }
  if (response.body === null) throw new ApiRequestError('internal', `Fetching ${url} returned no body.`);
  const reader = response.body.getReader();
  for (let next = await reader.read(); !next.done; next = await reader.read()) onChunk(next.value);
}

/** The whole body of a VolumeInfo.url (or a model file URL) in one buffer, for consumers that need it all at once. */
export async function fetchVolumeBytes(url: string): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  await streamVolumeBytes(url, (c) => {
    chunks.push(c);
    total += c.length;
  });
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/**
 * Application-menu commands (Electron only; browser mode has no native menu, so this is a no-op
 * there). Commands are validated on arrival like every other message; invalid ones are dropped
 * with a warning. Returns the unsubscribe function.
 */
export function onMenuCommand(callback: (command: MenuCommand) => void): () => void {
  const bridge = window.quorum;
  if (bridge === undefined) return () => undefined;
  return bridge.onMenuCommand((raw) => {
    const parsed = menuCommandSchema.safeParse(raw);
    if (parsed.success) callback(parsed.data);
    else console.warn('[menu] dropped a malformed menu command', raw);
  });
}
