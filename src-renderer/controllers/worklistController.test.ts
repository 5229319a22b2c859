/** The worklist controller with fake dependencies: no server, no React, no viewer. */
import { describe, expect, it } from 'vitest';
import type { RequestOf, Result, ResultOf } from '../../src-shared/api/contract';
import type { Worklist, WorklistRow } from '../../src-shared/project/reviewSession';
import type { AnnotationState } from '../state/annotationState';
import type { AppState, Workspace } from '../state/appState';
import { WorklistController, type WorklistDeps } from './worklistController';

const rater = { raterId: 'r1', name: 'Ann', role: 'annotator' as const, token: 'tok' };

function row(caseId: string, status: WorklistRow['status']): WorklistRow {
  return {
    caseId,
    caseName: `Case ${caseId}`,
    casePath: `/cases/${caseId}`,
    raterId: rater.raterId,
    raterName: rater.name,
    raterKind: 'human',
    status,
    versionId: null,
    submittedVersionId: null,
    updatedAt: null,
    approved: false,
    revision: null,
    marks: [],
    activeMs: null,
    workSessions: null,
  };
}

function worklistOf(rows: WorklistRow[]): Worklist {
  return {
    cases: rows.map((r) => ({ caseId: r.caseId, name: r.caseName, path: r.casePath })),
    raters: [{ raterId: rater.raterId, name: rater.name }],
    rows,
    progress: {} as Worklist['progress'],
  };
}

/** A fake world: the annotation state the controller reads, and a record of what it asked for. */
function setup(answer: (request: RequestOf<'quorum:worklist.get'>) => Promise<Result<ResultOf<'quorum:worklist.get'>>>) {
  const annotation = { signedIn: rater, mode: 'annotate', currentCase: null } as unknown as AnnotationState;
  const opened: string[] = [];
  const shown: Workspace[] = [];
  const told: string[] = [];
  const deps: WorklistDeps = {
    api: {
      'quorum:worklist.get': answer,
      'quorum:export.timeOnTaskCsv': () => Promise.reject(new Error('not used')),
      'quorum:review.act': () => Promise.reject(new Error('not used')),
    },
    annotation: { getState: () => annotation },
    app: { getState: () => ({ openCase: null }) as unknown as AppState },
    openCasePath: (path) => {
      opened.push(path);
      return Promise.resolve(true);
    },
    showWorkspace: (w) => shown.push(w),
    tell: (text) => told.push(text),
  };
  return { controller: new WorklistController(deps), opened, shown, told, annotation };
}

describe('WorklistController', () => {
  it("opens the rater's next unfinished case and shows the viewer", async () => {
    const rows = [row('a', 'submitted'), row('b', 'not-started'), row('c', 'submitted')];
    const { controller, opened, shown } = setup(() => Promise.resolve({ ok: true, value: worklistOf(rows) }));
    await controller.goToNextCase();
    const firstUnfinished = rows.find((r) => r.status !== 'submitted');
    expect(opened).toEqual([firstUnfinished?.casePath]);
    expect(shown).toEqual(['viewer']);
  });

  it('says so, and opens nothing, when every case is handed in', async () => {
    const { controller, opened, told } = setup(() => Promise.resolve({ ok: true, value: worklistOf([row('a', 'submitted')]) }));
    await controller.goToNextCase();
    expect(opened).toEqual([]);
    expect(told.at(-1)).toMatch(/Nothing left to do/);
  });

  it('keeps the newest load when an older one answers late', async () => {
    const pending: Array<(r: Result<Worklist>) => void> = [];
    const { controller } = setup(() => new Promise((resolve) => pending.push(resolve)));
    const first = controller.refresh();
    const second = controller.refresh();
    const newer = worklistOf([row('new', 'not-started')]);
    pending[1]({ ok: true, value: newer });
    await second;
    pending[0]({ ok: true, value: worklistOf([row('old', 'not-started')]) });
    await first;
    expect(controller.store.getState().data).toBe(newer);
    expect(controller.store.getState().loading).toBe(false);
  });

  it('sends the filters it was given, dropping the ones set back to "any"', async () => {
    const requests: RequestOf<'quorum:worklist.get'>[] = [];
    const { controller } = setup((request) => {
      requests.push(request);
      return Promise.resolve({ ok: true, value: worklistOf([]) });
    });
    controller.setFilter({ status: 'submitted', flag: 'difficult' });
    controller.setFilter({ flag: '' });
    await controller.refresh();
    expect(requests.at(-1)).toEqual({ session: rater.token, status: 'submitted' });
  });
});
