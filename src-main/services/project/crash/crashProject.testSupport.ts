/**
 * The crash tests' project (crashSafety.test.ts, tornWrite.test.ts): a fresh folder with one
 * annotator assigned one case on CRASH_GRID, closed again so that a child process can open it.
 */
import { ProjectStore } from '../ProjectStore';
import { APP_VERSION, tempDir } from '../testSupport';
import { CRASH_GRID } from './autosavePattern';

export interface CrashProject {
  dir: string;
  raterId: string;
  caseId: string;
}

export async function newCrashProject(name: string): Promise<CrashProject> {
  const dir = tempDir(`quorum-${name}-`);
  const store = await ProjectStore.open(dir, { appVersion: APP_VERSION, create: true });
  try {
    const admin = await store.signIn((await store.createIdentity('Admin', 'admin')).raterId);
    const rater = await store.createRater(admin, 'Autosaver', 'annotator');
    const c = await store.addCase(admin, {
      name,
      source: 'nifti',
      series: [{ label: 'T1', path: `${name}.nii.gz`, geometry: CRASH_GRID }],
    });
    await store.assign(admin, rater.raterId, c.caseId);
    return { dir, raterId: rater.raterId, caseId: c.caseId };
  } finally {
    store.close();
  }
}
