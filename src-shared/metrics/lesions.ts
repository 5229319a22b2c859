/**
 * Lesions as connected components (6- or 26-connectivity, union-find on the runs of set voxels of
 * each row, so the cost follows the lesions, not their bounding box), and the two matching rules:
 *  - ISLES'22 any-overlap (ezequieldlrosa/isles22, utils/eval_utils.py compute_lesion_f1_score,
 *    cc3d 26-connectivity): a reference lesion is TP when any of its voxels is predicted, FN
 *    otherwise; a predicted component is FP when none of its voxels is in the reference. No
 *    one-to-one assignment, no minimum size.
 *  - MetricsReloaded greedy matching on mask IoU strictly above 0.5 (utility/assignment_localization.py,
 *    initial_mapping uses `matrix > thresh`). Components are disjoint, so IoU > 0.5 admits at most
 *    one partner per lesion and the greedy pass has no ambiguity to resolve.
 */
import { type Box3, type Dims3, type Spacing3, maskBox, voxelMl } from './grid';
import { type MaskRows, type RowPair, maskRows, unionRows } from './rows';

export type Connectivity = 6 | 26;

/** Maximal runs of set voxels along i, row by row in raster order, over the rows of a box. */
interface Runs {
  /** Per row of the box (rows.ts numbering), the index of its first run; one entry more at the end. */
  readonly rowStart: Int32Array;
  /** First and last i of each run. */
  readonly start: Int32Array;
  readonly end: Int32Array;
}

function runsOf(mask: Uint8Array, dims: Dims3, rows: MaskRows): Runs {
  const { box, first, last } = rows;
  const rowStart = new Int32Array(first.length + 1);
  let start = new Int32Array(1024),
    end = new Int32Array(1024);
  let n = 0;
  const [nx, ny] = dims;
  const rowsJ = box.hi[1] - box.lo[1] + 1;
  for (let r = 0; r < first.length; r++) {
    rowStart[r] = n;
    if (first[r] < 0) continue;
    const p = nx * (box.lo[1] + (r % rowsJ) + ny * (box.lo[2] + Math.floor(r / rowsJ)));
    for (let i = first[r]; i <= last[r]; i++) {
      if (mask[p + i] === 0) continue;
      const s = i;
      while (i < last[r] && mask[p + i + 1] !== 0) i++;
      if (n === start.length) {
        const s2 = new Int32Array(2 * n),
          e2 = new Int32Array(2 * n);
        s2.set(start);
        e2.set(end);
        start = s2;
        end = e2;
      }
      start[n] = s;
      end[n++] = i;
    }
  }
  rowStart[first.length] = n;
  return { rowStart, start: start.slice(0, n), end: end.slice(0, n) };
}

function find(parent: Int32Array, x: number): number {
  let r = x;
  while (parent[r] !== r) r = parent[r];
  // path compression
  let y = x;
  while (parent[y] !== r) {
    const next = parent[y];
    parent[y] = r;
    y = next;
  }
  return r;
}

/** Joins the sets of a and b; the smaller index stays the root, so roots are first in raster order. */
function union(parent: Int32Array, a: number, b: number): void {
  const ra = find(parent, a);
  const rb = find(parent, b);
  if (ra < rb) parent[rb] = ra;
  else if (rb < ra) parent[ra] = rb;
}

export interface Components {
  readonly runs: Runs;
  /** Per run, its component 1..count, numbered in raster order of each component's first voxel. */
  readonly label: Int32Array;
  readonly count: number;
}

/**
 * Connected components by union-find on runs: a run joins the runs of the rows already visited that
 * touch it, (j − 1, k) and (j, k − 1) sharing an i under 6-connectivity, and also (j − 1, k − 1) and
 * (j + 1, k − 1), with i ranges touching diagonally (one voxel apart), under 26-connectivity. Runs
 * of one row never touch (they are maximal). Cost follows the runs, not the box.
 */
