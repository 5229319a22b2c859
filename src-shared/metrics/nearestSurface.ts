/**
 * Exact nearest-point distances between two surfaces given as integer lattice points (voxel centres
 * or voxel corners) with anisotropic spacing, by a k-d tree over the target points. The cost follows
 * the number of surface points, not the volume they are spread over: a box EDT would cost the whole
 * bounding box of all lesions, which for lesions spread through a scan is most of the grid.
 *
 * Exactness. The squared distance of two points is formed as ((δ0·s0)² + (δ1·s1)²) + (δ2·s2)², in
 * the order in which the exact EDT (edt.ts, and scipy's distance_transform_edt with `sampling`)
 * forms it, and the result is the minimum of that expression over all target points. A subtree is
 * skipped only when a lower bound formed the same way from per-axis offsets o_a ≤ |δ_a| is ≥ the best
 * distance so far; rounding is monotone (a larger |δ_a| never rounds to a smaller term, adding a
 * non-negative term never rounds down), so every point of a skipped subtree has a computed distance
 * ≥ that bound and none could lower the minimum. The search therefore returns the same numbers as an
 * exhaustive search, not an approximation.
 */
import type { Spacing3 } from './grid';

/** Points per leaf: small enough to prune well, large enough to amortise the descent. */
const LEAF = 8;

interface KdTree {
  /** Target coordinates in tree order (the points of a leaf are contiguous), one array per axis. */
  readonly x: Int32Array;
  readonly y: Int32Array;
  readonly z: Int32Array;
  /** Per node (heap numbering, root 1): split axis and the split coordinate. */
  readonly axis: Uint8Array;
  readonly split: Int32Array;
  readonly n: number;
}

/** Moves the element of rank `nth` (by coordinate `axis`) of perm[lo..hi) to perm[nth] (quickselect). */
function select(perm: Int32Array, xyz: Int32Array, axis: number, lo: number, hi: number, nth: number): void {
  let l = lo,
    r = hi - 1;
  while (r > l) {
    const pivot = xyz[3 * perm[(l + r) >> 1] + axis];
    let a = l,
      b = r;
    while (a <= b) {
      while (xyz[3 * perm[a] + axis] < pivot) a++;
      while (xyz[3 * perm[b] + axis] > pivot) b--;
      if (a <= b) {
        const t = perm[a];
        perm[a] = perm[b];
        perm[b] = t;
        a++;
        b--;
      }
    }
    if (nth <= b) r = b;
    else if (nth >= a) l = a;
    else return;
  }
}

function buildTree(xyz: Int32Array, count: number, spacing: Spacing3): KdTree {
  const perm = new Int32Array(count);
  for (let p = 0; p < count; p++) perm[p] = p;
  let levels = 0;
  for (let size = count; size > LEAF; size = Math.ceil(size / 2)) levels++;
  const nodes = 2 << levels;
  const axis = new Uint8Array(nodes);
  const split = new Int32Array(nodes);
  const build = (node: number, lo: number, hi: number): void => {
    if (hi - lo <= LEAF) return;
    // Split the axis of widest extent in mm, so that cells stay roughly cubic in physical space.
    let best = 0,
      bestExtent = -1;
    for (let a = 0; a < 3; a++) {
      let mn = Infinity,
        mx = -Infinity;
      for (let p = lo; p < hi; p++) {
        const v = xyz[3 * perm[p] + a];
        if (v < mn) mn = v;
        if (v > mx) mx = v;
      }
      const extent = (mx - mn) * spacing[a];
      if (extent > bestExtent) {
        bestExtent = extent;
        best = a;
      }
    }
    const mid = (lo + hi) >> 1;
    select(perm, xyz, best, lo, hi, mid);
    axis[node] = best;
    split[node] = xyz[3 * perm[mid] + best];
    build(2 * node, lo, mid);
    build(2 * node + 1, mid, hi);
  };
  build(1, 0, count);
  const x = new Int32Array(count),
    y = new Int32Array(count),
    z = new Int32Array(count);
  for (let p = 0; p < count; p++) {
    const o = 3 * perm[p];
    x[p] = xyz[o];
    y[p] = xyz[o + 1];
    z[p] = xyz[o + 2];
  }
  return { x, y, z, axis, split, n: count };
}

