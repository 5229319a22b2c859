/**
 * Before/after metrics of a recalibration over a set of cases, from the metrics engine's own
 * functions (ECE in its three named conventions, Brier, Dice, volumes), so the numbers mean what
 * they mean everywhere else in Quorum. ECE, Brier and Dice are pooled over the set's voxels against
 * the hard reference t > 0.5 (the raters' majority: with R raters the soft reference exceeds 0.5
 * exactly where ⌊R/2⌋+1 agree); NLL uses the targets as fitted (soft or hard); V_ref = Σt·voxel.
 */
import { brierScore, eceAll, type EceSet } from '../metrics/calibration';
import { confusion, plainDice } from '../metrics/overlap';
import { expectedVolumeMl, thresholdedVolumeMl } from '../metrics/volume';
import type { LogitSample } from './fit';

/** One reviewed case inside the stated region: its voxels and the voxel volume in ml. */
export interface CalibrationCase extends LogitSample {
  readonly caseId: string;
  readonly voxelMl: number;
}

export interface CaseVolumes {
  readonly caseId: string;
  readonly refMl: number;
  /** Σp·voxel. */
  readonly expMl: number;
  /** #(p > 0.5)·voxel. */
  readonly thrMl: number;
}

export interface SetMetrics {
  readonly voxels: number;
  readonly ece: EceSet;
  readonly brier: number;
  /** Mean per voxel, in nats, with p clipped to [1e-12, 1 − 1e-12] (an isotonic map reaches 0 and 1). */
  readonly nll: number;
  /** Dice of p > 0.5 against the hard reference, 1 when both are empty. */
  readonly dice: number;
  /** Means over cases of the signed volume errors, ml. */
  readonly meanExpMinusRefMl: number;
  readonly meanThrMinusRefMl: number;
  readonly cases: readonly CaseVolumes[];
}

const NLL_CLIP = 1e-12;

function hardReference(targets: Float32Array): Uint8Array {
  const out = new Uint8Array(targets.length);
  for (let v = 0; v < targets.length; v++) out[v] = targets[v] > 0.5 ? 1 : 0;
  return out;
}

/** Metrics of `probabilities[i]` (calibrated or not) for `cases[i]`, pooled over the set. */
export function setMetrics(cases: readonly CalibrationCase[], probabilities: readonly Float64Array[]): SetMetrics {
  let n = 0;
  for (const c of cases) n += c.targets.length;
  const prob = new Float64Array(n);
  const hard = new Uint8Array(n);
  const predicted = new Uint8Array(n);
  let nll = 0;
  let o = 0;
  const volumes: CaseVolumes[] = [];
  cases.forEach((c, i) => {
    const p = probabilities[i];
    prob.set(p, o);
    hard.set(hardReference(c.targets), o);
    for (let v = 0; v < p.length; v++) {
      const q = Math.min(1 - NLL_CLIP, Math.max(NLL_CLIP, p[v]));
      const t = c.targets[v];
      nll -= t * Math.log(q) + (1 - t) * Math.log(1 - q);
      predicted[o + v] = p[v] > 0.5 ? 1 : 0;
    }
    o += p.length;
    volumes.push({
      caseId: c.caseId,
      refMl: expectedVolumeMl(c.targets, c.voxelMl),
      expMl: expectedVolumeMl(p, c.voxelMl),
      thrMl: thresholdedVolumeMl(p, c.voxelMl),
    });
  });
  const mean = (f: (c: CaseVolumes) => number) => volumes.reduce((s, c) => s + f(c), 0) / volumes.length;
  return {
    voxels: n,
    ece: eceAll(prob, hard),
    brier: brierScore(prob, hard),
    nll: n === 0 ? NaN : nll / n,
    dice: plainDice(confusion(hard, predicted), 1),
    meanExpMinusRefMl: mean((c) => c.expMl - c.refMl),
    meanThrMinusRefMl: mean((c) => c.thrMl - c.refMl),
    cases: volumes,
  };
}
