/**
 * One case from files: load and check the inputs, then run the metrics engine under the requested
 * convention(s). Shared by the single-case CLI, directory mode and its worker threads.
 */
import { CaseContext, CONVENTIONS, evaluateWith } from '../../src-shared/metrics/conventions/index';
import type { CaseInput, ConventionName, ConventionResult } from '../../src-shared/metrics/conventions/types';
import { binaryMask, checkSameGrid, loadImage, probabilities } from './load';

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
}

export type CaseOutput = ConventionResult | Record<ConventionName, ConventionResult>;

export function evaluateFiles(files: CaseFiles, opts: CaseOptions): CaseOutput {
  const ref = loadImage(files.ref, 'reference');
  const pred = loadImage(files.pred, 'prediction');
  checkSameGrid(ref, pred);
  const input: CaseInput = {
    ref: binaryMask(ref, 'reference'),
    pred: binaryMask(pred, 'prediction'),
    dims: ref.dims,
    spacing: ref.spacing,
    thresholdMl: opts.thresholdMl,
    tolerancesMm: opts.tolerancesMm,
    ...(files.prob ? { prob: loadChecked(files.prob, 'probability map', ref, (img) => probabilities(img)) } : {}),
    ...(files.raters && files.raters.length > 0
      ? { raters: files.raters.map((r, i) => loadChecked(r, `rater ${i + 1}`, ref, (img) => binaryMask(img, `rater ${i + 1}`))) }
      : {}),
    ...(files.region ? { region: loadChecked(files.region, 'region', ref, (img) => binaryMask(img, 'region')) } : {}),
  };
  const ctx = new CaseContext(input);
  if (opts.convention !== 'all') return evaluateWith(ctx, opts.convention);
  const all = {} as Record<ConventionName, ConventionResult>;
  for (const c of CONVENTIONS) all[c] = evaluateWith(ctx, c);
  return all;
}

function loadChecked<T>(
  path: string,
  role: string,
  grid: ReturnType<typeof loadImage>,
  convert: (img: ReturnType<typeof loadImage>) => T,
): T {
  const img = loadImage(path, role);
  checkSameGrid(grid, img);
  return convert(img);
}
