/**
 * Before/after metrics of a softmax recalibration over a set of cases (issue 17), the multi-class
 * counterparts of report.ts: ECE top-label (%) and classwise, the multi-class Brier
 * (metrics/multiclassCalibration.ts) against the hard reference (each voxel's most weighted class,
 * the raters' majority), the NLL against the targets as fitted, per-class Dice of the argmax, and
 * per case and class V_ref,c = Σt_c, V_exp,c = Σp_c and V_thr,c = #(argmax = c), in ml.
 */
import { brierMulticlass, eceMulticlass, type MulticlassEce } from '../metrics/multiclassCalibration';
import type { SoftmaxSample } from './softmax';

export interface SoftmaxCalibrationCase extends SoftmaxSample {
  readonly caseId: string;
  readonly voxelMl: number;
}

interface SoftmaxCaseVolumes {
  readonly caseId: string;
  /** Per class, in label order (the background's too). */
  readonly refMl: readonly number[];
  readonly expMl: readonly number[];
  readonly thrMl: readonly number[];
}

export interface SoftmaxSetMetrics {
  readonly voxels: number;
  readonly ece: MulticlassEce;
  /** Σ_c (p_c − y_c)² per voxel, mean. */
  readonly brier: number;
  /** Mean per voxel of −Σ_c t_c log p_c, nats, p clipped at 1e-12. */
  readonly nll: number;
  /** Per class: Dice of argmax = c against the hard reference (1 when both are empty). */
  readonly dice: readonly number[];
  /** Per class, means over cases of V_exp,c − V_ref,c and V_thr,c − V_ref,c, ml. */
  readonly meanExpMinusRefMl: readonly number[];
  readonly meanThrMinusRefMl: readonly number[];
  readonly cases: readonly SoftmaxCaseVolumes[];
}

const NLL_CLIP = 1e-12;

/** First argmax of one voxel across class-major arrays. */
function argmax(maps: readonly ArrayLike<number>[], v: number): number {
  let best = 0;
  for (let c = 1; c < maps.length; c++) if (maps[c][v] > maps[best][v]) best = c;
  return best;
}

/** Metrics of `probabilities[i]` (class-major, calibrated or not) for `cases[i]`, pooled over the set. */
export function softmaxSetMetrics(cases: readonly SoftmaxCalibrationCase[], probabilities: readonly Float64Array[][]): SoftmaxSetMetrics {
  const classes = cases[0]?.targets.length ?? 0;
  let n = 0;
  for (const c of cases) n += c.targets[0].length;
  const prob = Array.from({ length: classes }, () => new Float64Array(n));
  const hard = new Uint8Array(n);
  const both = new Float64Array(classes),
    refCount = new Float64Array(classes),
    predCount = new Float64Array(classes);
  let nll = 0;
  let o = 0;
  const volumes: SoftmaxCaseVolumes[] = [];
  cases.forEach((c, i) => {
    const p = probabilities[i];
    const voxels = c.targets[0].length;
    const refMl = new Array<number>(classes).fill(0),
      expMl = new Array<number>(classes).fill(0),
      thrMl = new Array<number>(classes).fill(0);
    for (let v = 0; v < voxels; v++) {
      const y = argmax(c.targets, v);
      const k = argmax(p, v);
      hard[o + v] = y;
      refCount[y]++;
      predCount[k]++;
      if (y === k) both[y]++;
      thrMl[k] += c.voxelMl;
      for (let cl = 0; cl < classes; cl++) {
        prob[cl][o + v] = p[cl][v];
        nll -= c.targets[cl][v] * Math.log(Math.max(NLL_CLIP, p[cl][v]));
        refMl[cl] += c.targets[cl][v] * c.voxelMl;
        expMl[cl] += p[cl][v] * c.voxelMl;
      }
    }
    o += voxels;
    volumes.push({ caseId: c.caseId, refMl, expMl, thrMl });
  });
  const meanOver = (f: (c: SoftmaxCaseVolumes, cl: number) => number) =>
    Array.from({ length: classes }, (_, cl) => volumes.reduce((s, c) => s + f(c, cl), 0) / volumes.length);
  return {
    voxels: n,
    ece: eceMulticlass(prob, hard),
    brier: brierMulticlass(prob, hard),
    nll: n === 0 ? NaN : nll / n,
    dice: Array.from(both, (b, cl) => (refCount[cl] + predCount[cl] === 0 ? 1 : (2 * b) / (refCount[cl] + predCount[cl]))),
    meanExpMinusRefMl: meanOver((c, cl) => c.expMl[cl] - c.refMl[cl]),
    meanThrMinusRefMl: meanOver((c, cl) => c.thrMl[cl] - c.refMl[cl]),
    cases: volumes,
  };
}
