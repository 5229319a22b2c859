/** The dashboard controller with fake dependencies: the synthetic cohort through a fake pool, and its view verbs. */
import { describe, expect, it } from 'vitest';
import type { CaseEvaluation } from '../../src-shared/evaluation/types';
import type { MetricsPool, PoolJob } from '../workers/metricsPool';
import { DashboardController, type DashboardDeps } from './dashboardController';

/** A pool that "evaluates" each job at once, answering with the job's id. */
function fakePool(seen: string[]): MetricsPool<CaseEvaluation> {
  return {
    run: async (jobs: readonly PoolJob[], handlers: { onResult: (id: string, value: CaseEvaluation) => void }) => {
      for (const job of jobs) {
        seen.push(job.id);
        handlers.onResult(job.id, { caseId: job.id } as unknown as CaseEvaluation);
      }
      return { done: jobs.length, failed: 0, cancelled: false };
    },
  } as unknown as MetricsPool<CaseEvaluation>;
}

function setup() {
  const seen: string[] = [];
  const deps = {
    api: {},
    annotation: { getState: () => ({ signedIn: null, labels: [] }) },
    loadCaseSources: () => Promise.reject(new Error('not used')),
    createPool: () => fakePool(seen),
    openCasePath: () => Promise.resolve(true),
    showWorkspace: () => {},
  } as unknown as DashboardDeps;
  return { controller: new DashboardController(deps), seen };
}

describe('DashboardController', () => {
  it('computes every case of the synthetic cohort into its own store and says when the run is over', async () => {
    const { controller, seen } = setup();
    const finished: number[] = [];
    controller.store.on('runFinished', (r) => finished.push(r.done));
    await controller.computeSynthetic(5, 3);
    const { cases, evaluations, running } = controller.store.getState();
    expect(cases.map((c) => c.caseId)).toEqual(seen);
    expect(cases.every((c) => c.status === 'done')).toBe(true);
    expect([...evaluations.keys()]).toEqual(seen);
    expect(running).toBe(false);
    expect(finished).toEqual([seen.length]);
  });

  it('refuses a negative threshold and keeps the one it had', () => {
    const { controller } = setup();
    const before = controller.store.getState().computeOptions.thresholdMl;
    controller.setComputeOptions({ thresholdMl: -1 });
    expect(controller.store.getState().computeOptions.thresholdMl).toBe(before);
    expect(controller.store.getState().message?.error).toBe(true);
  });

  it('sorts by a key, and flips the direction when the same key is chosen again', () => {
    const { controller } = setup();
    controller.sortBy('dice');
    expect(controller.store.getState().view).toMatchObject({ sortKey: 'dice', sortDirection: 'asc' });
    controller.sortBy('dice');
    expect(controller.store.getState().view).toMatchObject({ sortKey: 'dice', sortDirection: 'desc' });
  });
});
