/**
 * Handlers of the admin screen's channels (src-shared/api/adminChannels.ts), spread into the one
 * handler table in api.ts. The store applies the roles (invitations.ts); the dispatcher's access
 * table already refused anyone but an admin, except for the two channels the holder of a link uses
 * before they have a password. Accepting signs the person in; any other session of theirs ends, as
 * after an admin's reset of their password.
 *
 * Plain Node; no Electron.
 */
import type { QuorumApi } from '../../src-shared/api/contract';
import type { AdminChannel } from '../../src-shared/api/adminChannels';
import type { ProjectHost } from './project/projectHost';
import { guarded } from './projectGuard';

export function createAdminHandlers(host: ProjectHost): Pick<QuorumApi, AdminChannel> {
  const signedIn = async (token: string) => ({ store: await host.current(), s: await host.sessions.resolve(token) });
  return {
    'quorum:admin.people': ({ session }) =>
      guarded(async () => {
        const { store, s } = await signedIn(session);
        return await store.listPeople(s, host.nowMs());
      }),
    'quorum:invitation.create': ({ session, name, role }) =>
      guarded(async () => {
        const { store, s } = await signedIn(session);
        return await store.createInvitation(s, { name, role }, host.nowMs());
      }),
    'quorum:invitation.list': ({ session }) =>
      guarded(async () => {
        const { store, s } = await signedIn(session);
        return await store.listInvitations(s, host.nowMs());
      }),
    'quorum:invitation.revoke': ({ session, invitationId }) =>
      guarded(async () => {
        const { store, s } = await signedIn(session);
        return await store.revokeInvitation(s, invitationId, host.nowMs());
      }),
    'quorum:invitation.inspect': ({ token }) => guarded(async () => (await host.current()).inspectInvitation(token, host.nowMs())),
    'quorum:invitation.accept': ({ token, secret }) =>
      guarded(async () => {
        const store = await host.current();
        const session = await store.acceptInvitation(token, secret, host.nowMs());
        await host.sessions.endSessionsOf(session.raterId);
        const { name } = await store.whoIs(session);
        return { token: await host.sessions.issue(session), session, name };
      }),
    'quorum:projectCase.unassign': ({ session, raterId, caseId }) =>
      guarded(async () => {
        const { store, s } = await signedIn(session);
        await store.unassign(s, raterId, caseId);
        return {};
      }),
  };
}
