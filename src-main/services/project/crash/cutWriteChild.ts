/**
 * Child process of tornWrite.test.ts: the crash test's autosave, killed at a chosen point instead of
 * a random one. It wraps `fs.openSync`/`fs.writeSync` (node-sqlite3-wasm's VFS calls them through the
 * shared `node:fs` module) and SIGKILLs itself right after its n-th write into the database file,
 * so any page write SQLite makes there (a commit's, a checkpoint's) can be the last one. It saves
 * `saves` versions, reporting `saved <k> <versionId> <fileHash>` after each, then closes the store and
 * reports `closed <database writes>` if it got that far. Test-only: production code has no such hook.
 *
 * Usage: node --import tsx cutWriteChild.ts <projectDir> <raterId> <caseId> <appVersion> <n> <saves>
 */
import fs from 'node:fs';
import path from 'node:path';
import { DB_FILE, ProjectStore } from '../ProjectStore';
import { autosaveLabelmap, isNoLesionSave } from './autosavePattern';

const [dir, raterId, caseId, appVersion, n, saves] = process.argv.slice(2);
const dbPath = path.resolve(dir, DB_FILE);
const dbFds = new Set<number>();
let dbWrites = 0;

const openSync = fs.openSync;
fs.openSync = (...args: Parameters<typeof fs.openSync>): number => {
  const fd = openSync(...args);
  if (path.resolve(String(args[0])) === dbPath) dbFds.add(fd);
  return fd;
};
const writeSync = fs.writeSync as (fd: number, ...rest: unknown[]) => number;
fs.writeSync = ((fd: number, ...rest: unknown[]): number => {
  const written = writeSync(fd, ...rest);
  if (dbFds.has(fd) && ++dbWrites === Number(n)) process.kill(process.pid, 'SIGKILL');
  return written;
}) as typeof fs.writeSync;

const store = await ProjectStore.open(dir, { appVersion });
const session = await store.signIn(raterId);
const first = (await store.listVersions(session, { caseId })).length + 1;
for (let k = first; k < first + Number(saves); k++) {
  const v = isNoLesionSave(k)
    ? await store.submitNoLesion(session, { caseId })
    : await store.saveLabelmap(session, { caseId, labelmap: autosaveLabelmap(k), status: 'draft' });
  writeSync(1, `saved ${k} ${v.versionId} ${v.fileHash}\n`);
}
store.close();
writeSync(1, `closed ${dbWrites}\n`);
