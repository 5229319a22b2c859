/**
 * Calibration of a multi-class (softmax) probability map against a reference class per voxel, the
 * multi-class counterparts of calibration.ts's binary conventions (issue 17). Each value names its
 * convention; none is comparable with a binary one.
 *
 *  - `top-label` (JDTLosses `ECEMetric` on C classes, Guo et al. 2017): confidence = max_c p_c with
 *    the probabilities rounded to float32, predicted class = the first argmax, accuracy = predicted
 *    class is the reference; the same float32 bins as the binary top-label ECE; in percent. With two
 *    classes it is the binary top-label ECE.
 *  - `classwise` (Kull et al., NeurIPS 2019): for each class c the positive-class ECE of p_c
 *    against [reference = c] (bins [k/10, (k+1)/10), p = 1 in the last), averaged over the classes,
 *    background included; a fraction.
 *  - Brier: mean over voxels of Σ_c (p_c − y_c)² with y the one-hot reference. With two classes it is
 *    twice the binary Brier (MetricsReloaded's `brier_score`, metric-conventions.md).
 *
 * Probabilities are class-major (one array per class, the same voxels in each).
 */
import { BINS, eceFromBins, halfOpenBin, topLabelBin } from './calibration';

export interface MulticlassEce {
  /** Percent. */
  readonly 'top-label': number;
  /** A fraction. */
  readonly classwise: number;
}

function checkShapes(probs: readonly ArrayLike<number>[], ref: Uint8Array): void {
  if (probs.length < 2) throw new Error('multi-class ECE needs at least two classes');
  if (probs.some((p) => p.length !== ref.length)) throw new Error('multi-class ECE: a class map and the reference differ in length');
}

export function eceMulticlass(probs: readonly ArrayLike<number>[], ref: Uint8Array): MulticlassEce {
  checkShapes(probs, ref);
  const classes = probs.length;
  const nT = new Float64Array(BINS),
    aT = new Float64Array(BINS),
    cT = new Float64Array(BINS);
  // Per class: counts, positives and summed p per bin, class c at offset c × BINS.
  const nC = new Float64Array(classes * BINS),
    aC = new Float64Array(classes * BINS),
    cC = new Float64Array(classes * BINS);
  for (let v = 0; v < ref.length; v++) {
    let label = 0;
    let top = -1;
    for (let c = 0; c < classes; c++) {
      const p = probs[c][v];
      const p32 = Math.fround(p);
      if (p32 > top) {
        top = p32;
        label = c;
      }
      const b = c * BINS + halfOpenBin(p);
      nC[b]++;
      aC[b] += ref[v] === c ? 1 : 0;
      cC[b] += p;
    }
    const t = topLabelBin(top);
    nT[t]++;
    aT[t] += label === ref[v] ? 1 : 0;
    cT[t] += top;
  }
  let classwise = 0;
  for (let c = 0; c < classes; c++) {
    const at = (a: Float64Array) => a.subarray(c * BINS, (c + 1) * BINS);
    classwise += eceFromBins(at(nC), at(aC), at(cC));
  }
  return { 'top-label': 100 * eceFromBins(nT, aT, cT), classwise: classwise / classes };
}

export function brierMulticlass(probs: readonly ArrayLike<number>[], ref: Uint8Array): number {
  checkShapes(probs, ref);
  let s = 0;
  for (let v = 0; v < ref.length; v++) {
    for (let c = 0; c < probs.length; c++) {
      const d = probs[c][v] - (ref[v] === c ? 1 : 0);
      s += d * d;
    }
  }
  return ref.length === 0 ? NaN : s / ref.length;
}
