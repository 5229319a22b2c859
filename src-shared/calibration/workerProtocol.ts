/**
 * Messages of the calibration worker (src-renderer/workers/calibration.worker.ts): one fit per
 * request, progress after each fold, then the report or the error's sentence.
 */
import type { UncertainAs } from '../project/labels';
import type { CrossValidationReport, SoftmaxCrossValidationReport } from './crossValidation';
import type { ReferenceKind } from './provenance';
import type { RecalibrationMethod } from './recalibration';
import type { CalibrationRegion, ReviewedCase } from './reviewedCase';
import type { SoftmaxMethod } from './softmax';

/** What is fitted: a binary model's recalibration, or a softmax model's temperatures for its labels. */
export type CalibrationFit =
  | { readonly activation: 'sigmoid'; readonly method: RecalibrationMethod }
  | { readonly activation: 'softmax'; readonly method: SoftmaxMethod; readonly labels: readonly string[] };

export interface CalibrationWorkerRequest {
  readonly cases: readonly ReviewedCase[];
  readonly reference: ReferenceKind;
  readonly region: CalibrationRegion;
  readonly uncertainAs: UncertainAs;
  readonly fit: CalibrationFit;
  readonly folds: number;
  readonly seed: number;
}

/** The message the worker takes: the fit's input and the id its events carry back. */
export type CalibrationWorkerTask = CalibrationWorkerRequest & { readonly requestId: string };

export type CalibrationWorkerEvent =
  | { readonly type: 'progress'; readonly requestId: string; readonly done: number; readonly total: number }
  | { readonly type: 'done'; readonly requestId: string; readonly report: CrossValidationReport | SoftmaxCrossValidationReport }
  | { readonly type: 'error'; readonly requestId: string; readonly message: string };

/** The worker's one task, as the renderer's worker client declares it: the fit, with progress per fold. */
export type CalibrationWorkerTasks = {
  fit: {
    request: CalibrationWorkerTask;
    progress: Extract<CalibrationWorkerEvent, { type: 'progress' }>;
    result: Exclude<CalibrationWorkerEvent, { type: 'progress' }>;
  };
};
