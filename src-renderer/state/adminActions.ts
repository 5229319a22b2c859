/**
 * The admin screen's calls (issue 13) and the invitation link: the link is this page's address with
 * `?invite=<token>`, plus, in browser mode, the launch token (`?token=`), without which the invited
 * person's browser could not talk to this server at all. The page that opens a link takes the
 * invitation token out of the address bar at once, as it does the launch token (api/token.ts), so
 * it stays out of history and bookmarks.
 */
import type { Invitation, PersonSummary } from '../../src-shared/api/adminChannels';
import { TOKEN_QUERY_PARAM } from '../../src-shared/api/transport';
import type { CaseRecord, Role } from '../../src-shared/project/types';
import { getApi } from '../api';
import { TOKEN_STORAGE_KEY } from '../api/token';
import { annotationStore } from './annotationState';
import { ensureProject } from './raterActions';

const INVITE_QUERY_PARAM = 'invite';

let inviteFromUrl: string | null | undefined;

/** The invitation token this page was opened with (read once, then removed from the address bar), or null. */
export function takeInviteFromUrl(): string | null {
  if (inviteFromUrl !== undefined) return inviteFromUrl;
  const url = new URL(window.location.href);
  inviteFromUrl = url.searchParams.get(INVITE_QUERY_PARAM) || null;
  if (inviteFromUrl !== null) {
    url.searchParams.delete(INVITE_QUERY_PARAM);
    window.history.replaceState(window.history.state, '', url.pathname + url.search + url.hash);
  }
  return inviteFromUrl;
}

/** The link that opens an invitation on this server. */
export function invitationLink(inviteToken: string): string {
  const url = new URL('/', window.location.origin);
  const launchToken = window.sessionStorage.getItem(TOKEN_STORAGE_KEY);
  if (launchToken) url.searchParams.set(TOKEN_QUERY_PARAM, launchToken);
  url.searchParams.set(INVITE_QUERY_PARAM, inviteToken);
  return url.toString();
}

type Outcome<T> = { ok: true; value: T } | { ok: false; message: string };

function adminToken(): string | null {
  const signedIn = annotationStore.getState().signedIn;
  return signedIn?.role === 'admin' ? signedIn.token : null;
}

async function asAdmin<T>(
  call: (session: string) => Promise<{ ok: true; value: T } | { ok: false; error: { message: string } }>,
): Promise<Outcome<T>> {
  const session = adminToken();
  if (!session) return { ok: false, message: 'Sign in as an admin.' };
  const r = await call(session);
  return r.ok ? { ok: true, value: r.value } : { ok: false, message: r.error.message };
}

export interface AdminOverview {
  people: PersonSummary[];
  invitations: Invitation[];
  cases: CaseRecord[];
}

/** Everything the admin screen lists, read together. */
export async function loadAdminOverview(): Promise<Outcome<AdminOverview>> {
  const api = getApi();
  const [people, invitations, cases] = await Promise.all([
    asAdmin((session) => api['quorum:admin.people']({ session })),
    asAdmin((session) => api['quorum:invitation.list']({ session })),
    asAdmin((session) => api['quorum:projectCase.list']({ session })),
  ]);
  if (!people.ok) return people;
  if (!invitations.ok) return invitations;
  if (!cases.ok) return cases;
  return { ok: true, value: { people: people.value, invitations: invitations.value, cases: cases.value } };
}

export function createInvitation(name: string, role: Role): Promise<Outcome<{ invitation: Invitation; token: string }>> {
  return asAdmin((session) => getApi()['quorum:invitation.create']({ session, name, role }));
}

export function revokeInvitation(invitationId: string): Promise<Outcome<Invitation>> {
  return asAdmin((session) => getApi()['quorum:invitation.revoke']({ session, invitationId }));
}

export function changeRole(raterId: string, role: Role): Promise<Outcome<unknown>> {
  return asAdmin((session) => getApi()['quorum:rater.setRole']({ session, raterId, role }));
}

export function setAssigned(raterId: string, caseId: string, assigned: boolean): Promise<Outcome<unknown>> {
  const api = getApi();
  return asAdmin((session) =>
    assigned
      ? api['quorum:projectCase.assign']({ session, raterId, caseId })
      : api['quorum:projectCase.unassign']({ session, raterId, caseId }),
  );
}

/** Whom an invitation is for, or why its link no longer works (used, revoked, expired). */
export async function inspectInvitation(inviteToken: string): Promise<Outcome<{ name: string; role: Role; expiresAt: string }>> {
  if (!(await ensureProject())) return { ok: false, message: 'The project could not be opened.' };
  const r = await getApi()['quorum:invitation.inspect']({ token: inviteToken });
  return r.ok ? { ok: true, value: r.value } : { ok: false, message: r.error.message };
}
