/**
 * Adding sequences to a case, from the sidebar's Sequences section (issue 12): a file, a folder or a
 * BIDS subject folder added to the open project case (reviewers, admins), a subject folder
 * imported as a new case (admins), another sequence made the reference grid (admins, while the
 * case has no annotation), and a sequence other than the reference removed (admins; files kept). The server refuses what it must (a field of view that misses the
 * reference grid, a name in use) with its reason, which the section shows; nothing throws.
 */
import type { SequenceKind } from '../../src-shared/project/sequences';
import type { CaseRecord } from '../../src-shared/project/types';
import { getApi } from '../api';
import { updateAnnotation, annotationStore } from './annotationState';
import { appStore } from './appState';
import { openCasePath } from './caseActions';

export type SequenceOutcome = { ok: true; text: string } | { ok: false; text: string };

async function refreshProjectCases(token: string): Promise<void> {
  const cases = await getApi()['quorum:projectCase.list']({ session: token });
  if (cases.ok) updateAnnotation({ projectCases: cases.value });
}

/**
 * Reopens the case from the same reference image after its sequences changed. The grid is the same,
 * so the annotation layers are carried over rather than reloaded, and the case record with them:
 * it is replaced here, or the section would go on listing the old sequences.
 */
async function reopenSameCase(token: string, openPath: string, record: CaseRecord): Promise<void> {
  await refreshProjectCases(token);
  await openCasePath(openPath);
  updateAnnotation({ currentCase: record });
}

function describe(record: CaseRecord): string {
  const ref = record.sequences.find((s) => s.sequenceId === record.referenceSequenceId);
  return `${record.name}: ${record.sequences.map((s) => (s === ref ? `${s.name} (reference)` : s.name)).join(', ')}`;
}

/** Adds the image(s) at `path` to the open project case, then reopens it so the new sequences show. */
export async function addSequence(path: string, name: string | null, kind: SequenceKind | null): Promise<SequenceOutcome> {
  const { signedIn, currentCase } = annotationStore.getState();
  const openPath = appStore.getState().openCase?.path;
  if (!signedIn || !currentCase || !openPath) return { ok: false, text: 'Open a case of the project first.' };
  const r = await getApi()['quorum:sequence.add']({
    session: signedIn.token,
    caseId: currentCase.caseId,
    path,
    ...(name ? { name } : {}),
    ...(kind ? { kind } : {}),
  });
  if (!r.ok) return { ok: false, text: r.error.message };
  await reopenSameCase(signedIn.token, openPath, r.value);
  return { ok: true, text: describe(r.value) };
}

/** Imports a BIDS / ISLES'22 subject folder as a new case and opens it on its reference sequence. */
export async function importSubject(path: string): Promise<SequenceOutcome> {
  const { signedIn } = annotationStore.getState();
  if (!signedIn) return { ok: false, text: 'Sign in first.' };
  const r = await getApi()['quorum:sequence.importSubject']({ session: signedIn.token, path });
  if (!r.ok) return { ok: false, text: r.error.message };
  await refreshProjectCases(signedIn.token);
  // A subject outside the project folder keeps its absolute path; one inside opens from the case list.
  const reference = r.value.series[0]?.path;
  if (reference && /^([/\\]|[A-Za-z]:)/.test(reference)) await openCasePath(reference);
  return { ok: true, text: describe(r.value) };
}

/**
 * How many annotation versions (anyone's, model results included) the case has: while there is
 * one, the server keeps the reference grid fixed, and the section says so instead of offering it.
 */
export async function annotationVersionCount(token: string, caseId: string): Promise<number | null> {
  const r = await getApi()['quorum:annotation.list']({ session: token, caseId });
  return r.ok ? r.value.length : null;
}

/** Makes `sequenceId` the open case's reference grid, then reopens the case on that grid. */
export async function setReferenceSequence(sequenceId: string): Promise<SequenceOutcome> {
  const { signedIn, currentCase } = annotationStore.getState();
  if (!signedIn || !currentCase) return { ok: false, text: 'Open a case of the project first.' };
  const r = await getApi()['quorum:sequence.setReference']({ session: signedIn.token, caseId: currentCase.caseId, sequenceId });
  if (!r.ok) return { ok: false, text: r.error.message };
  await refreshProjectCases(signedIn.token);
  // The case's path is its reference image's: it now opens from the new reference.
  const reference = r.value.series[0]?.path;
  if (reference) await openCasePath(reference);
  return { ok: true, text: describe(r.value) };
}

/** Removes a sequence (not the reference) from the open case, then reopens the case without it. */
export async function removeSequence(sequenceId: string): Promise<SequenceOutcome> {
  const { signedIn, currentCase } = annotationStore.getState();
  const openPath = appStore.getState().openCase?.path;
  if (!signedIn || !currentCase || !openPath) return { ok: false, text: 'Open a case of the project first.' };
  const r = await getApi()['quorum:sequence.remove']({ session: signedIn.token, caseId: currentCase.caseId, sequenceId });
  if (!r.ok) return { ok: false, text: r.error.message };
  await reopenSameCase(signedIn.token, openPath, r.value);
  return { ok: true, text: describe(r.value) };
}
