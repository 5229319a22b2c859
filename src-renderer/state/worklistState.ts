/**
 * Worklist state (issue 6): the worklist as the server last gave it, the filters, and for the case
 * on screen the signed-in rater's open revision request (the banner) and, for reviewers, every
 * rater's row (the reviewer actions). Held and changed only by controllers/worklistController.ts.
 */
import type { RevisionRequest, Worklist, WorklistFilter, WorklistRow } from '../../src-shared/project/reviewSession';

export interface WorklistState {
  readonly data: Worklist | null;
  readonly filter: WorklistFilter;
  readonly loading: boolean;
  readonly error: string | null;
  /** The case on screen: its id, the signed-in rater's open revision request, and (reviewers) every rater's row. */
  readonly caseId: string | null;
  readonly ownRevision: RevisionRequest | null;
  readonly caseRows: readonly WorklistRow[];
  /** The last thing the worklist or a reviewer action has to say. */
  readonly message: { readonly text: string; readonly error: boolean } | null;
}

export const initialWorklistState: WorklistState = {
  data: null,
  filter: {},
  loading: false,
  error: null,
  caseId: null,
  ownRevision: null,
  caseRows: [],
  message: null,
};
