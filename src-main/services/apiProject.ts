/**
 * Handlers of the project channels (src-shared/api/projectChannels.ts), spread into the one handler
 * table in api.ts. Each resolves the request's session token through the host's registry, then
 * calls the ProjectStore, which re-resolves the session against its database and applies blinding
 * itself: nothing here filters rater data, so nothing here can forget to.
 *
 * ProjectError codes become contract error codes (forbidden → unauthorized; the rest keep their
 * name). Labelmaps arrive raw and must have exactly the case's voxel count (labelmapPayload.ts).
 *
 * Plain Node; no Electron.
 */
import type { QuorumApi } from '../../src-shared/api/contract';
import type { ProjectChannel } from '../../src-shared/api/projectChannels';
import type { Session } from '../../src-shared/project/types';
import { createExchangeHandlers } from './apiExchange';
import { createReviewHandlers } from './apiReview';
import { guarded } from './projectGuard';
import { checkedLabelmap } from './project/labelmapPayload';
import type { ProjectHost } from './project/projectHost';
import type { ProjectStore } from './project/ProjectStore';

export type ProjectHandlers = Pick<QuorumApi, ProjectChannel>;

async function voxelCountOf(store: ProjectStore, s: Session, caseId: string): Promise<number> {
  const [x, y, z] = (await store.getCase(s, caseId)).series[0].geometry.dims;
  return x * y * z;
}

