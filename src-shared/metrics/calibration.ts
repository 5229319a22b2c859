/**
 * Expected calibration error for a binary probability map against a binary reference, in the three
 * named conventions, and the Brier score. Every value names its convention; they are not comparable.
 *
 *  - `positive-class` (Popordanoska et al., per volume): confidence = p, 10 bins [k/10, (k+1)/10) with
 *    p = 1 in the last bin; Σ_b (n_b/N)·|mean(y)_b − mean(p)_b| over non-empty bins; a fraction.
 *  - `top-label` (JDTLosses, zifuwanggg/JDTLosses metrics/ece_metric.py addD + metrics/metric.py
 *    get_ece), in its float32 arithmetic: p is rounded to float32 and the class probabilities are
 *    [fround(1 − p), p]; predicted label = argmax (ties go to background, as argmax returns the first
 *    maximum), confidence = the max, accuracy = label correct; bin = torch.bucketize(conf, edges,
 *    right=True) − 1 on torch's float32 lower edges linspace(0, 0.9, 10) (TOP_LABEL_EDGES), so a
 *    confidence equal to an edge goes up and the edges are where float32 puts them (float32 0.7 is on
 *    the 0.7 edge, float32 0.8 above the 0.8 edge); weighted by bin count over non-empty bins;
 *    reported in percent (×100). Sums are in double (JDTLosses sums confidences in float32), so
 *    agreement is to float32 rounding of those sums, with identical bins.
 *  - `metricsreloaded` (metrics/calibration_measures.py expectation_calibration_error): confidence =
 *    p, bins (l, u] with edges np.arange(0, 1.00001, 0.1) = i·0.1, so p = 0 falls in no bin and is
 *    dropped from numerator and denominator; a fraction.
 *
 * `region` (optional 0/1 mask) limits the voxels; callers state which region they used.
 */

export interface EceSet {
  readonly 'positive-class': number;
  readonly 'top-label': number;
  readonly metricsreloaded: number;
}

export const BINS = 10;

/** Bin of [k/10, (k+1)/10), p = 1 in the last bin (also the dataset reliability diagram's bins). */
export function halfOpenBin(c: number): number {
  let k = Math.floor(c * BINS);
  if (k > 0 && k / BINS > c) k--;
  if (k < BINS - 1 && (k + 1) / BINS <= c) k++;
  return k < 0 ? 0 : k > BINS - 1 ? BINS - 1 : k;
}

/**
 * torch.linspace(0, 0.9, 10) in float32, as ATen's CPU kernel computes it: step = fround(0.9f / 9),
 * the first half start + step·k and the second half end − step·(9 − k), each operation in float32.
 */
const TOP_LABEL_EDGES: Float32Array = (() => {
  const end = Math.fround(0.9);
  const step = Math.fround(end / (BINS - 1));
  return Float32Array.from({ length: BINS }, (_, k) =>
    k < BINS / 2 ? Math.fround(step * k) : Math.fround(end - Math.fround(step * (BINS - 1 - k))),
  );
})();

/** torch.bucketize(conf, TOP_LABEL_EDGES, right=True) − 1: the last edge ≤ conf. */
export function topLabelBin(conf: number): number {
  let k = BINS - 1;
  while (k > 0 && TOP_LABEL_EDGES[k] > conf) k--;
  return k;
}

/** Bin of (i·0.1, (i+1)·0.1] with numpy arange edges; −1 when p ≤ 0. */
function mrBin(c: number): number {
  if (!(c > 0)) return -1;
  let k = Math.ceil(c * BINS) - 1;
  if (k > 0 && !(c > k * 0.1)) k--;
  if (k < BINS - 1 && c > (k + 1) * 0.1) k++;
  return k < 0 ? 0 : k > BINS - 1 ? BINS - 1 : k;
}

/** Σ_b (n_b/N)·|acc_b/n_b − conf_b/n_b| over the non-empty bins; NaN with no voxel. */
export function eceFromBins(n: Float64Array, acc: Float64Array, conf: Float64Array): number {
  let total = 0,
    s = 0;
  for (let b = 0; b < BINS; b++) {
    if (n[b] === 0) continue;
    total += n[b];
    s += n[b] * Math.abs(acc[b] / n[b] - conf[b] / n[b]);
  }
  return total === 0 ? NaN : s / total;
}

/** `values`, when given, makes `prob` codes into it (p at voxel i is values[prob[i]]): the same bins as the decoded map's. */
export function eceAll(prob: ArrayLike<number>, ref: Uint8Array, region?: Uint8Array, values?: Float32Array): EceSet {
  if (prob.length !== ref.length) throw new Error('ECE: probability map and reference differ in length');
  const nP = new Float64Array(BINS),
    aP = new Float64Array(BINS),
    cP = new Float64Array(BINS);
  const nT = new Float64Array(BINS),
    aT = new Float64Array(BINS),
    cT = new Float64Array(BINS);
  const nM = new Float64Array(BINS),
    aM = new Float64Array(BINS),
    cM = new Float64Array(BINS);
  for (let i = 0; i < prob.length; i++) {
    if (region && region[i] === 0) continue;
    const p = values ? values[prob[i]] : prob[i];
    const y = ref[i];
    const b = halfOpenBin(p);
    nP[b]++;
    aP[b] += y;
    cP[b] += p;
    const p32 = Math.fround(p);
    const q32 = Math.fround(1 - p32);
    const label = p32 > q32 ? 1 : 0;
    const top = label === 1 ? p32 : q32;
    const t = topLabelBin(top);
    nT[t]++;
    aT[t] += label === y ? 1 : 0;
    cT[t] += top;
    const m = mrBin(p);
    if (m >= 0) {
      nM[m]++;
      aM[m] += y;
      cM[m] += p;
    }
  }
  return {
    'positive-class': eceFromBins(nP, aP, cP),
    'top-label': 100 * eceFromBins(nT, aT, cT),
    metricsreloaded: eceFromBins(nM, aM, cM),
  };
}

/** Binary Brier score: mean (p − y)² over the region; `values` as in eceAll. */
export function brierScore(prob: ArrayLike<number>, ref: Uint8Array, region?: Uint8Array, values?: Float32Array): number {
  let s = 0,
    n = 0;
  for (let i = 0; i < prob.length; i++) {
    if (region && region[i] === 0) continue;
    const d = (values ? values[prob[i]] : prob[i]) - ref[i];
    s += d * d;
    n++;
  }
  return n === 0 ? NaN : s / n;
}
