/**
 * k-fold cross-validation by case: a case's voxels are never split between fitting and testing,
 * because voxels of one image are far from independent. Each fold fits on the other folds' cases
 * and is scored on its own; "pooled" scores every case under the fold that held it out, and the
 * recalibration to save is the one fitted on all cases. The same folds serve a binary model's
 * recalibrations and a softmax model's temperatures; only the fit, its application and the metrics
 * differ.
 */
import { mulberry32 } from '../random/mulberry32';
import { fitRecalibration, RecalibrationError } from './fit';
import { calibrateMap, IDENTITY, type Recalibration, type RecalibrationMethod } from './recalibration';
import { setMetrics, type CalibrationCase, type SetMetrics } from './report';
import { fitSoftmaxTemperature, softmaxProbabilities, type SoftmaxMethod, type SoftmaxRecalibration } from './softmax';
import { softmaxSetMetrics, type SoftmaxCalibrationCase, type SoftmaxSetMetrics } from './softmaxReport';

interface CrossValidationOptions<Method> {
  readonly method: Method;
  readonly folds: number;
  /** Seeds the assignment of cases to folds (recorded with the result). */
  readonly seed: number;
  /** Called after each of the folds + 1 fits. */
  readonly onProgress?: (done: number, total: number) => void;
}

export interface BeforeAfter<M = SetMetrics> {
  readonly before: M;
  readonly after: M;
}

interface FoldResult<Cal, M> extends BeforeAfter<M> {
  readonly fold: number;
  readonly heldOut: readonly string[];
  readonly calibration: Cal;
}

interface Report<Method, Cal, M> {
  readonly method: Method;
  readonly folds: number;
  readonly seed: number;
  readonly perFold: readonly FoldResult<Cal, M>[];
  readonly pooled: BeforeAfter<M>;
  /** Fitted on every case: what a new model version applies. */
  readonly calibration: Cal;
}

/** A binary (one sigmoid label) model's cross-validated recalibration. */
export interface CrossValidationReport extends Report<RecalibrationMethod, Recalibration, SetMetrics> {
  readonly activation: 'sigmoid';
}

/** A softmax model's: one temperature or one per class, with the multi-class metrics. */
export interface SoftmaxCrossValidationReport extends Report<SoftmaxMethod, SoftmaxRecalibration, SoftmaxSetMetrics> {
  readonly activation: 'softmax';
  readonly labels: readonly string[];
}

/** What differs between the binary and the softmax cross-validation. */
interface Family<Case, Cal, Probs, M> {
  readonly fit: (cases: readonly Case[]) => Cal;
  readonly apply: (cal: Cal, c: Case) => Probs;
  readonly identity: Cal;
  readonly metrics: (cases: readonly Case[], probabilities: readonly Probs[]) => M;
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

function crossValidateFamily<Case extends { readonly caseId: string }, Method, Cal, Probs, M>(
  cases: readonly Case[],
  options: CrossValidationOptions<Method>,
  family: Family<Case, Cal, Probs, M>,
): Report<Method, Cal, M> {
  const { method, folds, seed, onProgress } = options;
  const ids = new Set(cases.map((c) => c.caseId));
  if (ids.size !== cases.length) throw new RecalibrationError('a case is listed twice');
  const fold = assignFolds(cases.length, folds, seed);
  const uncalibrated = cases.map((c) => family.apply(family.identity, c));
  const heldOutCalibrated: Probs[] = new Array<Probs>(cases.length);
  const perFold: FoldResult<Cal, M>[] = [];
  for (let f = 0; f < folds; f++) {
    const testIdx = cases.map((_, i) => i).filter((i) => fold[i] === f);
    const test = testIdx.map((i) => cases[i]);
    const calibration = family.fit(cases.filter((_, i) => fold[i] !== f));
    for (const i of testIdx) heldOutCalibrated[i] = family.apply(calibration, cases[i]);
    perFold.push({
      fold: f,
      heldOut: test.map((c) => c.caseId),
      calibration,
      before: family.metrics(
        test,
        testIdx.map((i) => uncalibrated[i]),
      ),
      after: family.metrics(
        test,
        testIdx.map((i) => heldOutCalibrated[i]),
      ),
    });
    onProgress?.(f + 1, folds + 1);
  }
  const calibration = family.fit(cases);
  onProgress?.(folds + 1, folds + 1);
  return {
    method,
    folds,
    seed,
    perFold,
    pooled: { before: family.metrics(cases, uncalibrated), after: family.metrics(cases, heldOutCalibrated) },
    calibration,
  };
}

export function crossValidate(
  cases: readonly CalibrationCase[],
  options: CrossValidationOptions<RecalibrationMethod>,
): CrossValidationReport {
  const report = crossValidateFamily(cases, options, {
    fit: (train) => fitRecalibration(options.method, train),
    apply: (cal, c) => calibrateMap(cal, c.logits),
    identity: IDENTITY,
    metrics: setMetrics,
  });
  return { activation: 'sigmoid', ...report };
}

export function crossValidateSoftmax(
  cases: readonly SoftmaxCalibrationCase[],
  labels: readonly string[],
  options: CrossValidationOptions<SoftmaxMethod>,
): SoftmaxCrossValidationReport {
  const report = crossValidateFamily(cases, options, {
    fit: (train) => fitSoftmaxTemperature(options.method, train, labels),
    apply: (cal, c) => softmaxProbabilities(cal, c.logits),
    identity: { kind: 'temperature', temperature: 1 },
    metrics: softmaxSetMetrics,
  });
  return { activation: 'softmax', labels: [...labels], ...report };
}
