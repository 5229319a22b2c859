/**
 * Fitting a recalibration by minimising the binary negative log-likelihood
 *   NLL = Σ_v softplus(s_v) − t_v·s_v,   s_v the recalibrated logit,
 * over voxels with targets t ∈ [0, 1] (a majority mask gives 0/1, the soft reference its fraction).
 * Temperature (s = a·z, T = 1/a) and Platt (s = a·z + b) are convex in their parameters, so Newton's
 * method with step halving reaches the one minimum; the optimum does not depend on the start or the
 * step rule, which is what lets an independent implementation (calibration/reference.py) agree to
 * 1e-6. Isotonic regression is the pool-adjacent-violators solution on σ(z), which minimises the
 * same NLL among non-decreasing maps (it is also the least-squares one).
 */
import { sigmoid, type Recalibration, type RecalibrationMethod } from './recalibration';

/** The voxels a fit sees: logits and targets of the same length (the stated region only). */
export interface LogitSample {
  readonly logits: Float32Array;
  readonly targets: Float32Array;
}

export class RecalibrationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RecalibrationError';
  }
}

const MAX_ITERATIONS = 100;
const STEP_TOLERANCE = 1e-12;

function softplus(s: number): number {
  return s > 0 ? s + Math.log1p(Math.exp(-s)) : Math.log1p(Math.exp(s));
}

/** Σ NLL of s = a·z + b over every sample. */
function affineNll(samples: readonly LogitSample[], a: number, b: number): number {
  let f = 0;
  for (const { logits, targets } of samples) {
    for (let v = 0; v < logits.length; v++) {
      const s = a * logits[v] + b;
      f += softplus(s) - targets[v] * s;
    }
  }
  return f;
}

/** Gradient and Hessian of the affine NLL in (a, b). */
function affineDerivatives(samples: readonly LogitSample[], a: number, b: number) {
  let ga = 0,
    gb = 0,
    haa = 0,
    hab = 0,
    hbb = 0;
  for (const { logits, targets } of samples) {
    for (let v = 0; v < logits.length; v++) {
      const z = logits[v];
      const p = sigmoid(a * z + b);
      const r = p - targets[v];
      const w = p * (1 - p);
      ga += z * r;
      gb += r;
      haa += z * z * w;
      hab += z * w;
      hbb += w;
    }
  }
  return { ga, gb, haa, hab, hbb };
}

function checkFittable(samples: readonly LogitSample[]): void {
  let n = 0,
    positive = 0;
  for (const { logits, targets } of samples) {
    if (logits.length !== targets.length) throw new RecalibrationError('logits and targets differ in length');
    n += targets.length;
    for (let v = 0; v < targets.length; v++) {
      const t = targets[v];
      if (!(t >= 0 && t <= 1)) throw new RecalibrationError(`target ${t} is outside [0, 1]`);
      positive += t;
    }
  }
  // With no lesion (or no background) voxel the NLL has no minimum: it falls as the logits grow.
  if (positive === 0 || positive === n)
    throw new RecalibrationError('the reference needs both lesion and background voxels in the region to fit a recalibration');
}

/**
 * Newton's method on the affine NLL, with `withBias` false holding b at 0. Each step is halved
 * until the NLL does not increase; it stops when the step is below 1e-12 (relative).
 */
function newtonAffine(samples: readonly LogitSample[], withBias: boolean): { a: number; b: number } {
  checkFittable(samples);
  let a = 1,
    b = 0;
  let f = affineNll(samples, a, b);
  for (let it = 0; it < MAX_ITERATIONS; it++) {
    const d = affineDerivatives(samples, a, b);
    let da: number, db: number;
    if (withBias) {
      const det = d.haa * d.hbb - d.hab * d.hab;
      if (!(det > 0)) throw new RecalibrationError('the logits carry no information about the reference (singular fit)');
      da = -(d.hbb * d.ga - d.hab * d.gb) / det;
      db = -(-d.hab * d.ga + d.haa * d.gb) / det;
    } else {
      if (!(d.haa > 0)) throw new RecalibrationError('the logits carry no information about the reference (singular fit)');
      da = -d.ga / d.haa;
      db = 0;
    }
    let step = 1;
    let fNext = affineNll(samples, a + da, b + db);
    while (fNext > f && step > 1e-10) {
      step /= 2;
      fNext = affineNll(samples, a + step * da, b + step * db);
    }
    a += step * da;
    b += step * db;
    f = fNext;
    if (
      Math.abs(step * da) <= STEP_TOLERANCE * Math.max(1, Math.abs(a)) &&
      Math.abs(step * db) <= STEP_TOLERANCE * Math.max(1, Math.abs(b))
    )
      return { a, b };
  }
  return { a, b };
}

export function fitTemperature(samples: readonly LogitSample[]): Recalibration {
  const { a } = newtonAffine(samples, false);
  if (!(a > 0)) throw new RecalibrationError('the model ranks lesion below background here: no positive temperature fits');
  return { kind: 'temperature', temperature: 1 / a };
}

export function fitPlatt(samples: readonly LogitSample[]): Recalibration {
  const { a, b } = newtonAffine(samples, true);
  if (!(a > 0)) throw new RecalibrationError('the model ranks lesion below background here: no increasing Platt map fits');
  return { kind: 'platt', a, b };
}

/**
 * Pool adjacent violators on (σ(z), t) sorted by σ(z); equal probabilities are pooled first, as
 * scikit-learn does. The result's knots are each block's lowest and highest probability with the
 * block's mean target, so `calibrate` interpolates linearly between blocks.
 */
export function fitIsotonic(samples: readonly LogitSample[]): Recalibration {
  checkFittable(samples);
  let n = 0;
  for (const s of samples) n += s.logits.length;
  const z = new Float32Array(n);
  const t = new Float32Array(n);
  let o = 0;
  for (const s of samples) {
    z.set(s.logits, o);
    t.set(s.targets, o);
    o += s.logits.length;
  }
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((i, j) => z[i] - z[j]);
  // Blocks as parallel arrays: low and high probability, weight and target sum.
  const lo = new Float64Array(n),
    hi = new Float64Array(n),
    w = new Float64Array(n),
    sum = new Float64Array(n);
  let m = 0;
  for (let k = 0; k < n; k++) {
    const p = sigmoid(z[order[k]]);
    const y = t[order[k]];
    if (m > 0 && hi[m - 1] === p) {
      w[m - 1]++;
      sum[m - 1] += y;
    } else {
      lo[m] = hi[m] = p;
      w[m] = 1;
      sum[m] = y;
      m++;
    }
    while (m > 1 && sum[m - 2] / w[m - 2] >= sum[m - 1] / w[m - 1]) {
      hi[m - 2] = hi[m - 1];
      w[m - 2] += w[m - 1];
      sum[m - 2] += sum[m - 1];
      m--;
    }
  }
  const x: number[] = [],
    yOut: number[] = [];
  for (let k = 0; k < m; k++) {
    const mean = sum[k] / w[k];
    x.push(lo[k]);
    yOut.push(mean);
    if (hi[k] > lo[k]) {
      x.push(hi[k]);
      yOut.push(mean);
    }
  }
  return { kind: 'isotonic', x, y: yOut };
}

export function fitRecalibration(method: RecalibrationMethod, samples: readonly LogitSample[]): Recalibration {
  switch (method) {
    case 'temperature':
      return fitTemperature(samples);
    case 'platt':
      return fitPlatt(samples);
    case 'isotonic':
      return fitIsotonic(samples);
  }
}
