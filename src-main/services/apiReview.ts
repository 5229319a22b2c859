/**
 * Handlers of the review-session channels (src-shared/api/reviewChannels.ts), spread into the
 * project handlers. Like every project handler they resolve the session token and let the store
 * apply roles and blinding; what is added here is writing the time-on-task CSV to the chosen path.
 *
 * Plain Node; no Electron.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { QuorumApi } from '../../src-shared/api/contract';
import type { ReviewChannel } from '../../src-shared/api/reviewChannels';
import type { Session } from '../../src-shared/project/types';
import { fail } from './project/errors';
import type { ProjectHost } from './project/projectHost';
import type { ProjectStore } from './project/ProjectStore';
import { guarded } from './projectGuard';

export type ReviewHandlers = Pick<QuorumApi, ReviewChannel>;

export function createReviewHandlers(host: ProjectHost): ReviewHandlers {
  async function signedIn(token: string): Promise<{ store: ProjectStore; s: Session }> {
    const store = await host.current();
    return { store, s: await host.sessions.resolve(token) };
  }

  return {
    'quorum:worklist.get': ({ session, status, raterId, flag, caseId }) =>
      guarded(async () => {
        const { store, s } = await signedIn(session);
        return await store.worklist(s, {
          ...(status === undefined ? {} : { status }),
          ...(raterId === undefined ? {} : { raterId }),
          ...(flag === undefined ? {} : { flag }),
          ...(caseId === undefined ? {} : { caseId }),
        });
      }),

    'quorum:review.act': ({ session, versionId, action, comment }) =>
      guarded(async () => {
        const { store, s } = await signedIn(session);
        return await store.reviewVersion(s, { versionId, action, ...(comment === undefined ? {} : { comment }) });
      }),

    'quorum:work.record': ({ session, ...segment }) =>
      guarded(async () => {
        const { store, s } = await signedIn(session);
        return await store.recordWorkSession(s, segment);
      }),

    'quorum:export.timeOnTaskCsv': ({ session, path: out }) =>
      guarded(async () => {
        if (!path.isAbsolute(out)) fail('bad-request', `expected an absolute file path, got "${out}"`);
        const { store, s } = await signedIn(session);
        const { csv, rows } = await store.timeOnTaskCsv(s);
        await mkdir(path.dirname(out), { recursive: true });
        await writeFile(out, csv);
        return { path: out, rows };
      }),
  };
}
