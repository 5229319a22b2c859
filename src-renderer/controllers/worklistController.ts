/**
 * The worklist (issue 6) as a controller: the worklist with its filters, opening a case from it,
 * "next case" (the button and the J shortcut), the open case's review rows and revision banner,
 * and a reviewer's actions on a version. The server decides what each session may see; nothing
 * here filters rater data. Created once at start-up (startApp.ts) with what it needs passed in.
 */
import type { QuorumApi } from '../../src-shared/api/contract';
import {
  nextCaseRow,
  nextReviewRow,
  type ReviewAction,
  type WorklistFilter,
  type WorklistRow,
} from '../../src-shared/project/reviewSession';
import type { AnnotationState } from '../state/annotationState';
import type { AppState, Workspace } from '../state/appState';
import { createStore, type Store } from '../state/createStore';
import { initialWorklistState, type WorklistState } from '../state/worklistState';

export interface WorklistDeps {
  readonly api: Pick<QuorumApi, 'quorum:worklist.get' | 'quorum:export.timeOnTaskCsv' | 'quorum:review.act'>;
  readonly annotation: Pick<Store<AnnotationState, never>, 'getState'>;
  readonly app: Pick<Store<AppState, never>, 'getState'>;
  /** Opens a case in the viewer; false when it could not be opened (the opener said why). */
  readonly openCasePath: (path: string) => Promise<boolean>;
  readonly showWorkspace: (workspace: Workspace) => void;
  /** The annotation panel's message line (what the worklist says is shown there too). */
  readonly tell: (text: string, error: boolean) => void;
}

const DONE: Record<ReviewAction, string> = {
  approve: 'Approved',
  'request-revision': 'Revision requested from',
  difficult: 'Marked difficult:',
};

export class WorklistController {
  readonly store: Store<WorklistState, Record<string, never>> = createStore(initialWorklistState);
  /** Only the newest load may write its answer (an older one that finishes late gives up). */
  private loadSerial = 0;
  private caseSerial = 0;

  constructor(private readonly deps: WorklistDeps) {}

  private update(patch: Partial<WorklistState>): void {
    this.store.update((s) => ({ ...s, ...patch }));
  }

  private say(text: string, error = false): void {
    this.update({ message: { text, error } });
    this.deps.tell(text, error);
  }

  /** Loads the worklist with the current filters (cleared when nobody is signed in). */
  async refresh(): Promise<void> {
    const serial = ++this.loadSerial;
    const signedIn = this.deps.annotation.getState().signedIn;
    if (!signedIn) {
      this.update({ data: null, loading: false, error: null });
      return;
    }
    this.update({ loading: true });
    const r = await this.deps.api['quorum:worklist.get']({ session: signedIn.token, ...this.store.getState().filter });
    if (serial !== this.loadSerial) return;
    if (r.ok) this.update({ data: r.value, loading: false, error: null });
    else this.update({ loading: false, error: r.error.message });
  }

  /** Sets filters; an empty value ('any') removes that filter. Values come from the view's own option lists. */
  setFilter(patch: Partial<Record<keyof WorklistFilter, string>>): void {
    const merged: Record<string, string | undefined> = { ...this.store.getState().filter, ...patch };
    const next = Object.fromEntries(Object.entries(merged).filter(([, v]) => v !== undefined && v !== '')) as WorklistFilter;
    this.update({ filter: next });
    void this.refresh();
  }

  /** Opens a case in the viewer (or just shows the viewer when it is already open). */
  async openCase(path: string): Promise<void> {
    if (this.deps.app.getState().openCase?.path !== path && !(await this.deps.openCasePath(path))) return;
    this.deps.showWorkspace('viewer');
  }

  /**
   * The next case needing the signed-in rater's work: in annotate mode the next case they have not
   * handed in (revision requests first); a reviewer in review mode, the next case with work awaiting
   * review. Opens it in the viewer.
   */
  async goToNextCase(): Promise<void> {
    const { signedIn, mode, currentCase } = this.deps.annotation.getState();
    if (!signedIn) return this.say('Sign in to work through your worklist.', true);
    const r = await this.deps.api['quorum:worklist.get']({ session: signedIn.token });
    if (!r.ok) return this.say(`The worklist could not be loaded: ${r.error.message}`, true);
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
    if (!row) return this.say(reviewing ? 'Nothing awaits review.' : 'Nothing left to do: every case of yours is handed in.');
    if (row.caseId === current) {
      this.deps.showWorkspace('viewer');
      return this.say(`${row.caseName} is the only case left.`);
    }
    await this.openCase(row.casePath);
  }

  /** The case on screen: the signed-in rater's open revision request and, for reviewers, every rater's row. */
  async refreshCaseReview(): Promise<void> {
    const serial = ++this.caseSerial;
    const { signedIn, currentCase } = this.deps.annotation.getState();
    if (!signedIn || !currentCase) {
      this.update({ caseId: null, ownRevision: null, caseRows: [] });
      return;
    }
    const r = await this.deps.api['quorum:worklist.get']({ session: signedIn.token, caseId: currentCase.caseId });
    if (serial !== this.caseSerial) return;
    if (!r.ok) {
      this.update({ caseId: currentCase.caseId, ownRevision: null, caseRows: [] });
      return this.say(`Review notes could not be loaded: ${r.error.message}`, true);
    }
    this.update({
      caseId: currentCase.caseId,
      ownRevision: r.value.rows.find((x) => x.raterId === signedIn.raterId)?.revision ?? null,
      caseRows: signedIn.role === 'annotator' ? [] : r.value.rows,
    });
  }

  /** Writes the time-on-task CSV (per case × rater × mode) into `outDir` (reviewers and admins). */
  async exportTimeOnTask(outDir: string): Promise<void> {
    const signedIn = this.deps.annotation.getState().signedIn;
    if (!signedIn) return;
    if (!outDir.trim()) return this.say('Choose a folder to export into.', true);
    const path = `${outDir.trim().replace(/[\\/]+$/, '')}/quorum-time-on-task.csv`;
    const r = await this.deps.api['quorum:export.timeOnTaskCsv']({ session: signedIn.token, path });
    if (!r.ok) return this.say(`Not exported: ${r.error.message}`, true);
    this.say(`Wrote time on task (${r.value.rows} row${r.value.rows === 1 ? '' : 's'}) to ${r.value.path}.`);
  }

  /** A reviewer's action on a rater's newest submitted version of the open case. */
  async actOnVersion(row: WorklistRow, action: ReviewAction, comment: string): Promise<boolean> {
    const signedIn = this.deps.annotation.getState().signedIn;
    const versionId = row.submittedVersionId ?? row.versionId;
    if (!signedIn || !versionId) return false;
    const r = await this.deps.api['quorum:review.act']({
      session: signedIn.token,
      versionId,
      action,
      ...(comment.trim() ? { comment } : {}),
    });
    if (!r.ok) {
      this.say(`Not recorded: ${r.error.message}`, true);
      return false;
    }
    this.say(`${DONE[action]} ${row.raterName}`);
    await this.refreshCaseReview();
    if (this.store.getState().data) await this.refresh();
    return true;
  }
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
