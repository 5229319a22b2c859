/**
 * The box paths the surface distances and the lesion labelling took before they followed the
 * surfaces (issue 19), kept only as the reference that tests and the metrics bench compare the new
 * paths with. Distances: the exact EDT (edt.ts) of one mask's surface over the padded crop of both
 * masks' union bounding box, read at the other mask's surface; same outputs, in the same order, as
 * borderDistances and surfelDistances. Lesions: two-pass voxel labelling with union-find over the
 * padded crop; same output as analyseLesions.
 * Both take the crops from unionCrops (null when both masks are empty), made once for both, as the
 * case context did.
 */
import { borderOfPadded } from './borders';
import { squaredEdt } from './edt';
import { type Box3, type Dims3, type Spacing3, maskBox, unionBox, voxelMl } from './grid';
import type { Connectivity, LesionAnalysis, LesionRow } from './lesions';
import type { BorderDistances } from './surfaceDistance';
import type { SurfelDistances } from './surfaceDice';
import { surfelAreaTable } from './surfelTable';

/** A crop of the box plus `pad` background voxels on each side. */
export interface PaddedCrop {
  readonly data: Uint8Array;
  readonly dims: Dims3;
  /** Full-volume index of crop voxel (0,0,0); may be negative because of the padding. */
  readonly origin: readonly [number, number, number];
}

function paddedCrop(mask: Uint8Array, dims: Dims3, box: Box3, pad = 1): PaddedCrop {
  const ex = box.hi[0] - box.lo[0] + 1;
  const ey = box.hi[1] - box.lo[1] + 1;
  const ez = box.hi[2] - box.lo[2] + 1;
  const cd: Dims3 = [ex + 2 * pad, ey + 2 * pad, ez + 2 * pad];
  const out = new Uint8Array(cd[0] * cd[1] * cd[2]);
  const [nx, ny] = dims;
  for (let k = 0; k < ez; k++) {
    for (let j = 0; j < ey; j++) {
      const src = box.lo[0] + nx * (box.lo[1] + j + ny * (box.lo[2] + k));
      const dst = pad + cd[0] * (pad + j + cd[1] * (pad + k));
      out.set(mask.subarray(src, src + ex), dst);
    }
  }
  return { data: out, dims: cd, origin: [box.lo[0] - pad, box.lo[1] - pad, box.lo[2] - pad] };
}

/** Padded crops of R and P on the same box. */
export interface CropPair {
  readonly ref: PaddedCrop;
  readonly pred: PaddedCrop;
}

/**
 * The crops of R and P on their union box, or null when both masks are empty (every pairwise family
 * then returns its empty result). `box` is the caller's when it already has it: CaseContext counts
 * the box in its first pass.
 */
export function unionCrops(ref: Uint8Array, pred: Uint8Array, dims: Dims3, box?: Box3): CropPair | null {
  const b = box ?? unionBox(maskBox(ref, dims), maskBox(pred, dims));
  if (b.empty) return null;
  return { ref: paddedCrop(ref, dims, b, 1), pred: paddedCrop(pred, dims, b, 1) };
}

function gatherSqrt(dist2: Float64Array, at: Uint8Array, count: number): Float64Array {
  const out = new Float64Array(count);
  let n = 0;
  for (let p = 0; p < at.length; p++) {
    if (at[p] !== 0) out[n++] = Math.sqrt(dist2[p]);
  }
  return out;
}

export function boxEdtBorderDistances(pair: CropPair | null, spacing: Spacing3): BorderDistances {
  if (!pair) return { predToRef: new Float64Array(0), refToPred: new Float64Array(0) };
  const { ref: cr, pred: cp } = pair;
  const br = borderOfPadded(cr.data, cr.dims);
  const bp = borderOfPadded(cp.data, cp.dims);
  const buf = squaredEdt(br.mask, cr.dims, spacing, undefined, bp.mask);
  const predToRef = gatherSqrt(buf, bp.mask, bp.count);
  squaredEdt(bp.mask, cp.dims, spacing, buf, br.mask);
  const refToPred = gatherSqrt(buf, br.mask, br.count);
  return { predToRef, refToPred };
}

/** Neighbourhood codes on the corner lattice of a padded (pad = 1) crop; lattice dims = crop dims − 1. */
function cornerCodes(crop: Uint8Array, cd: Dims3): { codes: Uint8Array; border: Uint8Array; count: number } {
  const [px, py] = cd;
  const lx = cd[0] - 1,
    ly = cd[1] - 1,
    lz = cd[2] - 1;
  const codes = new Uint8Array(lx * ly * lz);
  const border = new Uint8Array(lx * ly * lz);
  const nib = new Uint8Array(px);
  let count = 0;
  const sy = px,
    sz = px * py;
  for (let k = 0; k < lz; k++) {
    for (let j = 0; j < ly; j++) {
      // nib[x]: the 4 voxels (x, j+b, k+c) at bits 3 − (2b + c)
      const p00 = j * sy + k * sz;
      let any = 0;
      for (let x = 0; x < px; x++) {
        const v = (crop[p00 + x] << 3) | (crop[p00 + sz + x] << 2) | (crop[p00 + sy + x] << 1) | crop[p00 + sy + sz + x];
        nib[x] = v;
        any |= v;
      }
      if (any === 0) continue;
      const row = lx * (j + ly * k);
      for (let i = 0; i < lx; i++) {
        const code = (nib[i] << 4) | nib[i + 1];
        if (code !== 0) {
          codes[row + i] = code;
          if (code !== 255) {
            border[row + i] = 1;
            count++;
          }
        }
      }
    }
  }
  return { codes, border, count };
}

function gatherSurfels(dist2: Float64Array, border: Uint8Array, codes: Uint8Array, count: number, table: Float64Array) {
  const d = new Float64Array(count);
  const a = new Float64Array(count);
  let n = 0;
  for (let p = 0; p < border.length; p++) {
    if (border[p] !== 0) {
      d[n] = Math.sqrt(dist2[p]);
      a[n] = table[codes[p]];
      n++;
    }
  }
  return { d, a };
}

export function boxEdtSurfelDistances(pair: CropPair | null, spacing: Spacing3): SurfelDistances {
  if (!pair) {
    const e = new Float64Array(0);
    return { refToPred: e, refAreas: e, predToRef: e, predAreas: e };
  }
  const table = surfelAreaTable(spacing);
  const { ref: cr, pred: cp } = pair;
  const ld: Dims3 = [cr.dims[0] - 1, cr.dims[1] - 1, cr.dims[2] - 1];
  const r = cornerCodes(cr.data, cr.dims);
  const p = cornerCodes(cp.data, cp.dims);
  const buf = squaredEdt(r.border, ld, spacing, undefined, p.border);
  const fromPred = gatherSurfels(buf, p.border, p.codes, p.count, table);
  squaredEdt(p.border, ld, spacing, buf, r.border);
  const fromRef = gatherSurfels(buf, r.border, r.codes, r.count, table);
  return { refToPred: fromRef.d, refAreas: fromRef.a, predToRef: fromPred.d, predAreas: fromPred.a };
}

interface CropComponents {
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

/** Labels a padded crop (pad ≥ 1). */
function labelCrop(crop: PaddedCrop, connectivity: Connectivity): CropComponents {
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

/** The box path's analyseLesions on the padded crop of the union box. */
export function boxLesionAnalysis(
  ref: Uint8Array,
  pred: Uint8Array,
  dims: Dims3,
  spacing: Spacing3,
  connectivity: Connectivity,
): LesionAnalysis {
  const pair = unionCrops(ref, pred, dims);
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
