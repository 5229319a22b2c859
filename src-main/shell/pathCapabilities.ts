/**
 * Electron only (issue 18, finding 16): file paths reach the main process as capability handles the
 * renderer cannot forge, never as paths it wrote itself. A compromised renderer could otherwise
 * open any file as a case, list any folder, or export to any place.
 *
 * - A handle (`cap:<128 random bits>/<file name>`) stands for a real path the main process handed
 *   out: one the person chose in the main process's own open or save dialog, or one the backend
 *   itself returned (the demo project's cases, the recent list, a study's image). The file name is
 *   only there so the page can still show it.
 * - Every handle carries the folder it was granted under; handles derived from a result (a folder
 *   listing's entries, its parent) are issued only inside that folder, so a granted folder never
 *   opens the way up to the rest of the disk.
 * - A request that carries a plain path in a path field is not refused outright: the main process
 *   asks the person in a native dialog, suggesting that path, and uses what they choose. So a typed
 *   path still works for the person, and nothing reaches the backend without their say.
 *
 * Plain Node; Electron's dialog is passed in (`choosePath`), so this is tested without Electron.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { Channel, Result } from '../../src-shared/api/contract';
import type { Dispatch } from '../services/apiDispatch';
import { isInside } from '../services/pathGuard';

/** What the native dialog is asked for. */
export type DialogKind = 'open-file' | 'open-folder' | 'open-file-or-folder' | 'save-folder' | 'save-file';

/** Shows the native dialog with `suggested` pre-filled; the chosen absolute path, or null when cancelled. */
export type ChoosePath = (kind: DialogKind, suggested: string) => Promise<string | null>;

const HANDLE = /^cap:([0-9a-f]{32})\//;

/** The request fields that name a file or folder, per channel, and the dialog that confirms a plain one. */
export const REQUEST_PATH_FIELDS: Partial<Record<Channel, { readonly field: string; readonly kind: DialogKind }>> = {
  'quorum:project.listCases': { field: 'path', kind: 'open-folder' },
  'quorum:project.open': { field: 'path', kind: 'open-folder' },
  'quorum:case.open': { field: 'path', kind: 'open-file-or-folder' },
  'quorum:fs.list': { field: 'path', kind: 'open-folder' },
  'quorum:annotation.import': { field: 'path', kind: 'open-file' },
  'quorum:import.folder': { field: 'path', kind: 'open-folder' },
  'quorum:export.case': { field: 'outDir', kind: 'save-folder' },
  'quorum:export.versionsCsv': { field: 'path', kind: 'save-file' },
  'quorum:export.timeOnTaskCsv': { field: 'path', kind: 'save-file' },
};

interface Grant {
  readonly realPath: string;
  /** The folder this grant and everything derived from it stay inside. */
  readonly root: string;
}

export class PathCapabilities {
  private readonly grants = new Map<string, Grant>();

  /** A new handle for `realPath`, confined to `root` (default: the path itself, or its folder for a file). */
  issue(realPath: string, root: string = realPath): string {
    const id = randomBytes(16).toString('hex');
    this.grants.set(id, { realPath, root });
    return `cap:${id}/${path.basename(realPath)}`;
  }

  /** The grant behind a handle, or null for anything the main process did not hand out. */
  resolve(handle: string): Grant | null {
    const id = HANDLE.exec(handle)?.[1];
    return id === undefined ? null : (this.grants.get(id) ?? null);
  }

  /** A handle for a path the backend returned under `root`, or null when it lies outside it. */
  derive(realPath: string, root: string): string | null {
    return isInside(root, realPath) ? this.issue(realPath, root) : null;
  }
}

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Result paths the page may send back, turned into handles. `root` is the folder the request was
 * granted under; null for requests that named no path (their results are the backend's own choice:
 * the demo project, the person's recent list, a study's case image), whose paths are each their own root.
 */
function handlesInResult(channel: Channel, value: unknown, caps: PathCapabilities, root: string | null): unknown {
  if (!isObject(value)) return value;
  const own = (p: string): string => caps.issue(p, root ?? p);
  const within = (p: string): string | null => (root === null ? caps.issue(p, path.dirname(p)) : caps.derive(p, root));
  switch (channel) {
    case 'quorum:project.listCases': {
      const cases = Array.isArray(value.cases) ? value.cases.filter(isObject) : [];
      const folder = typeof value.path === 'string' ? value.path : '';
      return {
        ...value,
        path: own(folder),
        cases: cases.map((c) => ({ ...c, path: typeof c.path === 'string' ? caps.issue(c.path, root ?? folder) : c.path })),
      };
    }
    case 'quorum:case.open':
      return typeof value.path === 'string' ? { ...value, path: own(value.path) } : value;
    case 'quorum:fs.list': {
      const entries = Array.isArray(value.entries) ? value.entries.filter(isObject) : [];
      const parent = typeof value.parent === 'string' && root !== null ? caps.derive(value.parent, root) : null;
      return {
        ...value,
        path: typeof value.path === 'string' ? own(value.path) : value.path,
        parent,
        entries: entries.flatMap((e) => {
          const handle = typeof e.path === 'string' ? within(e.path) : null;
          return handle === null ? [] : [{ ...e, path: handle }];
        }),
      };
    }
    case 'quorum:recent.list':
      return {
        ...value,
        paths: Array.isArray(value.paths) ? value.paths.filter((p) => typeof p === 'string').map((p) => caps.issue(p)) : [],
      };
    case 'quorum:study.next':
      return isObject(value.image) && typeof value.image.path === 'string'
        ? { ...value, image: { ...value.image, path: caps.issue(value.image.path) } }
        : value;
    default:
      return value;
  }
}

/**
 * The IPC dispatch of the desktop app: request path fields become the real paths behind their
 * handles (or what the person chose in the dialog), and result paths become handles.
 */
export function capabilityDispatch(dispatch: Dispatch, caps: PathCapabilities, choosePath: ChoosePath): Dispatch {
  return async (channel, rawRequest) => {
    const spec = REQUEST_PATH_FIELDS[channel as Channel];
    let request = rawRequest;
    let root: string | null = null;
    if (spec !== undefined && isObject(rawRequest) && typeof rawRequest[spec.field] === 'string') {
      const given = rawRequest[spec.field] as string;
      const grant = caps.resolve(given);
      let real: string;
      if (grant !== null) {
        real = grant.realPath;
        root = grant.root;
      } else {
        if (HANDLE.test(given)) return refuse('That file handle was not issued in this window.');
        const chosen = await choosePath(spec.kind, given);
        if (chosen === null) return refuse('No file or folder was chosen.');
        real = chosen;
        root = chosen;
      }
      request = { ...rawRequest, [spec.field]: real };
    }
    const result = await dispatch(channel, request);
    return result.ok ? { ok: true, value: handlesInResult(channel as Channel, result.value, caps, root) } : result;
  };
}

function refuse(message: string): Result<never> {
  return { ok: false, error: { code: 'forbidden-path', message } };
}
