/**
 * The window's security settings and navigation rules, as plain data and functions so tests can
 * pin them down without Electron (Electron security checklist items 3, 4, 13, 14).
 */
import { APP_HOST, APP_ORIGIN, APP_SCHEME } from '../../src-shared/api/transport';

/** The renderer's entry URL. */
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/** webPreferences for the one window (merged with the preload path in main.ts). */
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

/** will-navigate: the app is a single page; only its own URLs may load, nothing external. */
export function isNavigationAllowed(target: string): boolean {
  return isAppUrl(target);
}

/**
 * Permission requests from the page. Quorum needs none of camera, microphone, geolocation,
 * notifications, MIDI or USB; only writing to the clipboard (copy a value) and fullscreen.
 */
export function isPermissionAllowed(permission: string, requestingUrl: string): boolean {
  return isAppUrl(requestingUrl) && (permission === 'clipboard-sanitized-write' || permission === 'fullscreen');
}
