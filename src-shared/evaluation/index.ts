/**
 * The shared per-case evaluation core (issue 7): evaluateCase over one case's rater masks and model
 * probabilities, on top of the metrics engine. See README.md.
 */
export * from './types';
export * from './caseEvaluation';
export * from './sources';
export * from './lesionTable';
export * from './workerProtocol';
export * from './metricsWorkerCore';
