/**
 * Apparent diffusion coefficient from a DWI: per voxel, the log-linear least-squares fit of
 * ln S = ln S0 − b·ADC over every volume (all b-values, all directions, repeats), so the result is
 * the trace ADC that scanners report. The slope does not depend on where b is counted from, so the
 * lowest b (b = 0, or e.g. b = 50 where no b = 0 was acquired) serves as the S0 reference.
 *
 * Noise: the lowest-b image's background (air) is Rayleigh-distributed magnitude noise. Background
 * voxels are those below the Ridler–Calvard (iterative intermeans) threshold of that image, and the
 * noise level σ = median / √(2 ln 2) over them (the Rayleigh median). Voxels whose lowest-b signal
 * is below NOISE_MULTIPLE·σ are masked (ADC 0, as scanners write outside the head). Inside the mask,
 * a signal at or below σ at high b carries no decay information, so it is raised to σ before the log
 * (the fit then gives a lower bound rather than infinity), and a negative fitted ADC (signal rising
 * with b: noise) is written as 0.
 *
 * Output: float32 in 10⁻⁶ mm²/s (b in s/mm²), the unit of clinical ADC maps (brain ~700–900, CSF
 * ~3000, acute infarct < 600). Plain loops over typed arrays: no object per voxel.
 */
import type { VoxelArray } from '../volume/types';

/** Voxels with lowest-b signal below this many noise σ are masked. */
export const NOISE_MULTIPLE = 3;

/** ADC unit: the fit gives mm²/s; maps are stored and shown in 10⁻⁶ mm²/s. */
const TO_MICRO = 1e6;

/** The unit ADC maps carry (VolumeInfo.unit), which also tells the viewer a volume is an ADC map. */
export const ADC_UNIT = '10⁻⁶ mm²/s';

/** The fixed display window of ADC maps, 0 to this (CSF ~3000; infarct < 600 stands out dark). */
export const ADC_WINDOW_MAX = 3000;

export interface AdcInputVolume {
  /** s/mm². */
  bValue: number;
  data: VoxelArray;
}

interface AdcMap {
  /** 10⁻⁶ mm²/s; 0 where masked. */
  adc: Float32Array;
  /** The estimated noise σ of the lowest-b image, in its signal units. */
  noiseSigma: number;
  /** Voxels masked as noise. */
  maskedCount: number;
}

/** True when the volumes' b-values allow a fit: at least two distinct values. */
export function canFitAdc(bValues: readonly (number | null)[]): boolean {
  return new Set(bValues.filter((b): b is number => b !== null && b >= 0)).size >= 2;
}

/** Ridler–Calvard threshold: the midpoint of the two class means, iterated until it settles. */
function intermeansThreshold(data: VoxelArray): number {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  let t = (lo + hi) / 2;
  for (let iter = 0; iter < 100; iter++) {
    let sumBelow = 0;
    let nBelow = 0;
    let sumAbove = 0;
    let nAbove = 0;
    for (let i = 0; i < data.length; i++) {
      const v = data[i];
      if (v <= t) {
        sumBelow += v;
        nBelow++;
      } else {
        sumAbove += v;
        nAbove++;
      }
    }
    if (nBelow === 0 || nAbove === 0) return t;
    const next = (sumBelow / nBelow + sumAbove / nAbove) / 2;
    if (Math.abs(next - t) < 1e-6 * (hi - lo || 1)) return next;
    t = next;
  }
  return t;
}

/**
 * Rayleigh σ of the background (values at or below the intermeans threshold) of the lowest-b image,
 * from the median (σ·√(2 ln 2) for Rayleigh): the background class also holds ghosts and partial-
 * volume edges, which would pull a mean-square estimate far up, but barely move the median.
 */
export function backgroundNoiseSigma(s0: VoxelArray): number {
  const t = intermeansThreshold(s0);
  let n = 0;
  for (let i = 0; i < s0.length; i++) if (s0[i] <= t) n++;
  if (n === 0) return 0;
  const background = new Float32Array(n);
  for (let i = 0, k = 0; i < s0.length; i++) if (s0[i] <= t) background[k++] = s0[i];
  background.sort();
  return background[n >> 1] / Math.sqrt(2 * Math.LN2);
}

export function computeAdc(volumes: readonly AdcInputVolume[]): AdcMap {
  if (!canFitAdc(volumes.map((v) => v.bValue))) throw new Error('An ADC needs volumes at two or more distinct b-values.');
  const n = volumes[0].data.length;
  if (volumes.some((v) => v.data.length !== n)) throw new Error('The DWI volumes differ in size; they are not one grid.');
  const bs = volumes.map((v) => v.bValue);
  const lowest = bs.indexOf(Math.min(...bs));
  // Centred b-values: the slope is Σ (b − b̄)·ln S / Σ (b − b̄)², the intercept term drops out.
  const mean = bs.reduce((a, b) => a + b, 0) / bs.length;
  const centred = bs.map((b) => b - mean);
  const sxx = centred.reduce((a, c) => a + c * c, 0);

  const sigma = backgroundNoiseSigma(volumes[lowest].data);
  const floor = Math.max(sigma, Number.MIN_VALUE);
  const maskBelow = NOISE_MULTIPLE * sigma;
  const s0 = volumes[lowest].data;
  const arrays = volumes.map((v) => v.data);
  const adc = new Float32Array(n);
  let maskedCount = 0;
  for (let i = 0; i < n; i++) {
    if (!(s0[i] > maskBelow)) {
      maskedCount++;
      continue;
    }
    let sxy = 0;
    for (let t = 0; t < arrays.length; t++) sxy += centred[t] * Math.log(Math.max(arrays[t][i], floor));
    const value = (-sxy / sxx) * TO_MICRO;
    adc[i] = value > 0 ? value : 0;
  }
  return { adc, noiseSigma: sigma, maskedCount };
}
