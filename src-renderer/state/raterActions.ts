/**
 * Signing in to the app's project: open it, list identities, create one, sign in (name and secret;
 * a first sign-in sets the secret) and out, resume the tab's session after a reload, switch between
 * annotate and review. Blinding is the server's business (the session decides what comes
 * back); the mode here only chooses what is drawn.
 */
import type { Role, Session } from '../../src-shared/project/types';
import { getApi } from '../api';
import { annotationStore, initialAnnotationState, tell, updateAnnotation, type AnnotationMode } from './annotationState';
import { refreshRecent } from './caseActions';
import { loadLabels } from './labelActions';
import { rememberSessionToken } from './tabSession';
import type { AnnotationController } from '../controllers/annotationController';
import type { TimeOnTask } from '../controllers/timeOnTask';

/** What a sign-in, sign-out or mode change does to the open case's annotation (the controller made at start-up). */
type CaseAnnotation = Pick<AnnotationController, 'syncCase' | 'flush'>;

let opened: Promise<boolean> | null = null;

/** Opens the app's own project (the demo cases) once per page. */
export function ensureProject(): Promise<boolean> {
  opened ??= openProject();
  return opened;
}

async function openProject(): Promise<boolean> {
  const r = await getApi()['quorum:project.open']({});
  if (!r.ok) {
    opened = null;
    tell(`The project could not be opened: ${r.error.message}`, true);
  } else updateAnnotation({ projectDir: r.value.dir });
  return r.ok;
}

export async function loadIdentities(): Promise<void> {
  if (!(await ensureProject())) return;
  const r = await getApi()['quorum:rater.identities']({});
  if (r.ok) updateAnnotation({ identities: r.value });
  else tell(r.error.message, true);
}

/** Creates an identity with its secret (the project's first is admin, later ones annotators) and signs in as it. */
export async function createIdentity(annotation: CaseAnnotation, name: string, secret: string): Promise<boolean> {
  if (!(await ensureProject())) return false;
  const r = await getApi()['quorum:rater.create']({ name: name.trim(), secret });
  if (!r.ok) {
    tell(r.error.message, true);
    return false;
  }
  await loadIdentities();
  return signIn(annotation, r.value.name, secret, false);
}

function defaultModeFor(role: Role): AnnotationMode {
  return role === 'annotator' ? 'annotate' : 'review';
}

/** Signs in with a name and secret; `setSecret` on a first sign-in makes the secret the person's. */
export async function signIn(annotation: CaseAnnotation, name: string, secret: string, setSecret: boolean): Promise<boolean> {
  if (!(await ensureProject())) return false;
  const r = await getApi()['quorum:rater.signIn']({ name, secret, setSecret });
  if (!r.ok) {
    tell(r.error.message, true);
    if (setSecret) await loadIdentities();
    return false;
  }
  await startSession(annotation, r.value.token, r.value.session, r.value.name);
  return true;
}

/** Opens an invitation link's account: sets the person's password, uses the link up and signs them in. */
export async function acceptInvitation(annotation: CaseAnnotation, inviteToken: string, secret: string): Promise<string | null> {
  if (!(await ensureProject())) return 'The project could not be opened.';
  const r = await getApi()['quorum:invitation.accept']({ token: inviteToken, secret });
  if (!r.ok) return r.error.message;
  await startSession(annotation, r.value.token, r.value.session, r.value.name);
  return null;
}

/** After a reload: resumes the tab's session if the server still knows its token, or forgets it. */
export async function resumeSession(annotation: CaseAnnotation, token: string): Promise<void> {
  if (!(await ensureProject())) return;
  const r = await getApi()['quorum:rater.current']({ session: token });
  if (!r.ok) {
    rememberSessionToken(null);
    return;
  }
  await startSession(annotation, token, r.value.session, r.value.name);
}

async function startSession(annotation: CaseAnnotation, token: string, session: Session, name: string): Promise<void> {
  rememberSessionToken(token);
  const cases = await getApi()['quorum:projectCase.list']({ session: token });
  updateAnnotation({
    signedIn: { raterId: session.raterId, name, role: session.role, token },
    mode: defaultModeFor(session.role),
    projectCases: cases.ok ? cases.value : [],
    message: null,
  });
  // The recent list is per person: this one's replaces whoever's was shown.
  void refreshRecent();
  // Before the case: its labelmap is drawn in the table's colours.
  await loadLabels(token);
  await annotation.syncCase();
}

/** This session only, or every session of the person (other tabs and computers, every server process). */
type SignOutScope = 'this-session' | 'everywhere';

export async function signOut(
  { annotation, timeOnTask }: { annotation: CaseAnnotation; timeOnTask: Pick<TimeOnTask, 'stop'> },
  scope: SignOutScope = 'this-session',
): Promise<void> {
  await annotation.flush('switch');
  // While the token is still valid: the segment is reported under it.
  await timeOnTask.stop('sign-out');
  const token = annotationStore.getState().signedIn?.token;
  if (token) {
    const channel = scope === 'everywhere' ? 'quorum:rater.signOutEverywhere' : 'quorum:rater.signOut';
    await getApi()[channel]({ session: token });
  }
  rememberSessionToken(null);
  // The picker's names and the project stay; everything of the person goes.
  const { identities, projectDir } = annotationStore.getState();
  annotationStore.update(() => ({ ...initialAnnotationState, identities, projectDir }));
  void refreshRecent();
  await annotation.syncCase();
  // People created meanwhile (by an admin) appear in the picker.
  await loadIdentities();
}

/** An admin sets a person's secret (the server ends that person's sessions and lifts a sign-in pause). */
export async function resetSecret(raterId: string, secret: string): Promise<boolean> {
  const token = annotationStore.getState().signedIn?.token;
  if (!token) return false;
  const r = await getApi()['quorum:rater.setSecret']({ session: token, raterId, secret });
  if (!r.ok) tell(r.error.message, true);
  else tell('Password set: tell the person, who can sign in with it now.');
  return r.ok;
}

/** Reviewers and admins may switch to annotating their own labelmap, and back. */
export async function chooseMode(annotation: CaseAnnotation, mode: AnnotationMode): Promise<void> {
  const { signedIn, mode: current } = annotationStore.getState();
  if (!signedIn || mode === current) return;
  if (mode === 'review' && signedIn.role === 'annotator') return;
  await annotation.flush('switch');
  updateAnnotation({ mode, tool: null });
  await annotation.syncCase();
}
