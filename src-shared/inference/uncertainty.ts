/**
 * Probabilities and uncertainty from U samples (ensemble members, or TTA variants of one model),
 * accumulated one sample at a time so memory does not grow with U:
 *   mean p̄ = Σ p_u / U,
 *   predictive entropy H[p̄]            (total uncertainty),
 *   expected entropy   Σ H[p_u] / U    (aleatoric part),
 *   mutual information H[p̄] − Σ H[p_u] / U ≥ 0 (epistemic part: disagreement between samples),
 *   variance           Σ p_u² / U − p̄² (population variance across samples, per output channel).
 * Entropies are in bits. Sigmoid outputs are independent binary labels, so a voxel's entropy is the
 * sum of their binary entropies; softmax outputs are one categorical distribution.
 */
import { calibrate, type Recalibration } from '../calibration/recalibration';
import { inverseTemperatures, type SoftmaxRecalibration } from '../calibration/softmax';

export type Activation = 'sigmoid' | 'softmax';

const LOG2E = 1 / Math.log(2);

/** −p log2 p, 0 at p = 0. */
function plogp(p: number): number {
  return p > 0 ? -p * Math.log(p) * LOG2E : 0;
}

/** Entropy (bits) of one voxel's distribution across `probs[c][v]`. */
function voxelEntropy(probs: readonly ArrayLike<number>[], v: number, activation: Activation): number {
  let h = 0;
  for (const pc of probs) {
    const p = pc[v];
    h += activation === 'sigmoid' ? plogp(p) + plogp(1 - p) : plogp(p);
  }
  return h;
}

/**
 * One class's own uncertainty (issue 14): the binary entropy (bits) of "this voxel is class c",
 * H(p_c) = −p_c log2 p_c − (1 − p_c) log2(1 − p_c), at most 1 bit. For a sigmoid label it is that
 * label's term of the voxel entropy; for a softmax class it is one class against the rest, so each
 * class of a multi-class model has a map of its own (the total entropy over the classes stays the
 * model's entropy map).
 */
export function classEntropy(p: Float32Array): Float32Array {
  const out = new Float32Array(p.length);
  for (let v = 0; v < p.length; v++) out[v] = plogp(p[v]) + plogp(1 - p[v]);
  return out;
}

/** An activation with the recalibration a manifest may carry for it (the manifest schema pairs them). */
export type CalibratedActivation =
  | { readonly activation: 'sigmoid'; readonly recalibration?: Recalibration }
  | { readonly activation: 'softmax'; readonly recalibration?: SoftmaxRecalibration };

/**
 * In place: logits → probabilities. A manifest's recalibration replaces the plain sigmoid (one
 * sigmoid label), or scales each class's logit by 1/T_c before the softmax, per member and TTA
 * variant, so the mean, the entropies and the volumes are all those of the calibrated model.
 */
export function activate(logits: Float32Array[], how: CalibratedActivation): void {
  const n = logits[0].length;
  if (how.activation === 'sigmoid') {
    const cal = how.recalibration;
    for (const ch of logits) for (let v = 0; v < n; v++) ch[v] = cal ? calibrate(cal, ch[v]) : 1 / (1 + Math.exp(-ch[v]));
    return;
  }
  if (how.recalibration) {
    const a = inverseTemperatures(how.recalibration, logits.length);
    logits.forEach((ch, c) => {
      for (let v = 0; v < n; v++) ch[v] *= a[c];
    });
  }
  for (let v = 0; v < n; v++) {
    let max = -Infinity;
    for (const ch of logits) if (ch[v] > max) max = ch[v];
    let sum = 0;
    for (const ch of logits) sum += ch[v] = Math.exp(ch[v] - max);
    for (const ch of logits) ch[v] /= sum;
  }
}

export class UncertaintyAccumulator {
  private readonly sumP: Float32Array[];
  private readonly sumP2: Float32Array[];
  private readonly sumH: Float32Array;
  private count = 0;

  constructor(
    readonly channels: number,
    readonly voxels: number,
    readonly activation: Activation,
  ) {
    this.sumP = Array.from({ length: channels }, () => new Float32Array(voxels));
    this.sumP2 = Array.from({ length: channels }, () => new Float32Array(voxels));
    this.sumH = new Float32Array(voxels);
  }

  /** Add one sample's probabilities (one array per output channel). */
  add(probs: readonly Float32Array[]): void {
    if (probs.length !== this.channels) throw new Error(`uncertainty: expected ${this.channels} channels, got ${probs.length}`);
    for (let c = 0; c < this.channels; c++) {
      const p = probs[c];
      const s = this.sumP[c];
      const s2 = this.sumP2[c];
      for (let v = 0; v < this.voxels; v++) {
        s[v] += p[v];
        s2[v] += p[v] * p[v];
      }
    }
    for (let v = 0; v < this.voxels; v++) this.sumH[v] += voxelEntropy(probs, v, this.activation);
    this.count++;
  }

  get samples(): number {
    return this.count;
  }

  /** Mean probabilities per channel (new arrays). */
  mean(): Float32Array[] {
    const inv = 1 / this.count;
    return this.sumP.map((s) => s.map((x) => x * inv));
  }

  /** Expected entropy Σ H[p_u] / U (bits). */
  expectedEntropy(): Float32Array {
    const inv = 1 / this.count;
    return this.sumH.map((x) => x * inv);
  }

  /** Variance across samples per channel, clamped at 0 against rounding. */
  variance(): Float32Array[] {
    const inv = 1 / this.count;
    return this.sumP.map((s, c) => {
      const s2 = this.sumP2[c];
      const out = new Float32Array(this.voxels);
      for (let v = 0; v < this.voxels; v++) {
        const m = s[v] * inv;
        out[v] = Math.max(s2[v] * inv - m * m, 0);
      }
      return out;
    });
  }
}

/** Entropy of the mean and mutual information, from mean probabilities and the expected entropy. */
export function entropyAndMutualInformation(
  mean: readonly Float32Array[],
  expectedEntropy: Float32Array,
  activation: Activation,
): { entropy: Float32Array; mutualInformation: Float32Array } {
  const n = expectedEntropy.length;
  const entropy = new Float32Array(n);
  const mutualInformation = new Float32Array(n);
  for (let v = 0; v < n; v++) {
    const h = voxelEntropy(mean, v, activation);
    entropy[v] = h;
    mutualInformation[v] = Math.max(h - expectedEntropy[v], 0);
  }
  return { entropy, mutualInformation };
}
