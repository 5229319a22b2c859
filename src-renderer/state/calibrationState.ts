/**
 * The Dashboard's Calibration section (issue 17): the fit's settings, its progress, the
 * cross-validation report, and which installed model it was fitted for (so it can be saved as a
 * new version). Held and changed only by controllers/calibrationController.ts.
 */
import type { CrossValidationReport, SoftmaxCrossValidationReport } from '../../src-shared/calibration/crossValidation';
import type { LogitSource, ReferenceKind } from '../../src-shared/calibration/provenance';
import type { RecalibrationMethod } from '../../src-shared/calibration/recalibration';
import type { CalibrationRegion } from '../../src-shared/calibration/reviewedCase';
import type { SoftmaxMethod } from '../../src-shared/calibration/softmax';

/** A binary model's recalibrations, and per-class temperatures for a softmax model ('temperature' serves both). */
export type CalibrationMethod = RecalibrationMethod | SoftmaxMethod;

export interface CalibrationSettings {
  readonly method: CalibrationMethod;
  /** Re-run the model for its float logits (the default), or read logit(q / 255) of the stored maps. */
  readonly logits: LogitSource;
  readonly reference: ReferenceKind;
  readonly region: CalibrationRegion;
  readonly folds: number;
  /** Fit on the first N reviewed cases only (a re-run costs one inference per case); null: all. */
  readonly maxCases: number | null;
}

export interface CalibrationState {
  readonly settings: CalibrationSettings;
  readonly progress: { readonly done: number; readonly total: number } | null;
  /** While the model re-runs on the reviewed cases: which case, of how many, and that run's fraction. */
  readonly rerun: { readonly caseIndex: number; readonly cases: number; readonly fraction: number } | null;
  /** Where the shown report's logits came from (a re-run can fall back to the stored maps). */
  readonly logitsUsed: LogitSource | null;
  readonly report: CrossValidationReport | SoftmaxCrossValidationReport | null;
  /** The model the report is for; `key` is its models-list entry, null when it is not installed here. */
  readonly model: { readonly id: string; readonly version: string; readonly key: string | null } | null;
  readonly settingsUsed: CalibrationSettings | null;
  readonly message: { readonly text: string; readonly error: boolean } | null;
}

export const initialCalibrationState: CalibrationState = {
  // Float logits need no model-or-rater region (it only kept clamped stored logits out of the fit).
  settings: { method: 'temperature', logits: 'model-rerun', reference: 'majority', region: 'whole-image', folds: 3, maxCases: null },
  progress: null,
  rerun: null,
  logitsUsed: null,
  report: null,
  model: null,
  settingsUsed: null,
  message: null,
};
