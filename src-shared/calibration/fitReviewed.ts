/**
 * One calibration request end to end, as the calibration worker runs it: the reviewed cases as fit
 * input (reviewedCase.ts) and the cross-validated fit (crossValidation.ts), for a binary model or a
 * softmax one.
 */
import { crossValidate, crossValidateSoftmax, type CrossValidationReport, type SoftmaxCrossValidationReport } from './crossValidation';
import { calibrationCase, softmaxCalibrationCase } from './reviewedCase';
import type { CalibrationWorkerRequest } from './workerProtocol';

export function fitReviewedCases(
  r: CalibrationWorkerRequest,
  onProgress: (done: number, total: number) => void,
): CrossValidationReport | SoftmaxCrossValidationReport {
  const options = { folds: r.folds, seed: r.seed, onProgress };
  const { fit } = r;
  if (fit.activation === 'softmax')
    return crossValidateSoftmax(
      r.cases.map((c) => softmaxCalibrationCase(c, fit.labels, fit.method, r.reference, r.region, r.uncertainAs)),
      fit.labels,
      { ...options, method: fit.method },
    );
  return crossValidate(
    r.cases.map((c) => calibrationCase(c, r.reference, r.region, r.uncertainAs)),
    { ...options, method: fit.method },
  );
}
