/**
 * Directory listing for the open dialog of browser mode (which has no native dialog). Names only,
 * never contents; hidden entries are left out. Plain Node; no Electron.
 */
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Result, ResultOf } from '../../src-shared/api/contract';
import { fail, ok } from './apiResult';

const MAX_ENTRIES = 5000;

type Listing = ResultOf<'quorum:fs.list'>;

function codeOf(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : undefined;
}

export async function listDirectory(dir: string): Promise<Result<Listing>> {
  if (!path.isAbsolute(dir)) return fail('bad-request', `Expected an absolute folder path, got "${dir}".`);
  const resolved = path.resolve(dir);
  let dirents;
  try {
    dirents = await readdir(resolved, { withFileTypes: true });
  } catch (e) {
    const code = codeOf(e);
    if (code === 'ENOENT') return fail('not-found', `No such folder: ${resolved}`);
    if (code === 'ENOTDIR') return fail('bad-request', `Not a folder: ${resolved}`);
    if (code === 'EACCES' || code === 'EPERM') return fail('forbidden-path', `Permission denied: ${resolved}`);
    throw e;
  }
  const entries: Listing['entries'] = [];
  for (const d of dirents) {
    if (d.name.startsWith('.')) continue;
    const full = path.join(resolved, d.name);
    let isDir = d.isDirectory();
    if (d.isSymbolicLink()) {
      // Follow links for the icon only; a dangling link is shown as a file and fails when opened.
      isDir = await stat(full).then(
        (s) => s.isDirectory(),
        () => false,
      );
    }
    entries.push({ name: d.name, path: full, isDir });
    if (entries.length >= MAX_ENTRIES) break;
  }
  entries.sort((a, b) => (a.isDir === b.isDir ? a.name.localeCompare(b.name) : a.isDir ? -1 : 1));
  const parent = path.dirname(resolved);
  return ok({ path: resolved, parent: parent === resolved ? null : parent, entries });
}
