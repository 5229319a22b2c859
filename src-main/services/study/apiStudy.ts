/**
 * Handlers of the reader-study channels (src-shared/api/studyChannels.ts), spread into the one
 * handler table in api.ts. Like apiProject.ts: resolve the token, run the service inside the open
 * project (ProjectStore.withContext re-resolves the session), and map refusals onto the contract's
 * errors: a refused set-up is a bad-request whose detail lists every error and every missing
 * (case, source); a refused answer is a bad-request whose detail names the reason code.
 *
 * Plain Node; no Electron.
 */
import type { QuorumApi, Result } from '../../../src-shared/api/contract';
import type { StudyChannel } from '../../../src-shared/api/studyChannels';
import type { Session } from '../../../src-shared/project/types';
import { fail } from '../apiResult';
import { guarded } from '../projectGuard';
import type { StoreContext } from '../project/context';
import type { ProjectHost } from '../project/projectHost';
import { AnswerRefusedError, myStudies, nextTrial, submitAnswer } from './studyReader';
import { getStudy, listStudies, studyExport, studyReport } from './studyReport';
import { closeStudy, createStudy, openStudy, StudySetupError, studyOptions, validateDraft } from './studySetup';

export type StudyHandlers = Pick<QuorumApi, StudyChannel>;

export function createStudyHandlers(host: ProjectHost): StudyHandlers {
  /** Runs `fn` in the open project for the token's rater, with study refusals mapped to errors. */
  async function inProject<T>(token: string, fn: (ctx: StoreContext, viewer: Session) => Promise<T>): Promise<Result<T>> {
    try {
      return await guarded(async () => {
        const store = await host.current();
        return await store.withContext(await host.sessions.resolve(token), fn);
      });
    } catch (err) {
      if (err instanceof StudySetupError) return fail('bad-request', err.message, { errors: err.check.errors, missing: err.check.missing });
      if (err instanceof AnswerRefusedError) return fail('bad-request', err.message, { reason: err.code });
      throw err;
    }
  }

  return {
    'quorum:study.options': ({ session }) => inProject(session, async (ctx, viewer) => await studyOptions(ctx, viewer)),
    'quorum:study.validate': ({ session, draft }) => inProject(session, async (ctx, viewer) => await validateDraft(ctx, viewer, draft)),
    'quorum:study.create': ({ session, draft }) => inProject(session, async (ctx, viewer) => await createStudy(ctx, viewer, draft)),
    'quorum:study.list': ({ session }) => inProject(session, async (ctx, viewer) => await listStudies(ctx, viewer)),
    'quorum:study.get': ({ session, studyId }) => inProject(session, async (ctx, viewer) => await getStudy(ctx, viewer, studyId)),
    'quorum:study.open': ({ session, studyId }) => inProject(session, async (ctx, viewer) => await openStudy(ctx, viewer, studyId)),
    'quorum:study.close': ({ session, studyId }) => inProject(session, async (ctx, viewer) => await closeStudy(ctx, viewer, studyId)),
    'quorum:study.report': ({ session, studyId }) => inProject(session, async (ctx, viewer) => await studyReport(ctx, viewer, studyId)),
    'quorum:study.export': ({ session, studyId }) => inProject(session, async (ctx, viewer) => await studyExport(ctx, viewer, studyId)),
    'quorum:study.mine': ({ session }) => inProject(session, async (ctx, viewer) => await myStudies(ctx, viewer)),
    'quorum:study.next': ({ session, studyId, position }) =>
      inProject(session, async (ctx, viewer) => await nextTrial(ctx, viewer, studyId, position)),
    'quorum:study.answer': ({ session, studyId, answer }) =>
      inProject(session, async (ctx, viewer) => await submitAnswer(ctx, viewer, studyId, answer)),
  };
}
