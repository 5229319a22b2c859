/**
 * A recalibration of a binary (one sigmoid label) segmentation model, applied to its logits before
 * the sigmoid. Temperature and Platt scaling act on the logit z; isotonic regression maps the
 * model's probability σ(z) through a fitted non-decreasing step-and-ramp function.
 */
import { z } from '../zod';

const increasing = (a: readonly number[]) => a.every((v, i) => i === 0 || v > a[i - 1]);
const nonDecreasing = (a: readonly number[]) => a.every((v, i) => i === 0 || v >= a[i - 1]);

/** Validated where a manifest is read, so a saved model cannot carry a map that is not monotone. */
export const recalibrationSchema = z.discriminatedUnion('kind', [
  /** p = σ(z / T); T > 1 softens an over-confident model. */
  z.object({ kind: z.literal('temperature'), temperature: z.number().positive() }),
  /** p = σ(a·z + b) (Platt 1999, on logits); a > 0 keeps the ranking. */
  z.object({ kind: z.literal('platt'), a: z.number().positive(), b: z.number() }),
  /**
   * p = linear interpolation of (x, y) at σ(z), clipped to the ends (scikit-learn's
   * IsotonicRegression(out_of_bounds='clip')); x increasing, y non-decreasing.
   */
  z
    .object({ kind: z.literal('isotonic'), x: z.array(z.number().min(0).max(1)).min(1), y: z.array(z.number().min(0).max(1)).min(1) })
    .refine((c) => c.x.length === c.y.length && increasing(c.x) && nonDecreasing(c.y), {
      message: 'isotonic x must increase and y must not decrease, with one y per x',
    }),
]);
export type Recalibration = z.infer<typeof recalibrationSchema>;

export type RecalibrationMethod = Recalibration['kind'];

export const IDENTITY: Recalibration = { kind: 'temperature', temperature: 1 };

export function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

/** The calibrated probability of one voxel's logit. */
export function calibrate(cal: Recalibration, z: number): number {
  switch (cal.kind) {
    case 'temperature':
      return sigmoid(z / cal.temperature);
    case 'platt':
      return sigmoid(cal.a * z + cal.b);
    case 'isotonic':
      return interpolateClipped(cal.x, cal.y, sigmoid(z));
  }
}

/** Calibrated probabilities of a logit map, into a new array of the same length. */
export function calibrateMap(cal: Recalibration, logits: Float32Array): Float64Array {
  const out = new Float64Array(logits.length);
  for (let v = 0; v < logits.length; v++) out[v] = calibrate(cal, logits[v]);
  return out;
}

function interpolateClipped(x: readonly number[], y: readonly number[], p: number): number {
  const n = x.length;
  if (p <= x[0]) return y[0];
  if (p >= x[n - 1]) return y[n - 1];
  let lo = 0,
    hi = n - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (x[mid] <= p) lo = mid;
    else hi = mid;
  }
  const span = x[hi] - x[lo];
  return span === 0 ? y[hi] : y[lo] + ((p - x[lo]) / span) * (y[hi] - y[lo]);
}

/**
 * Logits of a stored probability map. Projects keep model results as round(p × 255) (quantise.ts),
 * not logits, so the fit works on logit(q / 255) with q clamped to [0.5, 254.5]: q = 0 and 255
 * would be infinite logits, and half a quantisation step is the most the stored value says about
 * p. The recalibration fitted on these logits is the one the pipeline then applies to the model's
 * true logits; the two differ only where the quantisation saturates (|z| > ln 509 ≈ 6.2).
 */
export function logitsFromQuantised(q: Uint8Array): Float32Array {
  const out = new Float32Array(q.length);
  for (let v = 0; v < q.length; v++) {
    const p = Math.min(254.5, Math.max(0.5, q[v])) / 255;
    out[v] = Math.log(p / (1 - p));
  }
  return out;
}
