/**
 * The browser-mode transport: POST api/<channel> with the token header, results checked on arrival.
 * A request or result that holds Uint8Arrays (voxels) travels as one binary frame
 * (src-shared/api/binaryFrame.ts), anything else as JSON.
 */
import { decodeFrame, encodeFrame, FRAME_CONTENT_TYPE, holdsBytes } from '../../src-shared/api/binaryFrame';
import { contract, type Channel, type QuorumApi } from '../../src-shared/api/contract';
import { apiPathOf, TOKEN_HEADER } from '../../src-shared/api/transport';
import { checkResult, transportFailure } from './checkResult';

export interface HttpApiOptions {
  /** The page's base URL; API paths are resolved against it. */
  baseUrl: string;
  token: string | null;
  fetch: typeof fetch;
}

export function authHeaders(token: string | null): Record<string, string> {
  return token === null ? {} : { [TOKEN_HEADER]: token };
}

export function createHttpApi(options: HttpApiOptions): QuorumApi {
  const api: Record<string, (request: unknown) => Promise<unknown>> = {};
  for (const channel of Object.keys(contract) as Channel[]) {
    // apiPathOf is absolute from the server root ('/api/…'); make it relative so a base path is kept.
    const url = new URL(apiPathOf(channel).slice(1), options.baseUrl).toString();
    api[channel] = async (request) => {
      try {
        const binary = holdsBytes(request);
        const response = await options.fetch(url, {
          method: 'POST',
          headers: { 'Content-Type': binary ? FRAME_CONTENT_TYPE : 'application/json', ...authHeaders(options.token) },
          body: binary ? encodeFrame(request) : JSON.stringify(request),
        });
        // Error results come with 4xx/5xx statuses but the same body; the body is what counts.
        const isFrame = (response.headers.get('Content-Type') ?? '').toLowerCase().startsWith(FRAME_CONTENT_TYPE);
        return checkResult(channel, isFrame ? decodeFrame(new Uint8Array(await response.arrayBuffer())) : await response.json());
      } catch (e) {
        return transportFailure(channel, e);
      }
    };
  }
  return api as unknown as QuorumApi;
}
