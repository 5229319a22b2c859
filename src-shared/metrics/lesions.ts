/**
 * Lesions as connected components (6- or 26-connectivity, two-pass labelling with union-find on a
 * padded crop of the union bounding box), and the two matching rules:
 *  - ISLES'22 any-overlap (ezequieldlrosa/isles22, utils/eval_utils.py compute_lesion_f1_score,
 *    cc3d 26-connectivity): a reference lesion is TP when any of its voxels is predicted, FN
 *    otherwise; a predicted component is FP when none of its voxels is in the reference. No
 *    one-to-one assignment, no minimum size.
 *  - MetricsReloaded greedy matching on mask IoU strictly above 0.5 (utility/assignment_localization.py,
 *    initial_mapping uses `matrix > thresh`). Components are disjoint, so IoU > 0.5 admits at most
 *    one partner per lesion and the greedy pass has no ambiguity to resolve.
 */
import { type Box3, type Dims3, type PaddedCrop, type Spacing3, maskBox, paddedCrop, unionCrops, voxelMl } from './grid';

export type Connectivity = 6 | 26;

export interface Components {
  /** Labels 1..count on the padded crop (0 = background). */
  readonly labels: Int32Array;
  readonly count: number;
  readonly cropDims: Dims3;
  readonly origin: readonly [number, number, number];
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

function union(parent: Int32Array, a: number, b: number): number {
  const ra = find(parent, a);
  const rb = find(parent, b);
  if (ra === rb) return ra;
  if (ra < rb) {
    parent[rb] = ra;
    return ra;
  }
  parent[ra] = rb;
  return rb;
}

/** Backward neighbour offsets (already visited in raster order) for the given connectivity. */
function backwardOffsets(cd: Dims3, connectivity: Connectivity): Int32Array {
  const sy = cd[0],
    sz = cd[0] * cd[1];
  const offs: number[] = [];
  for (let dk = -1; dk <= 0; dk++) {
    for (let dj = -1; dj <= 1; dj++) {
      for (let di = -1; di <= 1; di++) {
        const o = di + dj * sy + dk * sz;
        if (o >= 0) continue;
        const manhattan = Math.abs(di) + Math.abs(dj) + Math.abs(dk);
        if (connectivity === 6 && manhattan !== 1) continue;
        offs.push(o);
      }
    }
  }
  return Int32Array.from(offs);
}

/** Labels the components of a 0/1 mask inside `box` (default: its own bounding box). */
export function labelComponents(mask: Uint8Array, dims: Dims3, connectivity: Connectivity, box?: Box3): Components {
  const b = box ?? maskBox(mask, dims);
  if (b.empty) return { labels: new Int32Array(0), count: 0, cropDims: [0, 0, 0], origin: [0, 0, 0] };
  return labelCrop(paddedCrop(mask, dims, b, 1), connectivity);
}

/** Labels a padded crop (pad ≥ 1). */
export function labelCrop(crop: PaddedCrop, connectivity: Connectivity): Components {
  const cd = crop.dims;
  const data = crop.data;
  const labels = new Int32Array(data.length);
  const offs = backwardOffsets(cd, connectivity);
  let fg = 0;
  for (let p = 0; p < data.length; p++) fg += data[p];
  const parent = new Int32Array(fg + 1);
  let next = 1;
  const sy = cd[0],
    sz = cd[0] * cd[1];
  for (let k = 1; k < cd[2] - 1; k++) {
    for (let j = 1; j < cd[1] - 1; j++) {
      let p = 1 + j * sy + k * sz;
      for (let i = 1; i < cd[0] - 1; i++, p++) {
        if (data[p] === 0) continue;
        let l = 0;
        for (let o = 0; o < offs.length; o++) {
          const nl = labels[p + offs[o]];
          if (nl === 0) continue;
          l = l === 0 ? nl : union(parent, l, nl);
        }
        if (l === 0) {
          l = next++;
          parent[l] = l;
        }
        labels[p] = l;
      }
    }
  }
  // Resolve to consecutive final labels in raster order of first appearance.
  const final = new Int32Array(next);
  let count = 0;
  for (let l = 1; l < next; l++) {
    const r = find(parent, l);
    if (r === l) final[l] = ++count;
  }
  for (let l = 1; l < next; l++) final[l] = final[find(parent, l)];
  for (let p = 0; p < labels.length; p++) if (labels[p] !== 0) labels[p] = final[labels[p]];
  return { labels, count, cropDims: cd, origin: crop.origin };
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
 * Components of R and P (same connectivity) on one shared crop of the union box, with per-lesion
 * rows and the pairwise overlaps needed by both matching rules.
 */
export function analyseLesions(
  ref: Uint8Array,
  pred: Uint8Array,
  dims: Dims3,
  spacing: Spacing3,
  connectivity: Connectivity,
  box?: Box3,
): LesionAnalysis {
  const pair = unionCrops(ref, pred, dims, box);
  if (!pair) return { connectivity, ref: [], pred: [] };
  const cr = labelCrop(pair.ref, connectivity);
  const cp = labelCrop(pair.pred, connectivity);
  const nR = cr.count,
    nP = cp.count;
  const sizeR = new Float64Array(nR + 1),
    sizeP = new Float64Array(nP + 1);
  const cenR = new Float64Array(3 * (nR + 1)),
    cenP = new Float64Array(3 * (nP + 1));
  const inter = new Map<number, number>();
  const [cx, cy] = cr.cropDims;
  const lr = cr.labels,
    lp = cp.labels;
  for (let p = 0; p < lr.length; p++) {
    const a = lr[p];
    const q = lp[p];
    if ((a | q) === 0) continue;
    const i = p % cx,
      j = Math.floor(p / cx) % cy,
      k = Math.floor(p / (cx * cy));
    if (a !== 0) {
      sizeR[a]++;
      cenR[3 * a] += i;
      cenR[3 * a + 1] += j;
      cenR[3 * a + 2] += k;
    }
    if (q !== 0) {
      sizeP[q]++;
      cenP[3 * q] += i;
      cenP[3 * q + 1] += j;
      cenP[3 * q + 2] += k;
    }
    if (a !== 0 && q !== 0) {
      const key = a * (nP + 1) + q;
      inter.set(key, (inter.get(key) ?? 0) + 1);
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
  const o = cr.origin;
  const rows = (n: number, size: Float64Array, cen: Float64Array, best: Float64Array, over: Uint8Array, match: Uint8Array) => {
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
    ref: rows(nR, sizeR, cenR, bestR, overR, matchR),
    pred: rows(nP, sizeP, cenP, bestP, overP, matchP),
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
