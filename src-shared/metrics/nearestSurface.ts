/**
 * Exact nearest-point distances between two surfaces given as integer lattice points (voxel centres
 * or voxel corners) with anisotropic spacing, by a k-d tree over the target points. The cost follows
 * the number of surface points, not the volume they are spread over: a box EDT would cost the whole
 * bounding box of all lesions, which for lesions spread through a scan is most of the grid.
 *
 * Exactness. The squared distance of two points is formed as ((δ0·s0)² + (δ1·s1)²) + (δ2·s2)², in
 * the order in which the exact EDT (edt.ts, and scipy's distance_transform_edt with `sampling`)
 * forms it, and the result is the minimum of that expression over all target points. A subtree is
 * skipped only when a lower bound formed the same way from the per-axis gaps g_a ≤ |δ_a| between the
 * query and the subtree's bounding box is ≥ the best distance so far; rounding is monotone (a larger |δ_a| never rounds to a smaller term, adding a
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
  /** Per node (heap numbering, root 1): the bounding box of its points, lo then hi per axis. */
  readonly bounds: Int32Array;
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

/**
 * Median splits on the axis of widest extent in mm (cells stay roughly cubic in physical space).
 * Every node keeps the tight bounding box of its points: surface points lie on sheets, so a tight
 * box is much smaller than the cell the splits leave, and it prunes much earlier.
 */
function buildTree(xyz: Int32Array, count: number, spacing: Spacing3): KdTree {
  const perm = new Int32Array(count);
  for (let p = 0; p < count; p++) perm[p] = p;
  let levels = 0;
  for (let size = count; size > LEAF; size = Math.ceil(size / 2)) levels++;
  const bounds = new Int32Array(6 * (2 << levels));
  const build = (node: number, lo: number, hi: number): void => {
    let best = 0,
      bestExtent = -1;
    for (let a = 0; a < 3; a++) {
      let mn = 0x7fffffff,
        mx = -0x7fffffff;
      for (let p = lo; p < hi; p++) {
        const v = xyz[3 * perm[p] + a];
        if (v < mn) mn = v;
        if (v > mx) mx = v;
      }
      bounds[6 * node + a] = mn;
      bounds[6 * node + 3 + a] = mx;
      const extent = (mx - mn) * spacing[a];
      if (extent > bestExtent) {
        bestExtent = extent;
        best = a;
      }
    }
    if (hi - lo <= LEAF) return;
    const mid = (lo + hi) >> 1;
    select(perm, xyz, best, lo, hi, mid);
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
  return { x, y, z, bounds, n: count };
}

/**
 * Distance in mm from each `from` point to the nearest `to` point (Infinity when `to` is empty), in
 * the order of `from`. Both are interleaved (i, j, k) lattice coordinates (surfacePoints.ts).
 */
export function nearestDistances(from: Int32Array, to: Int32Array, spacing: Spacing3): Float64Array {
  const nFrom = from.length / 3;
  const out = new Float64Array(nFrom);
  if (to.length === 0) return out.fill(Infinity);
  const { x, y, z, bounds, n } = buildTree(to, to.length / 3, spacing);
  const [s0, s1, s2] = spacing;
  let qi = 0,
    qj = 0,
    qk = 0;
  /** Lower bound of the squared distance from q to the points of `node`, formed as the distance is. */
  const boxBound = (node: number): number => {
    const b = 6 * node;
    const g0 = qi < bounds[b] ? bounds[b] - qi : qi > bounds[b + 3] ? qi - bounds[b + 3] : 0;
    const g1 = qj < bounds[b + 1] ? bounds[b + 1] - qj : qj > bounds[b + 4] ? qj - bounds[b + 4] : 0;
    const g2 = qk < bounds[b + 2] ? bounds[b + 2] - qk : qk > bounds[b + 5] ? qk - bounds[b + 5] : 0;
    const a0 = g0 * s0,
      a1 = g1 * s1,
      a2 = g2 * s2;
    return a0 * a0 + a1 * a1 + a2 * a2;
  };
  // Depth-first stack of (node, lo, hi) with the node's bound; a descent pushes two entries per level.
  const stack = new Int32Array(3 * 2 * 64);
  const stackBound = new Float64Array(2 * 64);
  let last = 0;
  for (let q = 0; q < nFrom; q++) {
    qi = from[3 * q];
    qj = from[3 * q + 1];
    qk = from[3 * q + 2];
    // Start from the previous point's nearest target: points come in scan order, so the previous
    // point is usually a neighbour and this bound prunes most of the tree at once.
    let a0 = (qi - x[last]) * s0,
      a1 = (qj - y[last]) * s1,
      a2 = (qk - z[last]) * s2;
    let best = a0 * a0 + a1 * a1 + a2 * a2;
    let bestAt = last;
    stack[0] = 1;
    stack[1] = 0;
    stack[2] = n;
    stackBound[0] = boxBound(1);
    let sp = 1;
    while (sp > 0) {
      sp--;
      if (stackBound[sp] >= best) continue;
      const node = stack[3 * sp],
        lo = stack[3 * sp + 1],
        hi = stack[3 * sp + 2];
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
      const mid = (lo + hi) >> 1;
      const bl = boxBound(2 * node),
        br = boxBound(2 * node + 1);
      // Push the farther child first so that the nearer one is searched first.
      const leftFirst = bl <= br;
      const far = leftFirst ? 2 * node + 1 : 2 * node;
      const farBound = leftFirst ? br : bl;
      const nearBound = leftFirst ? bl : br;
      if (farBound < best) {
        stack[3 * sp] = far;
        stack[3 * sp + 1] = leftFirst ? mid : lo;
        stack[3 * sp + 2] = leftFirst ? hi : mid;
        stackBound[sp++] = farBound;
      }
      if (nearBound < best) {
        stack[3 * sp] = far ^ 1;
        stack[3 * sp + 1] = leftFirst ? lo : mid;
        stack[3 * sp + 2] = leftFirst ? mid : hi;
        stackBound[sp++] = nearBound;
      }
    }
    out[q] = Math.sqrt(best);
    last = bestAt;
  }
  return out;
}
