/**
 * Voxel overlap: the confusion counts in one pass, and the overlap formulas of each convention.
 *
 * The formulas are per convention because the published implementations differ in their empty rules
 * and smoothing terms; see docs/metric-conventions.md (shared) and the sources cited beside each.
 */
import { type Box3, BoxBuilder, type Dims3 } from './grid';
import { nonEmptyRows } from './rowScan';

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
 * no pass of its own: any such value is non-zero, so it lies in a row that is counted.
 *
 * The pass first finds the rows holding any non-zero byte with WebAssembly SIMD (rowScan.ts) and
 * counts only those, four voxels per step where rows are 32-bit aligned (countWordRow), else one
 * (countVoxelRow). `rowScan: 'javascript'` skips the SIMD scan (every row is counted, each skipping
 * background words with one test): what runs where WebAssembly SIMD does not, kept selectable so the
 * tests and the benchmark can compare the two.
 */
export function confusionAndBox(ref: Uint8Array, pred: Uint8Array, dims: Dims3, rowScan: 'simd' | 'javascript' = 'simd'): CountingPass {
  const [nx, ny, nz] = dims;
  if (ref.length !== nx * ny * nz || pred.length !== ref.length) throw new Error('mask length does not match dims');
  const rows = (rowScan === 'simd' ? nonEmptyRows(ref, pred, nx, ny * nz) : null) ?? allRows(ny * nz);
  if (LITTLE_ENDIAN && nx % 4 === 0 && ref.byteOffset % 4 === 0 && pred.byteOffset % 4 === 0) {
    const ref32 = new Int32Array(ref.buffer, ref.byteOffset, ref.length >> 2);
    const pred32 = new Int32Array(pred.buffer, pred.byteOffset, pred.length >> 2);
    const byWords = tally(dims, rows, (row, t) => countWordRow(ref32, pred32, nx >> 2, row, t));
    // Word counts are exact only for 0/1 bytes; otherwise count again by voxels, as for any other mask.
    if ((byWords.seen & 0xfefefefe) === 0) return byWords.pass(true);
  }
  const byVoxels = tally(dims, rows, (row, t) => countVoxelRow(ref, pred, nx, row, t));
  return byVoxels.pass(byVoxels.seen <= 1);
}

interface CountingPass {
  readonly confusion: Confusion;
  readonly box: Box3;
  readonly binary: boolean;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

function allRows(n: number): Int32Array {
  const rows = new Int32Array(n);
  for (let r = 0; r < n; r++) rows[r] = r;
  return rows;
}

/** Running sums of the counted rows; `seen` is the OR of every non-zero word or voxel. */
interface Tally {
  tp: number;
  nRef: number;
  nPred: number;
  seen: number;
  /** The first and last set voxel of a row, i; the row is j + ny·k. */
  addRow(first: number, last: number, row: number): void;
}

function tally(dims: Dims3, rows: Int32Array, countRow: (row: number, t: Tally) => void) {
  const [nx, ny, nz] = dims;
  const bounds = new BoxBuilder(dims);
  const t: Tally = {
    tp: 0,
    nRef: 0,
    nPred: 0,
    seen: 0,
    addRow: (first, last, row) => bounds.addRow(first, last, row % ny, Math.floor(row / ny)),
  };
  for (let r = 0; r < rows.length; r++) countRow(rows[r], t);
  const { tp, nRef, nPred, seen } = t;
  const n = nx * ny * nz;
  const c: Confusion = { tp, fp: nPred - tp, fn: nRef - tp, tn: n - nRef - nPred + tp, nRef, nPred };
  return { seen, pass: (binary: boolean): CountingPass => ({ confusion: c, box: bounds.box(), binary }) };
}

/** The number of 1 bytes in a word whose four bytes are each 0 or 1: their sum, carried into the top byte. */
const ones = (w: number) => Math.imul(w, 0x01010101) >>> 24;

/**
 * One row on 32-bit words (`wx` per row): a background word is skipped with one test, and a lesion
 * word is counted without a branch per voxel. Exact only when every byte is 0 or 1, which `seen`
 * tells. The first and last set voxel of a word are its lowest and highest non-zero byte
 * (little-endian).
 */
function countWordRow(ref: Int32Array, pred: Int32Array, wx: number, row: number, t: Tally): void {
  let tp = 0,
    nRef = 0,
    nPred = 0,
    seen = 0,
    first = -1,
    last = -1;
  for (let i = 0, w = row * wx; i < wx; i++, w++) {
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
  if (first < 0) return;
  t.tp += tp;
  t.nRef += nRef;
  t.nPred += nPred;
  t.seen |= seen;
  t.addRow(first, last, row);
}

function countVoxelRow(ref: Uint8Array, pred: Uint8Array, nx: number, row: number, t: Tally): void {
  let tp = 0,
    nRef = 0,
    nPred = 0,
    seen = 0,
    first = -1,
    last = -1;
  for (let i = 0, p = row * nx; i < nx; i++, p++) {
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
  if (first < 0) return;
  t.tp += tp;
  t.nRef += nRef;
  t.nPred += nPred;
  t.seen |= seen;
  t.addRow(first, last, row);
}