function labelRuns(runs: Runs, box: Box3, connectivity: Connectivity): Components {
  const { rowStart, start, end } = runs;
  const n = start.length;
  const parent = new Int32Array(n);
  for (let u = 0; u < n; u++) parent[u] = u;
  const rowsJ = box.hi[1] - box.lo[1] + 1;
  const rowsK = box.hi[2] - box.lo[2] + 1;
  const reach = connectivity === 26 ? 1 : 0;
  const back: (readonly [number, number])[] =
    connectivity === 26
      ? [
          [-1, 0],
          [0, -1],
          [-1, -1],
          [1, -1],
        ]
      : [
          [-1, 0],
          [0, -1],
        ];
  for (let kr = 0, r = 0; kr < rowsK; kr++) {
    for (let jr = 0; jr < rowsJ; jr++, r++) {
      if (rowStart[r] === rowStart[r + 1]) continue;
      for (const [dj, dk] of back) {
        const j = jr + dj,
          k = kr + dk;
        if (j < 0 || j >= rowsJ || k < 0) continue;
        const nr = j + rowsJ * k;
        const nEnd = rowStart[nr + 1];
        let v = rowStart[nr];
        for (let u = rowStart[r]; u < rowStart[r + 1] && v < nEnd; u++) {
          while (v < nEnd && end[v] + reach < start[u]) v++;
          for (let w = v; w < nEnd && start[w] <= end[u] + reach; w++) union(parent, u, w);
        }
      }
    }
  }
  const label = new Int32Array(n);
  let count = 0;
  for (let u = 0; u < n; u++) {
    const r = find(parent, u);
    label[u] = r === u ? ++count : label[r];
  }
  return { runs, label, count };
}

/** Labels the components of a 0/1 mask inside `box` (default: its own bounding box). */
export function labelComponents(mask: Uint8Array, dims: Dims3, connectivity: Connectivity, box?: Box3): Components {
  const rows = maskRows(mask, dims, box ?? maskBox(mask, dims));
  return labelRuns(runsOf(mask, dims, rows), rows.box, connectivity);
}

export interface LesionRow {
  /** 1-based component id. */
  readonly id: number;
  readonly voxels: number;
  readonly volumeMl: number;
  /** Voxel-index centroid (i, j, k) in the full volume. */
  readonly centroid: readonly [number, number, number];
  /** Best mask IoU with any component of the other mask (0 when none overlaps). */
  readonly bestIou: number;
  /** ISLES'22: any voxel overlaps the other mask. */
  readonly overlapsOther: boolean;
  /** MetricsReloaded: matched with IoU > 0.5. */
  readonly matchedIou: boolean;
}

export interface LesionAnalysis {
  readonly connectivity: Connectivity;
  readonly ref: readonly LesionRow[];
  readonly pred: readonly LesionRow[];
}

/**
 * Components of R and P (same connectivity) on the rows of their union box, with per-lesion rows
 * and the pairwise overlaps needed by both matching rules. `rows` is the caller's when it has them.
 */
export function analyseLesions(
  ref: Uint8Array,
  pred: Uint8Array,
  dims: Dims3,
  spacing: Spacing3,
  connectivity: Connectivity,
  rows?: RowPair,
): LesionAnalysis {
  const rp = rows ?? unionRows(ref, pred, dims);
  const box = rp.box;
  if (box.empty) return { connectivity, ref: [], pred: [] };
  const cr = labelRuns(runsOf(ref, dims, rp.ref), box, connectivity);
  const cp = labelRuns(runsOf(pred, dims, rp.pred), box, connectivity);
  const nR = cr.count,
    nP = cp.count;
  // Centroids are summed relative to the box corner less one voxel and shifted back at the end (the
  // sums are of integers, so exact in any order): the figures the padded-crop labelling gave.
  const o = [box.lo[0] - 1, box.lo[1] - 1, box.lo[2] - 1] as const;
  const rowsJ = box.hi[1] - box.lo[1] + 1;
  const stats = (c: Components, size: Float64Array, cen: Float64Array) => {
    const { rowStart, start, end } = c.runs;
    for (let r = 0; r + 1 < rowStart.length; r++) {
      const j = box.lo[1] + (r % rowsJ) - o[1],
        k = box.lo[2] + Math.floor(r / rowsJ) - o[2];
      for (let u = rowStart[r]; u < rowStart[r + 1]; u++) {
        const l = c.label[u];
        const len = end[u] - start[u] + 1;
        size[l] += len;
        cen[3 * l] += (len * (start[u] - o[0] + (end[u] - o[0]))) / 2;
        cen[3 * l + 1] += len * j;
        cen[3 * l + 2] += len * k;
      }
    }
  };
  const sizeR = new Float64Array(nR + 1),
    sizeP = new Float64Array(nP + 1);
  const cenR = new Float64Array(3 * (nR + 1)),
    cenP = new Float64Array(3 * (nP + 1));
  stats(cr, sizeR, cenR);
  stats(cp, sizeP, cenP);
  // Overlap of every pair of components that share voxels, from the runs of each row.
  const inter = new Map<number, number>();
  const ra = cr.runs,
    pa = cp.runs;
  for (let r = 0; r + 1 < ra.rowStart.length; r++) {
    let v = pa.rowStart[r];
    const vEnd = pa.rowStart[r + 1];
    for (let u = ra.rowStart[r]; u < ra.rowStart[r + 1] && v < vEnd; u++) {
      while (v < vEnd && pa.end[v] < ra.start[u]) v++;
      for (let w = v; w < vEnd && pa.start[w] <= ra.end[u]; w++) {
        const n = Math.min(ra.end[u], pa.end[w]) - Math.max(ra.start[u], pa.start[w]) + 1;
        const key = cr.label[u] * (nP + 1) + cp.label[w];
        inter.set(key, (inter.get(key) ?? 0) + n);
      }
    }
  }
  const bestR = new Float64Array(nR + 1),
    bestP = new Float64Array(nP + 1);
  const overR = new Uint8Array(nR + 1),
    overP = new Uint8Array(nP + 1);
  const matchR = new Uint8Array(nR + 1),
    matchP = new Uint8Array(nP + 1);
  for (const [key, n] of inter) {
    const a = Math.floor(key / (nP + 1)),
      q = key % (nP + 1);
    const iou = n / (sizeR[a] + sizeP[q] - n);
    overR[a] = 1;
    overP[q] = 1;
    if (iou > bestR[a]) bestR[a] = iou;
    if (iou > bestP[q]) bestP[q] = iou;
    if (iou > 0.5) {
      matchR[a] = 1;
      matchP[q] = 1;
    }
  }
  const vml = voxelMl(spacing);
  const table = (n: number, size: Float64Array, cen: Float64Array, best: Float64Array, over: Uint8Array, match: Uint8Array) => {
    const out: LesionRow[] = [];
    for (let l = 1; l <= n; l++) {
      out.push({
        id: l,
        voxels: size[l],
        volumeMl: size[l] * vml,
        centroid: [cen[3 * l] / size[l] + o[0], cen[3 * l + 1] / size[l] + o[1], cen[3 * l + 2] / size[l] + o[2]],
        bestIou: best[l],
        overlapsOther: over[l] === 1,
        matchedIou: match[l] === 1,
      });
    }
    return out;
  };
  return {
    connectivity,
    ref: table(nR, sizeR, cenR, bestR, overR, matchR),
    pred: table(nP, sizeP, cenP, bestP, overP, matchP),
  };
}

