/**
 * Electron only (issue 18, finding 16): a file path reaches the backend from the page only if the
 * main process handed that exact path out first. A compromised renderer could otherwise open any
 * file as a case, list any folder, or export to any place.
 *
 * - The main process hands out a path when the person chooses it in its own open or save dialog,
 *   or when the backend returns it (the project's cases, the worklist, the recent list, a study's
 *   image, a folder listing). The path string itself is the capability: the page keeps showing and
 *   comparing real paths, but cannot make up a new one.
 * - Every granted path remembers the folder it was granted under; a folder listing hands out only
 *   entries inside that folder, and its parent only when that is inside too, so a granted folder
 *   never opens the way up to the rest of the disk.
 * - A request that carries any other path is not passed on: the main process opens a native dialog
 *   suggesting it, and uses what the person chooses (so a typed path still works for the person,
 *   and nothing reaches the backend without their say).
 *
 * Plain Node; Electron's dialog is passed in (`choosePath`), so this is tested without Electron.
 */
import path from 'node:path';
import type { Channel, Result } from '../../src-shared/api/contract';
import type { Dispatch } from '../services/apiDispatch';
import { isInside } from '../services/pathGuard';

/** What the native dialog is asked for. */
export type DialogKind = 'open-file' | 'open-folder' | 'open-file-or-folder' | 'save-folder' | 'save-file';

/** Shows the native dialog with `suggested` pre-filled; the chosen absolute path, or null when cancelled. */
export type ChoosePath = (kind: DialogKind, suggested: string) => Promise<string | null>;

/** The request fields that name a file or folder, per channel, and the dialog that confirms an unknown one. */
const REQUEST_PATH_FIELDS: Partial<Record<Channel, { readonly field: string; readonly kind: DialogKind }>> = {
  'quorum:project.listCases': { field: 'path', kind: 'open-folder' },
  'quorum:project.open': { field: 'path', kind: 'open-folder' },
  'quorum:case.open': { field: 'path', kind: 'open-file-or-folder' },
  'quorum:sequence.add': { field: 'path', kind: 'open-file-or-folder' },
  'quorum:sequence.importSubject': { field: 'path', kind: 'open-folder' },
  'quorum:fs.list': { field: 'path', kind: 'open-folder' },
  'quorum:annotation.import': { field: 'path', kind: 'open-file' },
  'quorum:import.folder': { field: 'path', kind: 'open-folder' },
  'quorum:import.values': { field: 'path', kind: 'open-file-or-folder' },
  'quorum:export.case': { field: 'outDir', kind: 'save-folder' },
  'quorum:export.versionsCsv': { field: 'path', kind: 'save-file' },
  'quorum:export.timeOnTaskCsv': { field: 'path', kind: 'save-file' },
};

/** Result keys whose string values (or arrays of strings) are paths the page may send back. */
const RESULT_PATH_KEYS: ReadonlySet<string> = new Set(['path', 'paths', 'casePath', 'dir']);

export class PathCapabilities {
  /** Granted path → the folder it and everything derived from it stay inside. */
  private readonly grants = new Map<string, string>();

  /** Hand out `p`, confined to `root` (default: itself). */
  grant(p: string, root: string = p): void {
    if (!this.grants.has(p)) this.grants.set(p, root);
  }

  /** The root of a path the main process handed out, or null for any other string. */
  rootOf(p: string): string | null {
    return this.grants.get(p) ?? null;
  }
}

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Every absolute path under a result path key, anywhere in the value. */
function resultPaths(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) for (const v of value) resultPaths(v, out);
  else if (isObject(value)) {
    for (const [key, v] of Object.entries(value)) {
      if (RESULT_PATH_KEYS.has(key) && typeof v === 'string' && path.isAbsolute(v)) out.push(v);
      else if (RESULT_PATH_KEYS.has(key) && Array.isArray(v))
        out.push(...v.filter((p): p is string => typeof p === 'string' && path.isAbsolute(p)));
      else resultPaths(v, out);
    }
  }
  return out;
}

/** A folder listing confined to `root`: entries outside it, and a parent outside it, are left out. */
function confinedListing(value: unknown, root: string): unknown {
  if (!isObject(value)) return value;
  const entries = Array.isArray(value.entries) ? value.entries.filter(isObject) : [];
  return {
    ...value,
    parent: typeof value.parent === 'string' && isInside(root, value.parent) ? value.parent : null,
    entries: entries.filter((e) => typeof e.path === 'string' && isInside(root, e.path)),
  };
}

/**
 * The IPC dispatch of the desktop app: a request path must be one the main process handed out (or
 * what the person chooses in the dialog it opens otherwise); the paths in a result are handed out,
 * under the folder the request was granted (or, for the backend's own choices, each under itself).
 */
export function capabilityDispatch(dispatch: Dispatch, caps: PathCapabilities, choosePath: ChoosePath): Dispatch {
  return async (channel, rawRequest) => {
    const spec = REQUEST_PATH_FIELDS[channel as Channel];
    let request = rawRequest;
    let root: string | null = null;
    if (spec !== undefined && isObject(rawRequest) && typeof rawRequest[spec.field] === 'string') {
      const given = rawRequest[spec.field] as string;
      root = caps.rootOf(given);
      if (root === null) {
        const chosen = await choosePath(spec.kind, given);
        if (chosen === null) return refuse('No file or folder was chosen.');
        caps.grant(chosen);
        root = chosen;
        request = { ...rawRequest, [spec.field]: chosen };
      }
    }
    const result = await dispatch(channel, request);
    if (!result.ok) return result;
    const value = channel === 'quorum:fs.list' && root !== null ? confinedListing(result.value, root) : result.value;
    for (const p of resultPaths(value)) caps.grant(p, root !== null && isInside(root, p) ? root : p);
    return { ok: true, value };
  };
}

function refuse(message: string): Result<never> {
  return { ok: false, error: { code: 'forbidden-path', message } };
}
