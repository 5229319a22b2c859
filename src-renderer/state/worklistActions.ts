/**
 * Worklist verbs (issue 6): load the worklist with its filters, open a case from it in the viewer,
 * "next case" (the button and the J shortcut), the open case's review rows and revision banner,
 * and a reviewer's actions on a version. The server decides what each session may see; nothing
 * here filters rater data.
 */
import {
  nextCaseRow,
  nextReviewRow,
  type ReviewAction,
  type WorklistFilter,
  type WorklistRow,
} from '../../src-shared/project/reviewSession';
import { getApi } from '../api';
import { annotationStore, tell } from './annotationState';
import { appStore } from './appState';
import { openCasePath } from './caseActions';
import { showWorkspace } from './uiActions';
import { updateWorklist, worklistStore } from './worklistState';

let loadSerial = 0;
let caseSerial = 0;

function say(text: string, error = false): void {
  updateWorklist({ message: { text, error } });
  tell(text, error);
}

/** Loads the worklist with the current filters (cleared when nobody is signed in). */
export async function refreshWorklist(): Promise<void> {
  const serial = ++loadSerial;
  const signedIn = annotationStore.getState().signedIn;
  if (!signedIn) {
    updateWorklist({ data: null, loading: false, error: null });
    return;
  }
  updateWorklist({ loading: true });
  const r = await getApi()['quorum:worklist.get']({ session: signedIn.token, ...worklistStore.getState().filter });
  if (serial !== loadSerial) return;
  if (r.ok) updateWorklist({ data: r.value, loading: false, error: null });
  else updateWorklist({ loading: false, error: r.error.message });
}

/** Sets filters; an empty value ('any') removes that filter. Values come from the view's own option lists. */
export function setWorklistFilter(patch: Partial<Record<keyof WorklistFilter, string>>): void {
  const merged: Record<string, string | undefined> = { ...worklistStore.getState().filter, ...patch };
  const next = Object.fromEntries(Object.entries(merged).filter(([, v]) => v !== undefined && v !== '')) as WorklistFilter;
  updateWorklist({ filter: next });
  void refreshWorklist();
}

/** Opens a case in the viewer (or just shows the viewer when it is already open). */
export async function openWorklistCase(path: string): Promise<void> {
  if (appStore.getState().openCase?.path !== path && !(await openCasePath(path))) return;
  showWorkspace('viewer');
}

/**
 * The next case needing the signed-in rater's work: in annotate mode the next case they have not
 * handed in (revision requests first); a reviewer in review mode, the next case with work awaiting
 * review. Opens it in the viewer.
 */
export async function goToNextCase(): Promise<void> {
  const { signedIn, mode, currentCase } = annotationStore.getState();
  if (!signedIn) return say('Sign in to work through your worklist.', true);
  const r = await getApi()['quorum:worklist.get']({ session: signedIn.token });
  if (!r.ok) return say(`The worklist could not be loaded: ${r.error.message}`, true);
  const current = currentCase?.caseId ?? null;
  const reviewing = mode === 'review' && signedIn.role !== 'annotator';
  let row: WorklistRow | null;
  if (reviewing) {
    row = nextReviewRow(r.value.rows, current);
  } else {
    // Reviewers and admins may annotate any case: cases without a row of theirs are "not started" for them.
    const mine = r.value.cases.map(
      (c) =>
        r.value.rows.find((x) => x.caseId === c.caseId && x.raterId === signedIn.raterId) ??
        (signedIn.role === 'annotator'
          ? null
          : { ...blankRow, caseId: c.caseId, caseName: c.name, casePath: c.path, raterId: signedIn.raterId }),
    );
    row = nextCaseRow(
      mine.filter((x): x is WorklistRow => x !== null),
      signedIn.raterId,
      current,
    );
  }
  if (!row) return say(reviewing ? 'Nothing awaits review.' : 'Nothing left to do: every case of yours is handed in.');
  if (row.caseId === current) {
    showWorkspace('viewer');
    return say(`${row.caseName} is the only case left.`);
  }
  await openWorklistCase(row.casePath);
}

const blankRow: WorklistRow = {
  caseId: '',
  caseName: '',
  casePath: '',
  raterId: '',
  raterName: '',
  raterKind: 'human',
  status: 'not-started',
  versionId: null,
  submittedVersionId: null,
  updatedAt: null,
  approved: false,
  revision: null,
  marks: [],
  activeMs: null,
  workSessions: null,
};

/** The case on screen: the signed-in rater's open revision request and, for reviewers, every rater's row. */
export async function refreshCaseReview(): Promise<void> {
  const serial = ++caseSerial;
  const { signedIn, currentCase } = annotationStore.getState();
  if (!signedIn || !currentCase) {
    updateWorklist({ caseId: null, ownRevision: null, caseRows: [] });
    return;
  }
  const r = await getApi()['quorum:worklist.get']({ session: signedIn.token, caseId: currentCase.caseId });
  if (serial !== caseSerial) return;
  if (!r.ok) {
    updateWorklist({ caseId: currentCase.caseId, ownRevision: null, caseRows: [] });
    return say(`Review notes could not be loaded: ${r.error.message}`, true);
  }
  updateWorklist({
    caseId: currentCase.caseId,
    ownRevision: r.value.rows.find((x) => x.raterId === signedIn.raterId)?.revision ?? null,
    caseRows: signedIn.role === 'annotator' ? [] : r.value.rows,
  });
}

/** Writes the time-on-task CSV (per case × rater × mode) into `outDir` (reviewers and admins). */
export async function exportTimeOnTask(outDir: string): Promise<void> {
  const signedIn = annotationStore.getState().signedIn;
  if (!signedIn) return;
  if (!outDir.trim()) return say('Choose a folder to export into.', true);
  const path = `${outDir.trim().replace(/[\\/]+$/, '')}/quorum-time-on-task.csv`;
  const r = await getApi()['quorum:export.timeOnTaskCsv']({ session: signedIn.token, path });
  if (!r.ok) return say(`Not exported: ${r.error.message}`, true);
  say(`Wrote time on task (${r.value.rows} row${r.value.rows === 1 ? '' : 's'}) to ${r.value.path}.`);
}

const DONE: Record<ReviewAction, string> = {
  approve: 'Approved',
  'request-revision': 'Revision requested from',
  difficult: 'Marked difficult:',
};

/** A reviewer's action on a rater's newest submitted version of the open case. */
export async function actOnVersion(row: WorklistRow, action: ReviewAction, comment: string): Promise<boolean> {
  const signedIn = annotationStore.getState().signedIn;
  const versionId = row.submittedVersionId ?? row.versionId;
  if (!signedIn || !versionId) return false;
  const r = await getApi()['quorum:review.act']({ session: signedIn.token, versionId, action, ...(comment.trim() ? { comment } : {}) });
  if (!r.ok) {
    say(`Not recorded: ${r.error.message}`, true);
    return false;
  }
  say(`${DONE[action]} ${row.raterName}`);
  await refreshCaseReview();
  if (worklistStore.getState().data) await refreshWorklist();
  return true;
}