export interface LesionCounts {
  readonly connectivity: Connectivity;
  readonly matching: 'any-overlap' | 'greedy-iou>0.5';
  readonly n_ref: number;
  readonly n_pred: number;
  readonly tp: number;
  readonly fp: number;
  readonly fn: number;
  readonly f1: number;
  readonly abs_count_diff: number;
}

/**
 * The record both conventions report; they differ only in how they count TP/FP/FN and in their F1
 * formula (kept apart: algebraically equal, but not always to the last bit).
 */
function lesionCounts(
  a: LesionAnalysis,
  matching: LesionCounts['matching'],
  c: { tp: number; fp: number; fn: number; f1: number },
): LesionCounts {
  return {
    connectivity: a.connectivity,
    matching,
    n_ref: a.ref.length,
    n_pred: a.pred.length,
    tp: c.tp,
    fp: c.fp,
    fn: c.fn,
    f1: c.f1,
    abs_count_diff: Math.abs(a.ref.length - a.pred.length),
  };
}

/** ISLES'22: TP/FN over reference lesions, FP over predicted components; F1 = TP/(TP+(FP+FN)/2), 1 if all 0. */
export function islesLesionCounts(a: LesionAnalysis): LesionCounts {
  let tp = 0,
    fn = 0,
    fp = 0;
  for (const r of a.ref)
    if (r.overlapsOther) tp++;
    else fn++;
  for (const p of a.pred) if (!p.overlapsOther) fp++;
  const f1 = tp + fp + fn === 0 ? 1 : tp / (tp + (fp + fn) / 2);
  return lesionCounts(a, 'any-overlap', { tp, fp, fn, f1 });
}

/**
 * MetricsReloaded: TP = matched pairs, FP/FN = unmatched predictions/references. F1 follows
 * pairwise_measures.py fbeta on the detection counts: 2TP/(2TP+FP+FN), 1 when TP+FP+FN = 0.
 */
export function mrLesionCounts(a: LesionAnalysis): LesionCounts {
  let tp = 0;
  for (const r of a.ref) if (r.matchedIou) tp++;
  const fn = a.ref.length - tp;
  const fp = a.pred.length - tp;
  const f1 = tp + fp + fn === 0 ? 1 : (2 * tp) / (2 * tp + fp + fn);
  return lesionCounts(a, 'greedy-iou>0.5', { tp, fp, fn, f1 });
}
