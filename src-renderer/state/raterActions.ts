/**
 * Signing in to the app's project: open it, list identities, create one, sign in and out, switch
 * between annotate and review. Blinding is the server's business (the session decides what comes
 * back); the mode here only chooses what is drawn.
 */
import type { Role } from '../../src-shared/project/types';
import { getApi } from '../api';
import { annotationStore, initialAnnotationState, tell, updateAnnotation, type AnnotationMode } from './annotationState';
import { flushOwnAnnotation, syncAnnotationCase } from './annotationActions';
import { refreshRecent } from './caseActions';
import { stopTimeOnTask } from './worklistTime';

let opened: Promise<boolean> | null = null;

/** Opens the app's own project (the demo cases) once per page. */
export function ensureProject(): Promise<boolean> {
  opened ??= getApi()['quorum:project.open']({}).then((r) => {
    if (!r.ok) {
      opened = null;
      tell(`The project could not be opened: ${r.error.message}`, true);
    }
    return r.ok;
  });
  return opened;
}

export async function loadIdentities(): Promise<void> {
  if (!(await ensureProject())) return;
  const r = await getApi()['quorum:rater.identities']({});
  if (r.ok) updateAnnotation({ identities: r.value });
  else tell(r.error.message, true);
}

/** Creates an identity (the project's first is admin, later ones annotators) and signs in as it. */
export async function createIdentity(name: string): Promise<void> {
  if (!(await ensureProject())) return;
  const r = await getApi()['quorum:rater.create']({ name: name.trim() });
  if (!r.ok) {
    tell(r.error.message, true);
    return;
  }
  await loadIdentities();
  await signIn(r.value.raterId);
}

export function defaultModeFor(role: Role): AnnotationMode {
  return role === 'annotator' ? 'annotate' : 'review';
}

export async function signIn(raterId: string): Promise<void> {
  if (!(await ensureProject())) return;
  const api = getApi();
  const r = await api['quorum:rater.signIn']({ raterId });
  if (!r.ok) {
    tell(r.error.message, true);
    return;
  }
  const token = r.value.token;
  const me = annotationStore.getState().identities.find((i) => i.raterId === raterId);
  const cases = await api['quorum:projectCase.list']({ session: token });
  updateAnnotation({
    signedIn: { raterId, name: me?.name ?? raterId, role: r.value.session.role, token },
    mode: defaultModeFor(r.value.session.role),
    projectCases: cases.ok ? cases.value : [],
    message: null,
  });
  // The recent list is per person: this one's replaces whoever's was shown.
  void refreshRecent();
  await syncAnnotationCase();
}

export async function signOut(): Promise<void> {
  await flushOwnAnnotation('switch');
  // While the token is still valid: the segment is reported under it.
  await stopTimeOnTask('sign-out');
  const token = annotationStore.getState().signedIn?.token;
  if (token) await getApi()['quorum:rater.signOut']({ session: token });
  const { identities } = annotationStore.getState();
  annotationStore.update(() => ({ ...initialAnnotationState, identities }));
  void refreshRecent();
  await syncAnnotationCase();
}

/** Reviewers and admins may switch to annotating their own labelmap, and back. */
export async function chooseMode(mode: AnnotationMode): Promise<void> {
  const { signedIn, mode: current } = annotationStore.getState();
  if (!signedIn || mode === current) return;
  if (mode === 'review' && signedIn.role === 'annotator') return;
  await flushOwnAnnotation('switch');
  updateAnnotation({ mode, tool: null });
  await syncAnnotationCase();
}
