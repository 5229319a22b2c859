/**
 * Voxel overlap: the confusion counts in one pass, and the overlap formulas of each convention.
 *
 * The formulas are per convention because the published implementations differ in their empty rules
 * and smoothing terms; see docs/metric-conventions.md (shared) and the sources cited beside each.
 */
import { type Box3, BoxBuilder, type Dims3 } from './grid';
import { countWithKernel } from './countingKernel';

export interface Confusion {
  readonly tp: number;
  readonly fp: number;
  readonly fn: number;
  readonly tn: number;
  /** |R| = tp + fn and |P| = tp + fp, voxels. */
  readonly nRef: number;
  readonly nPred: number;
}

/**
 * TP/FP/FN/TN of `pred` against `ref`, both 0/1 masks of the same length. The loop skips background
 * voxels with one test, so on lesion masks it runs at memory speed.
 */
export function confusion(ref: Uint8Array, pred: Uint8Array): Confusion {
  if (ref.length !== pred.length) throw new Error(`mask lengths differ: ${ref.length} vs ${pred.length}`);
  // Deliberately not confusionAndBox on one row: without the box bookkeeping this loop is ~15% faster
  // on a 512×512×300 volume, and the rater statistics call it once per pair of raters.
  let tp = 0,
    nRef = 0,
    nPred = 0;
  const n = ref.length;
  for (let p = 0; p < n; p++) {
    const r = ref[p];
    const q = pred[p];
    if ((r | q) !== 0) {
      nRef += r;
      nPred += q;
      tp += r & q;
    }
  }
  return { tp, fp: nPred - tp, fn: nRef - tp, tn: n - nRef - nPred + tp, nRef, nPred };
}

/** Counts over a shape (convenience for callers holding dims). */
export function confusionOf(ref: Uint8Array, pred: Uint8Array, dims: Dims3): Confusion {
  if (ref.length !== dims[0] * dims[1] * dims[2]) throw new Error('mask length does not match dims');
  return confusion(ref, pred);
}

// ---- USE-Evaluator (SophieOstmeier/UncertainSmallEmpty, metrics.py: dice_th, jaccard_th, precision,
// sensitivity, volumetric_similarity). NaN when either mask is small; 1e-8 in the denominators.
const USE_EPS = 1e-8;

export function useDice(c: Confusion, refSmall: boolean, predSmall: boolean): number {
  if (refSmall || predSmall) return NaN;
  return (2 * c.tp) / (2 * c.tp + c.fp + c.fn + USE_EPS);
}
export function useJaccard(c: Confusion, refSmall: boolean, predSmall: boolean): number {
  if (refSmall || predSmall) return NaN;
  return c.tp / (c.tp + c.fp + c.fn + USE_EPS);
}
export function usePrecision(c: Confusion, refSmall: boolean, predSmall: boolean): number {
  if (refSmall || predSmall) return NaN;
  return c.tp / (c.tp + c.fp + USE_EPS);
}
export function useRecall(c: Confusion, refSmall: boolean, predSmall: boolean): number {
  if (refSmall || predSmall) return NaN;
  return c.tp / (c.tp + c.fn + USE_EPS);
}
/** NaN rule `refSmall XOR (refSmall AND testSmall)`: both small still gives a value (1 when both empty). */
export function useVolumetricSimilarity(c: Confusion, refSmall: boolean, predSmall: boolean): number {
  if (refSmall !== (refSmall && predSmall)) return NaN;
  return 1 - Math.abs(c.fn - c.fp) / (2 * c.tp + c.fp + c.fn + USE_EPS);
}

// ---- ISLES'22 (ezequieldlrosa/isles22, utils/eval_utils.py: compute_dice with empty_value=1).
export function islesDice(c: Confusion): number {
  const s = c.nRef + c.nPred;
  return s === 0 ? 1 : (2 * c.tp) / s;
}

