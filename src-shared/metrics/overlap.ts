/**
 * Voxel overlap: the confusion counts in one pass, and the overlap formulas of each convention.
 *
 * The formulas are per convention because the published implementations differ in their empty rules
 * and smoothing terms; see docs/metric-conventions.md (shared) and the sources cited beside each.
 */
import { type Box3, BoxBuilder, type Dims3 } from './grid';

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
 * Four voxels at a time where the rows allow it (see countByWords); the voxel-at-a-time loop gives
 * the same result and is the fallback, and the reference for masks holding values other than 0/1.
 */
export function confusionAndBox(ref: Uint8Array, pred: Uint8Array, dims: Dims3): CountingPass {
  const [nx, ny, nz] = dims;
  if (ref.length !== nx * ny * nz || pred.length !== ref.length) throw new Error('mask length does not match dims');
  if (LITTLE_ENDIAN && nx % 4 === 0 && ref.byteOffset % 4 === 0 && pred.byteOffset % 4 === 0) {
    const words = countByWords(
      new Int32Array(ref.buffer, ref.byteOffset, ref.length >> 2),
      new Int32Array(pred.buffer, pred.byteOffset, pred.length >> 2),
      dims,
    );
    if (words.binary) return words;
  }
  return countByVoxels(ref, pred, dims);
}

interface CountingPass {
  readonly confusion: Confusion;
  readonly box: Box3;
  readonly binary: boolean;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** The number of 1 bytes in a word whose four bytes are each 0 or 1: their sum, carried into the top byte. */
const ones = (w: number) => Math.imul(w, 0x01010101) >>> 24;

/**
 * The counting pass on 32-bit words (rows of a multiple of 4 voxels, aligned): a background word is
 * skipped with one test, and a lesion word is counted without a branch per voxel. Exact only when
 * every byte is 0 or 1, which `binary` reports; the caller falls back to countByVoxels otherwise.
 * The first and last set voxel of a word are its lowest and highest non-zero byte (little-endian).
 */
function countByWords(ref: Int32Array, pred: Int32Array, dims: Dims3): CountingPass {
  const [nx, ny, nz] = dims;
  const wx = nx >> 2;
  let tp = 0,
    nRef = 0,
    nPred = 0,
    seen = 0;
  const bounds = new BoxBuilder(dims);
  let w = 0;
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      // Most rows are background: one OR over the row, without a branch per word, rules them out.
      let any = 0,
        i = 0;
      for (; i + 4 <= wx; i += 4)
        any |=
          ref[w + i] | ref[w + i + 1] | ref[w + i + 2] | ref[w + i + 3] | pred[w + i] | pred[w + i + 1] | pred[w + i + 2] | pred[w + i + 3];
      for (; i < wx; i++) any |= ref[w + i] | pred[w + i];
      if (any === 0) {
        w += wx;
        continue;
      }
      let first = -1,
        last = -1;
      for (let i = 0; i < wx; i++, w++) {
        const r = ref[w];
        const q = pred[w];
        const u = r | q;
        if (u !== 0) {
          seen |= u;
          nRef += ones(r);
          nPred += ones(q);
          tp += ones(r & q);
          if (first < 0) first = (i << 2) + ((31 - Math.clz32(u & -u)) >> 3);
          last = (i << 2) + ((31 - Math.clz32(u)) >> 3);
        }
      }
      if (first >= 0) bounds.addRow(first, last, j, k);
    }
  }
  const n = nx * ny * nz;
  const c: Confusion = { tp, fp: nPred - tp, fn: nRef - tp, tn: n - nRef - nPred + tp, nRef, nPred };
  return { confusion: c, box: bounds.box(), binary: (seen & 0xfefefefe) === 0 };
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
  const n = nx * ny * nz;
  const c: Confusion = { tp, fp: nPred - tp, fn: nRef - tp, tn: n - nRef - nPred + tp, nRef, nPred };
  return { confusion: c, box: bounds.box(), binary: seen <= 1 };
}
