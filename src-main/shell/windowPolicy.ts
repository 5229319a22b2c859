/**
 * The window's security settings and navigation rules, as plain data and functions so tests can
 * pin them down without Electron (Electron security checklist items 3, 4, 13, 14).
 */
import { APP_HOST, APP_ORIGIN, APP_SCHEME } from '../../src-shared/api/transport';

/** The renderer's entry URL. */
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/**
 * webPreferences for every window: the app's (merged with the preload path in main.ts), and a team
 * server's and the connect form's, which get no preload at all.
 */
export const secureWebPreferences = {
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  nodeIntegrationInSubFrames: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  webviewTag: false,
  experimentalFeatures: false,
  spellcheck: false,
} as const;

/** Parsed with URL, never compared by prefix: `quorum://app.evil/` must not pass. */
export function isAppUrl(candidate: string): boolean {
  try {
    const url = new URL(candidate);
    return url.protocol === `${APP_SCHEME}:` && url.host === APP_HOST;
  } catch {
    return false;
  }
}

/** Same scheme, host and port as `origin` (an https team server's), parsed with URL; an opaque origin (data:) is no one's. */
function isSameOrigin(candidate: string, origin: string): boolean {
  try {
    const parsed = new URL(candidate).origin;
    return parsed !== 'null' && parsed === origin;
  } catch {
    return false;
  }
}

/**
 * will-navigate: the app is a single page; only its own URLs may load, nothing external. A team
 * server's window (`teamOrigin`) stays on that server.
 */
export function isNavigationAllowed(target: string, teamOrigin?: string): boolean {
  return teamOrigin === undefined ? isAppUrl(target) : isSameOrigin(target, teamOrigin);
}

/**
 * Permission requests from the page (of the app, or of the team server `teamOrigin`). Quorum needs
 * none of camera, microphone, geolocation, notifications, MIDI or USB; only writing to the
 * clipboard (copy a value) and fullscreen.
 */
export function isPermissionAllowed(permission: string, requestingUrl: string, teamOrigin?: string): boolean {
  return isNavigationAllowed(requestingUrl, teamOrigin) && (permission === 'clipboard-sanitized-write' || permission === 'fullscreen');
}
