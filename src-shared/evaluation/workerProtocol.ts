/**
 * Messages between the renderer and the metrics Web Worker (src-renderer/workers/metrics.worker.ts),
 * typed here so both ends share one definition. Typed arrays travel as transferables (listed by
 * `transferablesOf`), never copied and never as objects per voxel.
 *
 * Two ways to use the worker:
 * - stateless (the dashboard's pool): `evaluate` with the whole case each time;
 * - incremental (the per-case panel): `evaluate` once, then `updateRater` with one rater's new
 *   labelmap (and a new key), `patchRater` with only the axial slices a live edit changed in the
 *   labelmap the worker already holds, or `setOptions`; the worker keeps the case and an
 *   EvaluationCache, so only the comparisons touching the edited rater are recomputed.
 *
 * Every request carries an `id`; the reply to it is exactly one `result` with that id. Requests are
 * handled in order; a reply whose id is not the newest one the caller sent can be dropped.
 */
import type { SlicePatch } from '../project/labelmapSlices';
import { inputGrids, modelGrids } from './inputGrids';
import type { CaseEvaluation, CaseSourcesInput, EvaluationOptions, ModelSource, RaterSource } from './types';

export type MetricsWorkerRequest =
  | {
      readonly type: 'evaluate';
      readonly id: string;
      /** Keys the worker's cache: a different case starts a fresh cache. */
      readonly caseId: string;
      readonly input: CaseSourcesInput;
      readonly options: EvaluationOptions;
    }
  | {
      /** Replace (or add) one rater of the current case and re-evaluate. */
      readonly type: 'updateRater';
      readonly id: string;
      readonly caseId: string;
      readonly rater: RaterSource;
      readonly options: EvaluationOptions;
    }
  | {
      /**
       * Write changed axial slices into the labelmap the worker holds for one rater of the current
       * case (a live edit: a brush stroke sends a few slices, not the volume) and re-evaluate.
       */
      readonly type: 'patchRater';
      readonly id: string;
      readonly caseId: string;
      readonly raterId: string;
      readonly name: string;
      /** The rater's new key (the labelmap changed). */
      readonly key: string;
      readonly slices: SlicePatch;
      readonly options: EvaluationOptions;
    }
  | {
      /** Replace the model of the current case (null: none) and re-evaluate. */
      readonly type: 'updateModel';
      readonly id: string;
      readonly caseId: string;
      readonly model: ModelSource | null;
      readonly options: EvaluationOptions;
    }
  | {
      /** Re-evaluate the current case under other options (convention, T, tolerances, uncertain rule). */
      readonly type: 'setOptions';
      readonly id: string;
      readonly caseId: string;
      readonly options: EvaluationOptions;
    };

export type MetricsWorkerReply =
  | { readonly type: 'result'; readonly id: string; readonly ok: true; readonly value: CaseEvaluation }
  | { readonly type: 'result'; readonly id: string; readonly ok: false; readonly error: string };

/** Each request type is one task of the worker client (src-renderer/workers/taskWorker.ts), answered by one reply. */
export type MetricsWorkerTasks = {
  [K in MetricsWorkerRequest['type']]: { request: Extract<MetricsWorkerRequest, { type: K }>; progress: never; result: MetricsWorkerReply };
};

/** The buffers a request can hand over to the worker (each once: a buffer shared by two arrays is listed once). */
export function transferablesOf(req: MetricsWorkerRequest): ArrayBuffer[] {
  const arrays: Array<Uint8Array | Float32Array | null | undefined> = [];
  if (req.type === 'evaluate') arrays.push(...inputGrids(req.input));
  else if (req.type === 'updateRater') arrays.push(req.rater.labelmap);
  else if (req.type === 'patchRater') arrays.push(req.slices.bytes);
  else if (req.type === 'updateModel') arrays.push(...modelGrids(req.model));
  const out = new Set<ArrayBuffer>();
  for (const a of arrays) if (a && a.buffer instanceof ArrayBuffer) out.add(a.buffer);
  return [...out];
}
