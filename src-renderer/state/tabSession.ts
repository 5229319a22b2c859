/**
 * What a page reload must not lose, kept in this browser tab's sessionStorage (gone when the tab
 * closes, never shared with other tabs): the sign-in's session token, and the last case opened with
 * the slice each view showed. The token proves nothing by itself here: on reload the server is
 * asked whose it is (rater.current), and a token it no longer knows (expired, signed out, another
 * project) is dropped. Electron windows have sessionStorage too, so both shells behave alike.
 */
import type { MprView } from '../viewer/cameraOrientation';

const SESSION_KEY = 'quorum.session';
const LAST_CASE_KEY = 'quorum.lastCase';

export interface LastCase {
  readonly path: string;
  readonly seriesInstanceUid?: string;
  /** 0-based slice index per view, along the voxel axis the view steps through. */
  readonly slices: Partial<Record<MprView, number>>;
}

function storage(): Storage | null {
  try {
    return window.sessionStorage;
  } catch {
    // Storage can be disabled by the browser's settings; the app then simply forgets on reload.
    return null;
  }
}

export function rememberSessionToken(token: string | null): void {
  const s = storage();
  if (!s) return;
  if (token === null) s.removeItem(SESSION_KEY);
  else s.setItem(SESSION_KEY, token);
}

export function rememberedSessionToken(): string | null {
  return storage()?.getItem(SESSION_KEY) ?? null;
}

export function rememberLastCase(lastCase: LastCase): void {
  storage()?.setItem(LAST_CASE_KEY, JSON.stringify(lastCase));
}

/** The last case, or null when none was kept or what was kept is not a LastCase (it is then ignored). */
export function rememberedLastCase(): LastCase | null {
  const raw = storage()?.getItem(LAST_CASE_KEY);
  if (!raw) return null;
  try {
    const parsed = JSON.parse(raw) as Partial<LastCase>;
    if (typeof parsed.path !== 'string' || typeof parsed.slices !== 'object' || parsed.slices === null) return null;
    return {
      path: parsed.path,
      slices: parsed.slices,
      ...(typeof parsed.seriesInstanceUid === 'string' ? { seriesInstanceUid: parsed.seriesInstanceUid } : {}),
    };
  } catch {
    return null;
  }
}
