/**
 * Which files the `files/<rootId>/<path>` URLs may serve: only files inside "opened roots" (the
 * folders of cases opened through case.open, and project folders). A request is refused with
 * 'forbidden-path' when any decoded segment is empty, '.', '..' or holds a separator or NUL, or when
 * the real path (symlinks resolved) lies outside the root's real path. The same segment check guards
 * the static renderer files.
 *
 * Plain Node; no Electron.
 */
import { createHash } from 'node:crypto';
import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Result } from '../../src-shared/api/contract';
import { fail, ok } from './apiResult';

/**
 * Split a raw (still percent-encoded) URL path remainder into decoded segments, refusing anything
 * that could step out of a folder. Works on the raw path because URL parsers collapse `..` and
 * `%2e%2e` before we would see them.
 */
export function decodePathSegments(rawPath: string): Result<string[]> {
  if (rawPath.length === 0) return fail('forbidden-path', 'Empty file path.');
  const segments: string[] = [];
  for (const raw of rawPath.split('/')) {
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      return fail('bad-request', `Malformed percent-encoding in path segment "${raw}".`);
    }
    if (segment === '' || segment === '.' || segment === '..' || /[\\/\0]/.test(segment)) {
      return fail('forbidden-path', `Path segment "${raw}" is not allowed: file URLs may not leave their folder.`);
    }
    segments.push(segment);
  }
  return ok(segments);
}

/** True when `candidate` is `root` or lies below it (both absolute, same style). */
export function isInside(root: string, candidate: string): boolean {
  const rel = path.relative(root, candidate);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
}

/**
 * Resolve decoded segments under `root` to a real path of a regular file, or refuse. `root` must
 * already be a real path.
 */
export async function resolveInside(realRoot: string, segments: readonly string[]): Promise<Result<string>> {
  const joined = path.resolve(realRoot, ...segments);
  if (!isInside(realRoot, joined)) return fail('forbidden-path', 'The requested path is outside the allowed folder.');
  let real: string;
  try {
    real = await realpath(joined);
  } catch {
    return fail('not-found', `No such file: ${segments.join('/')}`);
  }
  // A symlink inside the root may point anywhere: judge the target, not the link.
  if (!isInside(realRoot, real)) return fail('forbidden-path', 'The requested path resolves outside the allowed folder.');
  const info = await stat(real);
  if (!info.isFile()) return fail('not-found', `Not a file: ${segments.join('/')}`);
  return ok(real);
}

export interface OpenedRoot {
  readonly rootId: string;
  readonly realPath: string;
}

/** The set of folders this session has opened; files outside them are never served. */
export class PathGuard {
  private readonly roots = new Map<string, string>();

  /** Add a folder (resolved to its real path) and return its id, stable for the same folder. */
  async addRoot(folder: string): Promise<OpenedRoot> {
    const realPath = await realpath(path.resolve(folder));
    const rootId = createHash('sha256').update(realPath).digest('hex').slice(0, 16);
    this.roots.set(rootId, realPath);
    return { rootId, realPath };
  }

  /** The root holding a real path, preferring the deepest, for building a file URL. */
  rootContaining(realFilePath: string): OpenedRoot | null {
    let best: OpenedRoot | null = null;
    for (const [rootId, realPath] of this.roots) {
      if (isInside(realPath, realFilePath) && (best === null || realPath.length > best.realPath.length)) {
        best = { rootId, realPath };
      }
    }
    return best;
  }

  /** Resolve the raw path after `files/` (`<rootId>/<encoded relative path>`) to a file to serve. */
  async resolveFileUrlPath(rawPath: string): Promise<Result<string>> {
    const decoded = decodePathSegments(rawPath);
    if (!decoded.ok) return decoded;
    const [rootId, ...rest] = decoded.value;
    const root = rootId === undefined ? undefined : this.roots.get(rootId);
    if (root === undefined) return fail('forbidden-path', 'This folder has not been opened in this session.');
    if (rest.length === 0) return fail('forbidden-path', 'A file path is required after the folder id.');
    return resolveInside(root, rest);
  }
}
