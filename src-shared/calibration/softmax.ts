/**
 * Temperature scaling of a softmax (multi-class) model (issue 17): the model's logit vector z is
 * scaled class by class, p = softmax(z_c / T_c), before the softmax, with one temperature per class
 * or one shared T. Fitted, like the binary recalibrations (fit.ts), by minimising the negative
 * log-likelihood over the voxels of the training cases,
 *   NLL(a) = Σ_v [ log Σ_c exp(a_c z_vc) − Σ_c t_vc a_c z_vc ],   a_c = 1 / T_c,
 * which is convex in a (a log-sum-exp of functions linear in a, minus a linear term), so Newton's
 * method with step halving reaches the one minimum, whatever the start.
 *
 * Per-class temperatures are not invariant to adding a constant to every class's logit (the shared
 * one is), so they are defined on the model's own logits, the ones the pipeline has: they need the
 * logits of a re-run (the pipeline's `keepLogits`), not log-probabilities read back from a stored map.
 */
import { z } from '../zod';
import { RecalibrationError } from './fit';

export const softmaxRecalibrationSchema = z.discriminatedUnion('kind', [
  /** p = softmax(z / T): one temperature for every class. */
  z.object({ kind: z.literal('temperature'), temperature: z.number().positive() }),
  /** p = softmax(z_c / T_c); `labels` are the model's output labels, background first, in order. */
  z
    .object({
      kind: z.literal('class-temperatures'),
      labels: z.array(z.string().min(1)).min(2),
      temperatures: z.array(z.number().positive()).min(2),
    })
    .refine((c) => c.labels.length === c.temperatures.length, { message: 'class-temperatures needs one temperature per label' }),
]);
export type SoftmaxRecalibration = z.infer<typeof softmaxRecalibrationSchema>;
export type SoftmaxMethod = SoftmaxRecalibration['kind'];

/** The voxels a softmax fit sees: per class (same order as the labels) logits and targets. */
export interface SoftmaxSample {
  readonly logits: readonly Float32Array[];
  /** Per voxel a distribution over the classes (one-hot for a majority, fractions for a soft reference). */
  readonly targets: readonly Float32Array[];
}

/** a_c = 1 / T_c for each of `classes` classes. */
export function inverseTemperatures(cal: SoftmaxRecalibration, classes: number): Float64Array {
  if (cal.kind === 'temperature') return new Float64Array(classes).fill(1 / cal.temperature);
  if (cal.temperatures.length !== classes)
    throw new RecalibrationError(`the calibration has ${cal.temperatures.length} class temperatures for a ${classes}-class model`);
  return Float64Array.from(cal.temperatures, (t) => 1 / t);
}

/** Calibrated class probabilities of class-major logits, into new arrays. */
export function softmaxProbabilities(cal: SoftmaxRecalibration, logits: readonly Float32Array[]): Float64Array[] {
  const classes = logits.length;
  const a = inverseTemperatures(cal, classes);
  const n = logits[0].length;
  const out = Array.from({ length: classes }, () => new Float64Array(n));
  for (let v = 0; v < n; v++) {
    let max = -Infinity;
    for (let c = 0; c < classes; c++) max = Math.max(max, a[c] * logits[c][v]);
    let sum = 0;
    for (let c = 0; c < classes; c++) sum += out[c][v] = Math.exp(a[c] * logits[c][v] - max);
    for (let c = 0; c < classes; c++) out[c][v] /= sum;
  }
  return out;
}

const MAX_ITERATIONS = 100;
const STEP_TOLERANCE = 1e-12;
const TARGET_SUM_TOLERANCE = 1e-4;

function checkFittable(samples: readonly SoftmaxSample[], classes: number, shared: boolean, labels: readonly string[]): void {
  const mass = new Float64Array(classes);
  let n = 0;
  for (const { logits, targets } of samples) {
    if (logits.length !== classes || targets.length !== classes)
      throw new RecalibrationError(`a case has ${logits.length} logit and ${targets.length} target maps for ${classes} classes`);
    const voxels = logits[0].length;
    if ([...logits, ...targets].some((m) => m.length !== voxels)) throw new RecalibrationError('logits and targets differ in length');
    for (let v = 0; v < voxels; v++) {
      let sum = 0;
      for (let c = 0; c < classes; c++) {
        const t = targets[c][v];
        if (!(t >= 0 && t <= 1)) throw new RecalibrationError(`target ${t} is outside [0, 1]`);
        sum += t;
        mass[c] += t;
      }
      if (Math.abs(sum - 1) > TARGET_SUM_TOLERANCE) throw new RecalibrationError(`a voxel's targets sum to ${sum}, not 1`);
    }
    n += voxels;
  }
  // A class with no reference voxel (or with all of them) pulls its temperature without bound.
  if (shared) {
    if (mass.filter((m) => m > 0).length < 2)
      throw new RecalibrationError('the reference needs voxels of at least two classes in the region to fit a temperature');
    return;
  }
  const missing = labels.filter((_, c) => !(mass[c] > 0 && mass[c] < n));
  if (missing.length)
    throw new RecalibrationError(
      `per-class temperatures need reference voxels of every class and of others; not so for ${missing.join(', ')} in the region`,
    );
}

interface Objective {
  readonly classes: number;
  /** Parameter of each class: c for per-class temperatures, 0 for a shared one. */
  readonly group: Int32Array;
  readonly params: number;
}

