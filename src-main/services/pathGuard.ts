/**
 * Which files the `files/<key>/<name>` URLs may serve: only the file of a case the session opened
 * (FileGrants). A request is refused with 'forbidden-path' when any decoded segment is empty, '.',
 * '..' or holds a separator or NUL, or when the real path (symlinks resolved) lies outside the
 * folder it was granted in. The same segment check guards the static renderer files and model files.
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

/**
 * The files a session may fetch at `files/<key>/<name>`: exactly the files of the cases it opened
 * successfully, nothing beside them. A key is a hash of the session token and the file's real path,
 * so no other session, and no caller holding only the launch token, can derive it.
 */
export class FileGrants {
  /** Key → the granted file's real path. */
  private readonly grants = new Map<string, string>();

  /**
   * Let the session behind `token` fetch `realFilePath` (a real path): its `key`, and its URL path
   * after `files/`.
   */
  grant(token: string, realFilePath: string): { key: string; urlPath: string } {
    const key = createHash('sha256').update(`${token}\n${realFilePath}`).digest('hex').slice(0, 32);
    this.grants.set(key, realFilePath);
    return { key, urlPath: `${key}/${encodeURIComponent(path.basename(realFilePath))}` };
  }

  /**
   * Resolve the raw path after `files/` to the granted file, or refuse: an unknown key, or a name
   * other than the granted file's. `recorded` finds a key this process did not grant (another
   * server process on the same database did, or this one before a restart).
   */
  async resolveFileUrlPath(rawPath: string, recorded: (key: string) => Promise<string | null>): Promise<Result<string>> {
    const decoded = decodePathSegments(rawPath);
    if (!decoded.ok) return decoded;
    const [key, name, ...rest] = decoded.value;
    const granted = key === undefined ? undefined : (this.grants.get(key) ?? (await recorded(key)) ?? undefined);
    if (granted === undefined) return fail('forbidden-path', 'This file was not opened by a session.');
    if (name !== path.basename(granted) || rest.length > 0)
      return fail('forbidden-path', 'Only the opened file itself is served, nothing beside it.');
    return resolveInside(path.dirname(granted), [name]);
  }
}
