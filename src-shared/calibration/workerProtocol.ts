/**
 * Messages of the calibration worker (src-renderer/workers/calibration.worker.ts): one fit per
 * request, progress after each fold, then the report or the error's sentence.
 */
import type { UncertainAs } from '../project/labels';
import type { CrossValidationReport } from './crossValidation';
import type { ReferenceKind } from './provenance';
import type { RecalibrationMethod } from './recalibration';
import type { CalibrationRegion, ReviewedCase } from './reviewedCase';

export interface CalibrationWorkerRequest {
  readonly cases: readonly ReviewedCase[];
  readonly reference: ReferenceKind;
  readonly region: CalibrationRegion;
  readonly uncertainAs: UncertainAs;
  readonly method: RecalibrationMethod;
  readonly folds: number;
  readonly seed: number;
}

export type CalibrationWorkerEvent =
  | { readonly type: 'progress'; readonly done: number; readonly total: number }
  | { readonly type: 'done'; readonly report: CrossValidationReport }
  | { readonly type: 'error'; readonly message: string };
