/**
 * Recently opened paths per person, newest first, persisted as a small JSON file in the app's data
 * folder (Electron's userData, or the browser-mode data dir). Keyed by rater id: which files someone
 * opened is theirs, not something the next person at the server should see. A missing or unreadable
 * file reads as empty: losing the recent lists must never stop the app from starting.
 *
 * Plain Node; no Electron.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from '../../src-shared/zod';

const fileSchema = z.object({ people: z.record(z.string(), z.array(z.string())) });
type RecentFile = z.infer<typeof fileSchema>;

export interface RecentStore {
  list(personId: string): Promise<string[]>;
  /** Move `openedPath` to the front of this person's list, dropping duplicates and entries beyond the limit. */
  add(personId: string, openedPath: string): Promise<string[]>;
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

  async function read(): Promise<RecentFile> {
    try {
      const parsed = fileSchema.safeParse(JSON.parse(await readFile(filePath, 'utf8')));
      return parsed.success ? parsed.data : { people: {} };
    } catch {
      return { people: {} };
    }
  }

  async function write(file: RecentFile): Promise<void> {
    await mkdir(path.dirname(filePath), { recursive: true });
    // Write then rename, so a crash mid-write leaves the old list rather than half a file.
    const tmp = `${filePath}.${process.pid}.tmp`;
    await writeFile(tmp, JSON.stringify(file, null, 2));
    await rename(tmp, filePath);
  }

  return {
    list: (personId) => queue.then(async () => distinct((await read()).people[personId] ?? []).slice(0, maxEntries)),
    add(personId, openedPath) {
      const next = queue.then(async () => {
        const file = await read();
        const paths = distinct([openedPath, ...(file.people[personId] ?? [])]).slice(0, maxEntries);
        await write({ people: { ...file.people, [personId]: paths } });
        return paths;
      });
      queue = next.catch(() => undefined);
      return next;
    },
  };
}
