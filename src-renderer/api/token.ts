/**
 * Browser mode's token: it arrives once in the page URL (?token=…), is kept in sessionStorage (this
 * tab only, gone when it closes) and is removed from the address bar so it does not end up in
 * history, bookmarks or screenshots. Every API and file request then sends it as a header.
 */
import { TOKEN_QUERY_PARAM } from '../../src-shared/api/transport';

/** Where this tab keeps the launch token (an invitation link made here carries it: adminActions.ts). */
export const TOKEN_STORAGE_KEY = 'quorum.token';

export interface TokenEnvironment {
  location: Pick<Location, 'href'>;
  history: Pick<History, 'replaceState' | 'state'>;
  storage: Pick<Storage, 'getItem' | 'setItem'>;
}

/** Take the token out of the URL if present, store it, and return the token to use (or null). */
export function captureToken(env: TokenEnvironment): string | null {
  const url = new URL(env.location.href);
  const fromUrl = url.searchParams.get(TOKEN_QUERY_PARAM);
  if (fromUrl !== null && fromUrl.length > 0) {
    env.storage.setItem(TOKEN_STORAGE_KEY, fromUrl);
    url.searchParams.delete(TOKEN_QUERY_PARAM);
    env.history.replaceState(env.history.state, '', url.pathname + url.search + url.hash);
    return fromUrl;
  }
  return env.storage.getItem(TOKEN_STORAGE_KEY);
}
