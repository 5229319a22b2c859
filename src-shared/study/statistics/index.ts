/** Statistics for reader studies; see ../README.md for the conventions (ties, zeros, CI method). */
export * from './normal';
export * from './wilson';
export * from './binomial';
export * from './wilcoxon';
export * from './fleiss';
export * from './power';
export * from './auc';
