/**
 * Wire details shared by both ends of both transports: URL shapes, header names and how a channel
 * maps to a preload method name. Environment-free (no DOM, no Node) so server, main, preload and
 * renderer all agree on one definition.
 */
import type { ApiError, Channel } from './contract';

/** Header that carries the per-launch browser-mode token on every `/api/` and `/files/` request. */
export const TOKEN_HEADER = 'X-Quorum-Token';

/** Query parameter that carries the token on the initial page load only (the renderer strips it). */
export const TOKEN_QUERY_PARAM = 'token';

/** The Electron custom scheme and host: the renderer lives at `quorum://app/index.html`. */
export const APP_SCHEME = 'quorum';
export const APP_HOST = 'app';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

/** IPC channel on which main pushes MenuCommand events to the renderer. */
export const MENU_COMMAND_CHANNEL = 'quorum:menu.command';

/** HTTP path of a channel in browser mode: POST /api/<channel without the `quorum:` prefix>. */
export function apiPathOf(channel: Channel): string {
  return `/api/${channel.slice('quorum:'.length)}`;
}

/** Relative URL of one volume's raw voxel bytes (little-endian, i fastest). */
export function volumeUrl(caseId: string, volumeId: string): string {
  return `api/volume/${encodeURIComponent(caseId)}/${encodeURIComponent(volumeId)}`;
}

type MethodNameOf<C extends string> = C extends `quorum:${infer Area}.${infer Verb}` ? `${Area}${Capitalize<Verb>}` : never;

/** `quorum:project.listCases` → `projectListCases`: the preload's method name for a channel. */
export function methodNameOf<C extends Channel>(channel: C): MethodNameOf<C> {
  const match = /^quorum:([a-zA-Z]+)\.([a-zA-Z]+)$/.exec(channel);
  if (!match) throw new Error(`Channel name ${channel} is not of the form quorum:<area>.<verb>`);
  const [, area, verb] = match;
  return `${area}${verb.charAt(0).toUpperCase()}${verb.slice(1)}` as MethodNameOf<C>;
}

export type { MethodNameOf };

/** HTTP status for an API error code: the body is always the JSON Result, the status helps tools and logs. */
export function httpStatusOf(code: ApiError['code']): number {
  switch (code) {
    case 'bad-request':
      return 400;
    case 'unauthorized':
      return 401;
    case 'forbidden-path':
      return 403;
    case 'not-found':
      return 404;
    case 'conflict':
      return 409;
    case 'too-large':
      return 413;
    case 'internal':
      return 500;
    case 'unavailable':
      return 503;
    default:
      // unsupported-file, corrupt-file, bad-geometry, multiple-series: the request was well formed
      // but the file cannot be used.
      return 422;
  }
}