/**
 * Distance in mm from each `from` point to the nearest `to` point (Infinity when `to` is empty), in
 * the order of `from`. Both are interleaved (i, j, k) lattice coordinates (surfacePoints.ts).
 */
export function nearestDistances(from: Int32Array, to: Int32Array, spacing: Spacing3): Float64Array {
  const nFrom = from.length / 3;
  const out = new Float64Array(nFrom);
  if (to.length === 0) return out.fill(Infinity);
  const t = buildTree(to, to.length / 3, spacing);
  const { x, y, z, axis, split } = t;
  const [s0, s1, s2] = spacing;
  // Depth-first stack of (node, lo, hi, o0, o1, o2); a descent pushes at most one entry per level.
  const stack = new Int32Array(6 * 2 * 64);
  let last = 0;
  for (let q = 0; q < nFrom; q++) {
    const qi = from[3 * q],
      qj = from[3 * q + 1],
      qk = from[3 * q + 2];
    // Start from the previous point's nearest target: points come in scan order, so the previous
    // point is usually a neighbour and this bound prunes most of the tree at once.
    let a0 = (qi - x[last]) * s0,
      a1 = (qj - y[last]) * s1,
      a2 = (qk - z[last]) * s2;
    let best = a0 * a0 + a1 * a1 + a2 * a2;
    let bestAt = last;
    let sp = 0;
    stack[0] = 1;
    stack[1] = 0;
    stack[2] = t.n;
    stack[3] = 0;
    stack[4] = 0;
    stack[5] = 0;
    sp = 6;
    while (sp > 0 && best > 0) {
      sp -= 6;
      const node = stack[sp],
        lo = stack[sp + 1],
        hi = stack[sp + 2],
        o0 = stack[sp + 3],
        o1 = stack[sp + 4],
        o2 = stack[sp + 5];
      a0 = o0 * s0;
      a1 = o1 * s1;
      a2 = o2 * s2;
      if (a0 * a0 + a1 * a1 + a2 * a2 >= best) continue;
      if (hi - lo <= LEAF) {
        for (let p = lo; p < hi; p++) {
          a0 = (qi - x[p]) * s0;
          a1 = (qj - y[p]) * s1;
          a2 = (qk - z[p]) * s2;
          const d = a0 * a0 + a1 * a1 + a2 * a2;
          if (d < best) {
            best = d;
            bestAt = p;
          }
        }
        continue;
      }
      const ax = axis[node],
        v = split[node];
      const mid = (lo + hi) >> 1;
      const c = ax === 0 ? qi : ax === 1 ? qj : qk;
      // Left holds coordinates ≤ v, right ≥ v. The far side is at least |c − v| away on this axis.
      const gap = c - v;
      const farNode = gap <= 0 ? 2 * node + 1 : 2 * node;
      const nearNode = gap <= 0 ? 2 * node : 2 * node + 1;
      const g = gap < 0 ? -gap : gap;
      stack[sp] = farNode;
      stack[sp + 1] = gap <= 0 ? mid : lo;
      stack[sp + 2] = gap <= 0 ? hi : mid;
      stack[sp + 3] = ax === 0 && g > o0 ? g : o0;
      stack[sp + 4] = ax === 1 && g > o1 ? g : o1;
      stack[sp + 5] = ax === 2 && g > o2 ? g : o2;
      stack[sp + 6] = nearNode;
      stack[sp + 7] = gap <= 0 ? lo : mid;
      stack[sp + 8] = gap <= 0 ? mid : hi;
      stack[sp + 9] = o0;
      stack[sp + 10] = o1;
      stack[sp + 11] = o2;
      sp += 12;
    }
    out[q] = Math.sqrt(best);
    last = bestAt;
  }
  return out;
}
