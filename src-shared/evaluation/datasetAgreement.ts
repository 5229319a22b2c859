/**
 * Dataset-level agreement views the metrics engine does not have: Bland–Altman of the model's
 * volume against the reference volume, and the pooled reliability diagram (positive-class bins,
 * the same bin rule as calibration.ts's `positive-class` ECE, pooled over every case's voxels).
 *
 * Environment-free. The per-case counting pass is the only voxel loop here: typed arrays in, three
 * Float64Array(10) accumulators, nothing allocated per voxel.
 */
import { halfOpenBin } from '../metrics/calibration';
import type { BlandAltman, ReliabilityCounts, ReliabilitySummary } from './datasetTypes';

const RELIABILITY_BINS = 10;

/**
 * Bland–Altman of `model` against `reference` (one value per case): difference = model − reference,
 * mean = (model + reference)/2, bias = mean difference, limits of agreement = bias ± 1.96·SD with
 * the sample SD (n − 1). Cases with a non-finite value on either side are left out.
 */
export function blandAltman(caseIds: readonly string[], model: readonly number[], reference: readonly number[]): BlandAltman {
  if (caseIds.length !== model.length || model.length !== reference.length) {
    throw new Error(
      `blandAltman: ${caseIds.length} case ids, ${model.length} model values and ${reference.length} reference values differ in length`,
    );
  }
  const points: { caseId: string; mean: number; diff: number }[] = [];
  for (let i = 0; i < model.length; i++) {
    const m = model[i];
    const r = reference[i];
    if (!Number.isFinite(m) || !Number.isFinite(r)) continue;
    points.push({ caseId: caseIds[i], mean: (m + r) / 2, diff: m - r });
  }
  const n = points.length;
  let sum = 0;
  for (const p of points) sum += p.diff;
  const bias = n === 0 ? NaN : sum / n;
  let ss = 0;
  for (const p of points) ss += (p.diff - bias) * (p.diff - bias);
  const sd = n < 2 ? NaN : Math.sqrt(ss / (n - 1));
  return { n, bias, sd, loaLow: bias - 1.96 * sd, loaHigh: bias + 1.96 * sd, points };
}

/**
 * One case's reliability counts: voxels, Σp and Σy per positive-class bin. `region` (0/1) limits the
 * voxels, as in calibration.ts; the caller states which region it used. `values`, when given, makes
 * `prob` codes into it (p at voxel i is values[prob[i]]).
 */
export function reliabilityCounts(prob: ArrayLike<number>, ref: Uint8Array, region?: Uint8Array, values?: Float32Array): ReliabilityCounts {
  if (prob.length !== ref.length)
    throw new Error(`reliabilityCounts: probability map (${prob.length}) and reference (${ref.length}) differ in length`);
  if (region && region.length !== ref.length)
    throw new Error(`reliabilityCounts: region (${region.length}) and reference (${ref.length}) differ in length`);
  const n = new Float64Array(RELIABILITY_BINS);
  const sumP = new Float64Array(RELIABILITY_BINS);
  const sumY = new Float64Array(RELIABILITY_BINS);
  for (let i = 0; i < prob.length; i++) {
    if (region && region[i] === 0) continue;
    const p = values ? values[prob[i]] : prob[i];
    const b = halfOpenBin(p);
    n[b]++;
    sumP[b] += p;
    sumY[b] += ref[i];
  }
  return { n: Array.from(n), sumP: Array.from(sumP), sumY: Array.from(sumY) };
}

/**
 * The dataset reliability diagram: every case's counts summed bin by bin, so a case weighs by its
 * voxels. ECE (positive-class, a fraction) = Σ_b (n_b/N)·|freq_b − conf_b| over non-empty bins.
 * Null when no case has counts.
 */
export function pooledReliability(perCase: readonly (ReliabilityCounts | null)[]): ReliabilitySummary | null {
  const n = new Float64Array(RELIABILITY_BINS);
  const sumP = new Float64Array(RELIABILITY_BINS);
  const sumY = new Float64Array(RELIABILITY_BINS);
  let cases = 0;
  for (const c of perCase) {
    if (!c) continue;
    if (c.n.length !== RELIABILITY_BINS || c.sumP.length !== RELIABILITY_BINS || c.sumY.length !== RELIABILITY_BINS) {
      throw new Error(`pooledReliability: expected ${RELIABILITY_BINS} bins per case, got ${c.n.length}/${c.sumP.length}/${c.sumY.length}`);
    }
    cases++;
    for (let b = 0; b < RELIABILITY_BINS; b++) {
      n[b] += c.n[b];
      sumP[b] += c.sumP[b];
      sumY[b] += c.sumY[b];
    }
  }
  if (cases === 0) return null;
  let total = 0;
  for (let b = 0; b < RELIABILITY_BINS; b++) total += n[b];
  let ece = 0;
  const bins = [];
  for (let b = 0; b < RELIABILITY_BINS; b++) {
    const confidence = n[b] === 0 ? NaN : sumP[b] / n[b];
    const frequency = n[b] === 0 ? NaN : sumY[b] / n[b];
    if (n[b] > 0) ece += (n[b] / total) * Math.abs(frequency - confidence);
    bins.push({ lo: b / RELIABILITY_BINS, hi: (b + 1) / RELIABILITY_BINS, count: n[b], confidence, frequency });
  }
  return { convention: 'positive-class', bins, ece: total === 0 ? NaN : ece, voxels: total, cases };
}
