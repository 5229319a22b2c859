/**
 * k-fold cross-validation by case: a case's voxels are never split between fitting and testing,
 * because voxels of one image are far from independent. Each fold fits on the other folds' cases
 * and is scored on its own; "pooled" scores every case under the fold that held it out, and the
 * recalibration to save is the one fitted on all cases.
 */
import { mulberry32 } from '../random/mulberry32';
import { fitRecalibration, RecalibrationError } from './fit';
import { calibrateMap, IDENTITY, type Recalibration, type RecalibrationMethod } from './recalibration';
import { setMetrics, type CalibrationCase, type SetMetrics } from './report';

interface CrossValidationOptions {
  readonly method: RecalibrationMethod;
  readonly folds: number;
  /** Seeds the assignment of cases to folds (recorded with the result). */
  readonly seed: number;
  /** Called after each of the folds + 1 fits. */
  readonly onProgress?: (done: number, total: number) => void;
}

export interface BeforeAfter {
  readonly before: SetMetrics;
  readonly after: SetMetrics;
}

interface FoldResult extends BeforeAfter {
  readonly fold: number;
  readonly heldOut: readonly string[];
  readonly calibration: Recalibration;
}

export interface CrossValidationReport {
  readonly method: RecalibrationMethod;
  readonly folds: number;
  readonly seed: number;
  readonly perFold: readonly FoldResult[];
  readonly pooled: BeforeAfter;
  /** Fitted on every case: what a new model version applies. */
  readonly calibration: Recalibration;
}

/** Fold of each case (same order as `caseCount`'s cases): a seeded shuffle dealt round-robin. */
function assignFolds(caseCount: number, folds: number, seed: number): Int32Array {
  if (!Number.isInteger(folds) || folds < 2) throw new RecalibrationError(`cross-validation needs at least 2 folds (got ${folds})`);
  if (folds > caseCount) throw new RecalibrationError(`${folds} folds need at least ${folds} cases (got ${caseCount})`);
  const order = Array.from({ length: caseCount }, (_, i) => i);
  const random = mulberry32(seed);
  for (let i = caseCount - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  const fold = new Int32Array(caseCount);
  order.forEach((c, k) => (fold[c] = k % folds));
  return fold;
}

export function crossValidate(cases: readonly CalibrationCase[], options: CrossValidationOptions): CrossValidationReport {
  const { method, folds, seed, onProgress } = options;
  const ids = new Set(cases.map((c) => c.caseId));
  if (ids.size !== cases.length) throw new RecalibrationError('a case is listed twice');
  const fold = assignFolds(cases.length, folds, seed);
  const uncalibrated = cases.map((c) => calibrateMap(IDENTITY, c.logits));
  const heldOutCalibrated: Float64Array[] = new Array<Float64Array>(cases.length);
  const perFold: FoldResult[] = [];
  for (let f = 0; f < folds; f++) {
    const testIdx = cases.map((_, i) => i).filter((i) => fold[i] === f);
    const test = testIdx.map((i) => cases[i]);
    const calibration = fitRecalibration(
      method,
      cases.filter((_, i) => fold[i] !== f),
    );
    for (const i of testIdx) heldOutCalibrated[i] = calibrateMap(calibration, cases[i].logits);
    perFold.push({
      fold: f,
      heldOut: test.map((c) => c.caseId),
      calibration,
      before: setMetrics(
        test,
        testIdx.map((i) => uncalibrated[i]),
      ),
      after: setMetrics(
        test,
        testIdx.map((i) => heldOutCalibrated[i]),
      ),
    });
    onProgress?.(f + 1, folds + 1);
  }
  const calibration = fitRecalibration(method, cases);
  onProgress?.(folds + 1, folds + 1);
  return {
    method,
    folds,
    seed,
    perFold,
    pooled: { before: setMetrics(cases, uncalibrated), after: setMetrics(cases, heldOutCalibrated) },
    calibration,
  };
}
