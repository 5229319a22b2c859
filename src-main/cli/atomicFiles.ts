/**
 * Writes a set of output files all or nothing: each is written to a temporary name in its own
 * folder (so the final rename stays on one file system and is atomic), and renamed into place only
 * once every one is written. On any failure the temporaries are removed, so a reader never finds
 * a half-written NIfTI under the real name.
 */
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export function writeFilesAtomically(files: ReadonlyMap<string, Uint8Array | string>): void {
  const written: { temp: string; final: string }[] = [];
  try {
    for (const [final, content] of files) {
      const temp = join(dirname(final), `.${basename(final)}.${process.pid}.partial`);
      written.push({ temp, final });
      writeFileSync(temp, content);
    }
    for (const w of written) renameSync(w.temp, w.final);
  } catch (e) {
    for (const w of written) rmSync(w.temp, { force: true });
    throw e;
  }
}