// ---- MetricsReloaded (Project-MONAI/MetricsReloaded, metrics/pairwise_measures.py).
/** dsc: 1 when both empty. */
export function mrDice(c: Confusion): number {
  const s = c.nRef + c.nPred;
  return s === 0 ? 1 : (2 * c.tp) / s;
}
/** intersection_over_union: NaN when both empty. */
export function mrIou(c: Confusion): number {
  const u = c.tp + c.fp + c.fn;
  return u === 0 ? NaN : c.tp / u;
}
/** positive_predictive_value: NaN when both empty, 0 when only the prediction is empty. */
export function mrPrecision(c: Confusion): number {
  if (c.nPred === 0) return c.nRef === 0 ? NaN : 0;
  return c.tp / (c.tp + c.fp);
}
/** recall: NaN when the reference is empty, 0 when only the prediction is empty. */
export function mrRecall(c: Confusion): number {
  if (c.nRef === 0) return NaN;
  if (c.nPred === 0) return 0;
  return c.tp / (c.tp + c.fn);
}

/** Plain Dice 2|A∩B|/(|A|+|B|) with an explicit value for two empty masks. */
export function plainDice(c: Confusion, bothEmpty: number): number {
  const s = c.nRef + c.nPred;
  return s === 0 ? bothEmpty : (2 * c.tp) / s;
}

/**
 * Confusion counts and the union bounding box of R and P in a single pass over the arrays, so the
 * expensive metrics can crop without a second sweep of the volume. The same pass tells whether every
 * voxel is 0 or 1 (`binary`), so a caller that must refuse other values (the `evaluate` CLI) needs
 * no pass of its own: any such value is non-zero, so it is seen in the branch that counts.
 *
 * The pass runs in WebAssembly SIMD (countingKernel.ts), 16 voxels per instruction. The
 * voxel-at-a-time loop gives the same result and runs where the kernel does not (no WebAssembly
 * SIMD, rows under 32 voxels), for masks holding values other than 0/1 (whose counts the kernel does
 * not define), and when asked for (`kernel: 'javascript'`, for the tests and the benchmark).
 */
export function confusionAndBox(ref: Uint8Array, pred: Uint8Array, dims: Dims3, kernel: 'simd' | 'javascript' = 'simd'): CountingPass {
  const [nx, ny, nz] = dims;
  if (ref.length !== nx * ny * nz || pred.length !== ref.length) throw new Error('mask length does not match dims');
  const k = kernel === 'simd' ? countWithKernel(ref, pred, dims) : null;
  if (k?.binary) return { confusion: confusionOfSums(k.tp, k.nRef, k.nPred, ref.length), box: k.box, binary: true };
  return countByVoxels(ref, pred, dims);
}

interface CountingPass {
  readonly confusion: Confusion;
  readonly box: Box3;
  readonly binary: boolean;
}

function confusionOfSums(tp: number, nRef: number, nPred: number, n: number): Confusion {
  return { tp, fp: nPred - tp, fn: nRef - tp, tn: n - nRef - nPred + tp, nRef, nPred };
}

function countByVoxels(ref: Uint8Array, pred: Uint8Array, dims: Dims3): CountingPass {
  const [nx, ny, nz] = dims;
  let tp = 0,
    nRef = 0,
    nPred = 0,
    seen = 0;
  const bounds = new BoxBuilder(dims);
  let p = 0;
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      let first = -1,
        last = -1;
      for (let i = 0; i < nx; i++, p++) {
        const r = ref[p];
        const q = pred[p];
        if ((r | q) !== 0) {
          seen |= r | q;
          nRef += r;
          nPred += q;
          tp += r & q;
          if (first < 0) first = i;
          last = i;
        }
      }
      if (first >= 0) bounds.addRow(first, last, j, k);
    }
  }
  return { confusion: confusionOfSums(tp, nRef, nPred, nx * ny * nz), box: bounds.box(), binary: seen <= 1 };
}
