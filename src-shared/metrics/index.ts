/**
 * Quorum's metrics engine: pure TypeScript on typed arrays, no DOM and no Node, usable from the
 * main process, the CLI and renderer workers. Each family lives in its own module; the named
 * conventions (use, isles22, metricsreloaded) compose them in ./conventions. See README.md.
 */
export * from './grid';
export * from './overlap';
export * from './surfaceDistance';
export * from './surfelTable';
export * from './surfaceDice';
export * from './lesions';
export * from './emptyCase';
export * from './softDice';
export * from './volume';
export * from './calibration';
export * from './multiclassCalibration';
export * from './raters';
export * from './aggregate';
export * from './stats';
export * from './conventions/index';
export * from './conventions/labels';
export * from './summary';
