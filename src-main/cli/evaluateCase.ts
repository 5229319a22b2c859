/**
 * One case from files: load and check the inputs, then run the metrics engine's one evaluation
 * pipeline (evaluateConventions, or evaluateLabels per label) under the requested convention(s).
 * Shared by the single-case CLI, directory mode and its worker threads.
 */
import { CaseContext, CONVENTIONS, evaluateConventions } from '../../src-shared/metrics/conventions/index';
import { evaluateLabels, type LabelResults } from '../../src-shared/metrics/conventions/labels';
import type { CaseInput, ConventionName, ConventionResult } from '../../src-shared/metrics/conventions/types';
import { binaryMask, checkSameGrid, labelValues, loadImage, maskBytes, probabilities, type LoadedImage } from './load';

export interface CaseFiles {
  readonly ref: string;
  readonly pred: string;
  readonly prob?: string;
  readonly raters?: readonly string[];
  readonly region?: string;
}

export interface CaseOptions {
  readonly convention: ConventionName | 'all';
  readonly thresholdMl?: number;
  readonly tolerancesMm?: readonly number[];
  /** Evaluate these label values of multi-label masks (--labels); binary masks without. */
  readonly labels?: readonly number[];
}

export type CaseOutput = ConventionResult | Record<ConventionName, ConventionResult> | LabelResults;

/**
 * Reads every file of the case at once (the reads and inflates overlap on the thread pool), checks
 * grids and values, then evaluates. The 0/1 check of the reference and prediction is the counting
 * pass's (see maskBytes): it runs before any metric is computed.
 */
export async function evaluateFiles(files: CaseFiles, opts: CaseOptions): Promise<CaseOutput> {
  const [ref, pred, ...rest] = await loadInOrder([
    [files.ref, 'reference'],
    [files.pred, 'prediction'],
    ...(files.prob ? [[files.prob, 'probability map'] as const] : []),
    ...(files.raters ?? []).map((r, i) => [r, `rater ${i + 1}`] as const),
    ...(files.region ? [[files.region, 'region'] as const] : []),
  ]);
  const prob = files.prob ? rest.shift() : undefined;
  const region = files.region ? rest.pop() : undefined;
  const raters = rest;
  checkSameGrid(ref, pred);
  const { dims, spacingMm: spacing } = ref.image.geometry;
  if (opts.labels) {
    const maps = { ref: labelValues(ref, 'reference'), pred: labelValues(pred, 'prediction') };
    return evaluateLabels(
      { ...maps, dims, spacing, thresholdMl: opts.thresholdMl, tolerancesMm: opts.tolerancesMm },
      opts.labels,
      opts.convention,
    );
  }
  const refMask = maskBytes(ref, 'reference');
  const predMask = maskBytes(pred, 'prediction');
  const checked = <T>(img: LoadedImage, convert: (img: LoadedImage) => T): T => {
    checkSameGrid(ref, img);
    return convert(img);
  };
  const input: CaseInput = {
    ref: refMask,
    pred: predMask,
    dims,
    spacing,
    thresholdMl: opts.thresholdMl,
    tolerancesMm: opts.tolerancesMm,
    ...(prob ? { prob: checked(prob, probabilities) } : {}),
    ...(raters.length > 0 ? { raters: raters.map((r, i) => checked(r, (img) => binaryMask(img, `rater ${i + 1}`))) } : {}),
    ...(region ? { region: checked(region, (img) => binaryMask(img, 'region')) } : {}),
  };
  const ctx = new CaseContext(input);
  if (!ctx.masksAreBinary) {
    // Only now pay for a scan: binaryMask names the first offending voxel.
    binaryMask(ref, 'reference');
    binaryMask(pred, 'prediction');
  }
  // The app's per-case evaluation calls the same function on the same context (caseEvaluation.ts).
  if (opts.convention !== 'all') return evaluateConventions(ctx, [opts.convention])[opts.convention];
  return evaluateConventions(ctx, CONVENTIONS);
}

/** Loads all files at once; a failure is reported for the first failing file in argument order, as reading them one by one would. */
async function loadInOrder(files: readonly (readonly [path: string, role: string])[]): Promise<LoadedImage[]> {
  const settled = await Promise.allSettled(files.map(([path, role]) => loadImage(path, role)));
  return settled.map((s) => {
    if (s.status === 'rejected') throw s.reason;
    return s.value;
  });
}
