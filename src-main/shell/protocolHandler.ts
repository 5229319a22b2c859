/**
 * The quorum:// protocol, without Electron: a web Request for quorum://app/<path> becomes the same
 * route mapping the browser-mode server uses (renderer files, api/volume, files/), so both shells
 * send identical bytes and headers (COOP/COEP/CORP, CSP on the page, content types).
 *
 * No token here: only this app's own pages can load quorum:// URLs, and the scheme is not reachable
 * from outside the Electron process.
 */
import { APP_HOST } from '../../src-shared/api/transport';
import { errorResponse, type AppRoutes } from '../server/appRoutes';

export function createProtocolHandler(routes: AppRoutes): (request: Request) => Promise<Response> {
  return async (request) => {
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      return errorResponse({ code: 'bad-request', message: 'Malformed URL.' });
    }
    if (url.host !== APP_HOST) return errorResponse({ code: 'not-found', message: `Unknown host ${url.host}.` });
    return routes(request.method, url.pathname);
  };
}