export function createProjectHandlers(host: ProjectHost): ProjectHandlers {
  /** The open store and the session behind a token (forbidden → unauthorized when unknown). */
  async function signedIn(token: string): Promise<{ store: ProjectStore; s: Session }> {
    const store = await host.current();
    return { store, s: await host.sessions.resolve(token) };
  }

  return {
    'quorum:project.open': ({ path, create, session }) =>
      guarded(async () => {
        let store = await host.current();
        // Which project everyone works in is an admin's decision; asking what is open is anyone's.
        if (path !== undefined) {
          await store.requireAdmin(await host.sessions.resolve(session), 're-open or switch the project');
          store = await host.open(path, create ?? false);
        }
        const { integrity, notes, projectId } = store.openReport;
        return {
          projectId,
          dir: store.dir,
          integrity: {
            ok: integrity.ok,
            problemCount: integrity.fileProblems.length + integrity.sqlite.filter((m) => m !== 'ok').length,
            checkedFiles: integrity.checkedFiles,
          },
          notes,
          openEnrolment: await store.isOpenEnrolment(),
        };
      }),

    'quorum:project.integrity': ({ session }) =>
      guarded(async () => {
        const { store, s } = await signedIn(session);
        return await store.integrityReport(s);
      }),

    'quorum:rater.identities': () => guarded(async () => await (await host.current()).listIdentities()),

    'quorum:rater.create': ({ name, role, session, secret }) =>
      guarded(async () => {
        const store = await host.current();
        // The project's first identity bootstraps as admin (someone must be able to manage it).
        if (session === undefined)
          return store.registerPerson(name, role ?? ((await store.firstIdentityIsAdmin()) ? 'admin' : 'annotator'), secret);
        return await store.createPerson(await host.sessions.resolve(session), name, role ?? 'annotator', secret);
      }),

    'quorum:rater.signIn': ({ name, secret, setSecret }) =>
      guarded(() => host.signIn({ name, secret, ...(setSecret === undefined ? {} : { setSecret }) })),

    'quorum:rater.current': ({ session }) =>
      guarded(async () => {
        const { store, s } = await signedIn(session);
        return await store.whoIs(s);
      }),

    'quorum:rater.setSecret': ({ session, raterId, secret, currentSecret }) =>
      guarded(async () => {
        await host.changeSecret(session, { raterId, secret, ...(currentSecret === undefined ? {} : { currentSecret }) });
        return {};
      }),

    'quorum:rater.signOut': ({ session }) =>
      guarded(async () => {
        await host.sessions.signOut(session);
        return {};
      }),

    'quorum:rater.signOutEverywhere': ({ session, raterId }) =>
      guarded(async () => {
        const { store, s } = await signedIn(session);
        const whom = raterId ?? s.raterId;
        if (whom !== s.raterId) await store.requireAdmin(s, "end another person's sessions");
        await host.sessions.endSessionsOf(whom, undefined, s.raterId);
        return {};
      }),

    'quorum:rater.list': ({ session }) =>
      guarded(async () => {
        const { store, s } = await signedIn(session);
        return await store.listRaters(s);
      }),

    'quorum:rater.setRole': ({ session, raterId, role }) =>
      guarded(async () => {
        const { store, s } = await signedIn(session);
        return await store.setRole(s, raterId, role);
      }),

    'quorum:projectCase.list': ({ session }) =>
      guarded(async () => {
        const { store, s } = await signedIn(session);
        return await store.listCases(s);
      }),

    'quorum:projectCase.add': ({ session, name, source, series }) =>
      guarded(async () => {
        const { store, s } = await signedIn(session);
        return await store.addCase(s, {
          name,
          source,
          series: series.map((x) => ({ label: x.label, path: x.path, bValue: x.bValue ?? null, geometry: x.geometry })),
        });
      }),

    'quorum:projectCase.assign': ({ session, raterId, caseId }) =>
      guarded(async () => {
        const { store, s } = await signedIn(session);
        await store.assign(s, raterId, caseId);
        return {};
      }),

    'quorum:projectCase.statuses': ({ session, caseId }) =>
      guarded(async () => {
        const { store, s } = await signedIn(session);
        return await store.caseStatuses(s, caseId);
      }),

    'quorum:annotation.list': ({ session, caseId, raterId }) =>
      guarded(async () => {
        const { store, s } = await signedIn(session);
        return await store.listVersions(s, { ...(caseId === undefined ? {} : { caseId }), ...(raterId === undefined ? {} : { raterId }) });
      }),

    'quorum:annotation.read': ({ session, versionId }) =>
      guarded(async () => {
        const { store, s } = await signedIn(session);
        const version = await store.getVersion(s, versionId);
        return { version, labelmap: await store.readVersionLabelmap(s, versionId) };
      }),

    'quorum:annotation.save': ({ session, caseId, labelmap: sent, status, parentVersionId }) =>
      guarded(async () => {
        const { store, s } = await signedIn(session);
        const labelmap = checkedLabelmap(sent, await voxelCountOf(store, s, caseId));
        return await store.saveLabelmap(s, { caseId, labelmap, status, ...(parentVersionId === undefined ? {} : { parentVersionId }) });
      }),

    'quorum:annotation.saveSlices': ({ session, caseId, parentVersionId, status, slices }) =>
      guarded(async () => {
        const { store, s } = await signedIn(session);
        return await store.saveLabelmapSlices(s, { caseId, parentVersionId, status, slices });
      }),

    'quorum:annotation.submitDraft': ({ session, versionId }) =>
      guarded(async () => {
        const { store, s } = await signedIn(session);
        return await store.submitDraft(s, versionId);
      }),

    'quorum:annotation.noLesion': ({ session, caseId, parentVersionId }) =>
      guarded(async () => {
        const { store, s } = await signedIn(session);
        return await store.submitNoLesion(s, { caseId, ...(parentVersionId === undefined ? {} : { parentVersionId }) });
      }),

    'quorum:review.comments': ({ session, caseId }) =>
      guarded(async () => {
        const { store, s } = await signedIn(session);
        return await store.listComments(s, caseId);
      }),

    'quorum:review.flags': ({ session, caseId }) =>
      guarded(async () => {
        const { store, s } = await signedIn(session);
        return await store.listFlags(s, caseId);
      }),

    'quorum:review.addComment': ({ session, caseId, versionId, body }) =>
      guarded(async () => {
        const { store, s } = await signedIn(session);
        return await store.addComment(s, { caseId, versionId: versionId ?? null, body });
      }),

    'quorum:review.addFlag': ({ session, caseId, versionId, kind, note }) =>
      guarded(async () => {
        const { store, s } = await signedIn(session);
        return await store.addFlag(s, { caseId, versionId: versionId ?? null, kind, ...(note === undefined ? {} : { note }) });
      }),

    'quorum:audit.list': ({ session, limit }) =>
      guarded(async () => {
        const { store, s } = await signedIn(session);
        return await store.auditLog(s, limit);
      }),

    ...createExchangeHandlers(host),
    ...createReviewHandlers(host),
  };
}
