/**
 * Child process of the crash-safety test: opens the project and saves a new draft version of one
 * rater's labelmap in a loop (every third save the no-lesion answer, see autosavePattern.ts), forever, until the test kills it with SIGKILL. After each save has
 * returned (file renamed and fsynced, DB transaction committed) it reports `saved <k> <versionId>
 * <fileHash>` on stdout, so the parent knows which versions were complete before the kill.
 *
 * Usage: node --import tsx autosaveChild.ts <projectDir> <raterId> <caseId> <appVersion>
 */
import fs from 'node:fs';
import { ProjectStore } from '../ProjectStore';
import { autosaveLabelmap, isNoLesionSave } from './autosavePattern';

const [dir, raterId, caseId, appVersion] = process.argv.slice(2);
const store = await ProjectStore.open(dir, { appVersion });
const session = await store.signIn(raterId);
let k = (await store.listVersions(session, { caseId })).length;
fs.writeSync(1, `ready ${k}\n`);
for (;;) {
  k++;
  const v = isNoLesionSave(k)
    ? await store.submitNoLesion(session, { caseId })
    : await store.saveLabelmap(session, { caseId, labelmap: autosaveLabelmap(k), status: 'draft' });
  fs.writeSync(1, `saved ${k} ${v.versionId} ${v.fileHash}\n`);
}
