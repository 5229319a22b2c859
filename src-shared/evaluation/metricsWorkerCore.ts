/**
 * The metrics worker's state and message handling, free of any worker API so it is unit-tested in
 * Node; src-renderer/workers/metrics.worker.ts only wires it to `self`. It keeps the current case's
 * sources and one EvaluationCache, so `updateRater` after an edit recomputes only what the edit
 * touches (caseEvaluation.ts).
 */
import { applySlicePatch, type SlicePatch, slicePatchOf, slicePatchProblem } from '../project/labelmapSlices';
import { EvaluationCache, evaluateCase } from './caseEvaluation';
import { freeGrid } from '../volume/freeGrid';
import { freeInputGrids } from './inputGrids';
import { probabilityArgs } from './sources';
import type { CaseSourcesInput } from './types';
import type { MetricsWorkerReply, MetricsWorkerRequest } from './workerProtocol';

export interface MetricsWorkerCore {
  handle(req: MetricsWorkerRequest): MetricsWorkerReply;
}

/**
 * `next` with the model's map of `held` when both name the same stored result (model and version
 * key: a stored version never changes): the copy that just arrived is freed instead of living beside
 * the held one until `next` is evaluated. The panel reloads a case when its layers change, and each
 * reload sends the map again (75 MiB on 512×512×300).
 */
function withHeldModelMap(held: CaseSourcesInput | null, next: CaseSourcesInput): CaseSourcesInput {
  const [was, now] = [held?.model, next.model];
  if (!was?.probability || !now?.probability || was.id !== now.id || was.key !== now.key || was.key === 'none') return next;
  if (was.probability === now.probability) return next;
  freeGrid(probabilityArgs(now.probability).prob);
  return { ...next, model: { ...now, probability: was.probability } };
}

export function createMetricsWorkerCore(): MetricsWorkerCore {
  let caseId: string | null = null;
  let input: CaseSourcesInput | null = null;
  let cache = new EvaluationCache();
  /** What the pending patch overwrote, put back should its evaluation fail. */
  let overwritten: { labelmap: Uint8Array; slices: SlicePatch } | null = null;

  function current(reqCaseId: string): CaseSourcesInput {
    if (input === null || caseId !== reqCaseId)
      throw new Error(`the worker holds no sources for case ${reqCaseId}; send "evaluate" with the whole case first`);
    return input;
  }

  function next(req: MetricsWorkerRequest): CaseSourcesInput {
    switch (req.type) {
      case 'evaluate': {
        const sameCase = req.caseId === caseId;
        if (!sameCase) {
          cache.release();
          cache = new EvaluationCache();
        }
        caseId = req.caseId;
        return sameCase ? withHeldModelMap(input, req.input) : req.input;
      }
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
        // Written in place, no copy of the volume per edit: the live labelmap is the worker's own
        // (updateRater transferred it), and the slices it overwrites are kept to put back should
        // this evaluation fail (a bad update must not replace a good case). A labelmap in memory
        // shared with the page (a stored version, sharedLabelmaps.ts) is never written: copied first.
        const shared = typeof SharedArrayBuffer !== 'undefined' && held.buffer instanceof SharedArrayBuffer;
        const labelmap = shared ? held.slice() : held;
        if (!shared) overwritten = { labelmap, slices: slicePatchOf(labelmap, cur.geometry.dims, req.slices.indices) };
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

  /** Puts back what the pending patch overwrote: its evaluation failed. */
  function undoPatch(): void {
    if (overwritten && input) applySlicePatch(overwritten.labelmap, input.geometry.dims, overwritten.slices);
    overwritten = null;
  }

  return {
    handle(req) {
      try {
        const nextInput = next(req);
        const value = evaluateCase(nextInput, req.options, cache);
        // Kept only once evaluated: a bad update must not replace a good case.
        // The replaced input's grids came here transferred (the worker's own): freed now, not at
        // this isolate's next collection.
        if (input) freeInputGrids(input, nextInput);
        input = nextInput;
        overwritten = null;
        return { type: 'result', id: req.id, ok: true, value };
      } catch (err) {
        undoPatch();
        return { type: 'result', id: req.id, ok: false, error: err instanceof Error ? err.message : String(err) };
      }
    },
  };
}
