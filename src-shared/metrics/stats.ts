/**
 * Order statistics matching numpy: `percentileLinear` is np.percentile(a, q) with the default
 * method "linear" (virtual index (n−1)·q/100 and numpy's two-sided lerp), found by selection in
 * O(n) instead of a full sort.
 */

/** Rearranges a[lo..hi] so that a[k] is the k-th smallest (Hoare/Floyd–Rivest style quickselect). */
function select(a: Float64Array, k: number, loIn: number, hiIn: number): void {
  let lo = loIn,
    hi = hiIn;
  while (hi > lo) {
    const mid = (lo + hi) >>> 1;
    // median of three as pivot
    let x = a[lo],
      y = a[mid];
    const z = a[hi];
    if (x > y) {
      const t = x;
      x = y;
      y = t;
    }
    if (y > z) {
      y = z;
    }
    if (x > y) {
      y = x;
    }
    const pivot = y;
    let i = lo,
      j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        const t = a[i];
        a[i] = a[j];
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return;
  }
}

/** Smallest value of a[from..to] (used after select to get the (k+1)-th order statistic). */
function minOf(a: Float64Array, from: number, to: number): number {
  let m = Infinity;
  for (let i = from; i <= to; i++) if (a[i] < m) m = a[i];
  return m;
}

/** numpy's _lerp: a + (b−a)·t, computed from the nearer end so t = 1 returns b exactly. */
function lerp(a: number, b: number, t: number): number {
  const diff = b - a;
  return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
}

/**
 * np.percentile(values, q) (linear). `values` is not modified. NaN for an empty input; values
 * must not contain NaN.
 */
export function percentileLinear(values: ArrayLike<number>, q: number): number {
  const n = values.length;
  if (n === 0) return NaN;
  const a = Float64Array.from(values as ArrayLike<number>);
  const virtual = (n - 1) * (q / 100);
  const below = Math.floor(virtual);
  const gamma = virtual - below;
  select(a, below, 0, n - 1);
  const lowVal = a[below];
  if (below + 1 >= n) return lowVal;
  const highVal = minOf(a, below + 1, n - 1);
  return lerp(lowVal, highVal, gamma);
}

export function sum(values: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i];
  return s;
}

export function max(values: ArrayLike<number>): number {
  let m = -Infinity;
  for (let i = 0; i < values.length; i++) if (values[i] > m) m = values[i];
  return m;
}

/** Arithmetic mean; NaN when empty. */
export function mean(values: ArrayLike<number>): number {
  return values.length === 0 ? NaN : sum(values) / values.length;
}
