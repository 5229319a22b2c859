/**
 * Recalibration of a segmentation model on reviewed cases (issue 17): fitting on logits, k-fold
 * cross-validation by case, and before/after metrics. Pure TypeScript; see README.md.
 */
export * from './recalibration';
export * from './fit';
export * from './report';
export * from './crossValidation';
export * from './provenance';
export * from './reviewedCase';
export * from './softmax';
export * from './softmaxReport';
export * from './fitReviewed';
