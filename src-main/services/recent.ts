/**
 * Recently opened paths, newest first, persisted as a small JSON file in the app's data folder
 * (Electron's userData, or the browser-mode data dir). A missing or unreadable file reads as empty:
 * losing the recent list must never stop the app from starting.
 *
 * Plain Node; no Electron.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';

const fileSchema = z.object({ paths: z.array(z.string()) });

export interface RecentStore {
  list(): Promise<string[]>;
  /** Move `openedPath` to the front, dropping duplicates and entries beyond the limit. */
  add(openedPath: string): Promise<string[]>;
}

/**
 * One entry per file: `a//b`, `a/./b` and a folder's trailing slash name the same place, and the
 * list repeated it once per spelling (callers pass the real path too, so symlinks collapse).
 * Lists written before this are cleaned on read.
 */
function distinct(paths: readonly string[]): string[] {
  return [...new Set(paths.map((p) => path.resolve(p)))];
}

export function createRecentStore(filePath: string, maxEntries = 10): RecentStore {
  // Serialise writes so two quick opens cannot interleave read-modify-write.
  let queue: Promise<unknown> = Promise.resolve();

  async function read(): Promise<string[]> {
    try {
      const parsed = fileSchema.safeParse(JSON.parse(await readFile(filePath, 'utf8')));
      return parsed.success ? distinct(parsed.data.paths).slice(0, maxEntries) : [];
    } catch {
      return [];
    }
  }

  async function write(paths: string[]): Promise<void> {
    await mkdir(path.dirname(filePath), { recursive: true });
    // Write then rename, so a crash mid-write leaves the old list rather than half a file.
    const tmp = `${filePath}.${process.pid}.tmp`;
    await writeFile(tmp, JSON.stringify({ paths }, null, 2));
    await rename(tmp, filePath);
  }

  return {
    list: () => queue.then(read),
    add(openedPath) {
      const next = queue.then(async () => {
        const paths = distinct([openedPath, ...(await read())]).slice(0, maxEntries);
        await write(paths);
        return paths;
      });
      queue = next.catch(() => undefined);
      return next;
    },
  };
}
