/**
 * The metrics worker's state and message handling, free of any worker API so it is unit-tested in
 * Node; src-renderer/workers/metrics.worker.ts only wires it to `self`. It keeps the current case's
 * sources and one EvaluationCache, so `updateRater` after an edit recomputes only what the edit
 * touches (caseEvaluation.ts).
 */
import { applySlicePatch, slicePatchProblem } from '../project/labelmapSlices';
import { EvaluationCache, evaluateCase } from './caseEvaluation';
import type { CaseSourcesInput } from './types';
import type { MetricsWorkerReply, MetricsWorkerRequest } from './workerProtocol';

export interface MetricsWorkerCore {
  handle(req: MetricsWorkerRequest): MetricsWorkerReply;
}

export function createMetricsWorkerCore(): MetricsWorkerCore {
  let caseId: string | null = null;
  let input: CaseSourcesInput | null = null;
  let cache = new EvaluationCache();

  function current(reqCaseId: string): CaseSourcesInput {
    if (input === null || caseId !== reqCaseId)
      throw new Error(`the worker holds no sources for case ${reqCaseId}; send "evaluate" with the whole case first`);
    return input;
  }

  function next(req: MetricsWorkerRequest): CaseSourcesInput {
    switch (req.type) {
      case 'evaluate':
        if (req.caseId !== caseId) cache = new EvaluationCache();
        caseId = req.caseId;
        return req.input;
      case 'updateRater': {
        const cur = current(req.caseId);
        const i = cur.raters.findIndex((r) => r.id === req.rater.id);
        const raters = i < 0 ? [...cur.raters, req.rater] : cur.raters.map((r, j) => (j === i ? req.rater : r));
        return { ...cur, raters };
      }
      case 'patchRater': {
        const cur = current(req.caseId);
        const i = cur.raters.findIndex((r) => r.id === req.raterId);
        const held = i < 0 ? null : cur.raters[i].labelmap;
        if (!held)
          throw new Error(`the worker holds no labelmap of rater ${req.raterId}; send "updateRater" with the whole labelmap first`);
        const problem = slicePatchProblem(cur.geometry.dims, req.slices);
        if (problem !== null) throw new Error(`slice patch refused: ${problem}`);
        // A copy: the held labelmap stays as it was should this evaluation fail (a bad update must not replace a good case).
        const labelmap = held.slice();
        applySlicePatch(labelmap, cur.geometry.dims, req.slices);
        const rater = { id: req.raterId, name: req.name, labelmap, key: req.key };
        return { ...cur, raters: cur.raters.map((r, j) => (j === i ? rater : r)) };
      }
      case 'updateModel':
        return { ...current(req.caseId), model: req.model };
      case 'setOptions':
        return current(req.caseId);
    }
  }

  return {
    handle(req) {
      try {
        const nextInput = next(req);
        const value = evaluateCase(nextInput, req.options, cache);
        // Kept only once evaluated: a bad update must not replace a good case.
        input = nextInput;
        return { type: 'result', id: req.id, ok: true, value };
      } catch (err) {
        return { type: 'result', id: req.id, ok: false, error: err instanceof Error ? err.message : String(err) };
      }
    },
  };
}