/** Scratch per class, allocated once per call, never per voxel. */
function forEachVoxelSoftmax(
  samples: readonly SoftmaxSample[],
  o: Objective,
  a: Float64Array,
  visit: (z: readonly Float32Array[], t: readonly Float32Array[], v: number, p: Float64Array, lse: number) => void,
): void {
  const p = new Float64Array(o.classes);
  for (const { logits, targets } of samples) {
    const voxels = logits[0].length;
    for (let v = 0; v < voxels; v++) {
      let max = -Infinity;
      for (let c = 0; c < o.classes; c++) max = Math.max(max, a[o.group[c]] * logits[c][v]);
      let sum = 0;
      for (let c = 0; c < o.classes; c++) sum += p[c] = Math.exp(a[o.group[c]] * logits[c][v] - max);
      for (let c = 0; c < o.classes; c++) p[c] /= sum;
      visit(logits, targets, v, p, max + Math.log(sum));
    }
  }
}

function nll(samples: readonly SoftmaxSample[], o: Objective, a: Float64Array): number {
  let f = 0;
  forEachVoxelSoftmax(samples, o, a, (z, t, v, _p, lse) => {
    f += lse;
    for (let c = 0; c < o.classes; c++) f -= t[c][v] * a[o.group[c]] * z[c][v];
  });
  return f;
}

/**
 * Gradient g_k = Σ_v Σ_{c∈k} z_c (p_c − t_c) and Hessian H_kl = Σ_v Σ_{c∈k} Σ_{d∈l} z_c z_d (δ_cd p_c − p_c p_d)
 * (the log-sum-exp's covariance of z under p, gathered by parameter).
 */
function derivatives(samples: readonly SoftmaxSample[], o: Objective, a: Float64Array): { g: Float64Array; h: Float64Array } {
  const k = o.params;
  const g = new Float64Array(k);
  const h = new Float64Array(k * k);
  const zp = new Float64Array(k); // Σ_{c∈group} z_c p_c of the voxel
  forEachVoxelSoftmax(samples, o, a, (z, t, v, p) => {
    zp.fill(0);
    for (let c = 0; c < o.classes; c++) {
      const zc = z[c][v];
      const gc = o.group[c];
      g[gc] += zc * (p[c] - t[c][v]);
      h[gc * k + gc] += zc * zc * p[c];
      zp[gc] += zc * p[c];
    }
    for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) h[i * k + j] -= zp[i] * zp[j];
  });
  return { g, h };
}

/** Solves H x = b for symmetric positive definite H (Cholesky); null when H is not. */
function solveSpd(h: Float64Array, b: Float64Array): Float64Array | null {
  const k = b.length;
  const l = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j <= i; j++) {
      let s = h[i * k + j];
      for (let m = 0; m < j; m++) s -= l[i * k + m] * l[j * k + m];
      if (i === j) {
        if (!(s > 0)) return null;
        l[i * k + i] = Math.sqrt(s);
      } else l[i * k + j] = s / l[j * k + j];
    }
  }
  const y = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    let s = b[i];
    for (let m = 0; m < i; m++) s -= l[i * k + m] * y[m];
    y[i] = s / l[i * k + i];
  }
  const x = new Float64Array(k);
  for (let i = k - 1; i >= 0; i--) {
    let s = y[i];
    for (let m = i + 1; m < k; m++) s -= l[m * k + i] * x[m];
    x[i] = s / l[i * k + i];
  }
  return x;
}

/**
 * Fits one shared temperature (`temperature`) or one per class (`class-temperatures`) for a softmax
 * model with these output labels (background first).
 */
export function fitSoftmaxTemperature(
  method: SoftmaxMethod,
  samples: readonly SoftmaxSample[],
  labels: readonly string[],
): SoftmaxRecalibration {
  const classes = labels.length;
  if (classes < 2) throw new RecalibrationError('a softmax model has at least two classes');
  const shared = method === 'temperature';
  checkFittable(samples, classes, shared, labels);
  const o: Objective = {
    classes,
    group: Int32Array.from({ length: classes }, (_, c) => (shared ? 0 : c)),
    params: shared ? 1 : classes,
  };
  const a = new Float64Array(o.params).fill(1);
  let f = nll(samples, o, a);
  const next = new Float64Array(o.params);
  for (let it = 0; it < MAX_ITERATIONS; it++) {
    const { g, h } = derivatives(samples, o, a);
    const d = solveSpd(
      h,
      g.map((x) => -x),
    );
    if (!d) throw new RecalibrationError('the logits carry no information about the reference (singular fit)');
    let step = 1;
    const at = (s: number) => {
      for (let i = 0; i < o.params; i++) next[i] = a[i] + s * d[i];
      return nll(samples, o, next);
    };
    let fNext = at(step);
    while (!(fNext <= f) && step > 1e-10) {
      step /= 2;
      fNext = at(step);
    }
    let done = true;
    for (let i = 0; i < o.params; i++) {
      a[i] += step * d[i];
      if (Math.abs(step * d[i]) > STEP_TOLERANCE * Math.max(1, Math.abs(a[i]))) done = false;
    }
    f = fNext;
    if (done) break;
  }
  if (!a.every((x) => x > 0))
    throw new RecalibrationError('the model ranks a class against its reference here: no positive temperature fits');
  return shared
    ? { kind: 'temperature', temperature: 1 / a[0] }
    : { kind: 'class-temperatures', labels: [...labels], temperatures: Array.from(a, (x) => 1 / x) };
}
