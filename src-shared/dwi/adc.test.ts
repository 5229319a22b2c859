/**
 * The ADC fit against voxelwise computations written out here from the signal equation: a
 * synthetic DWI with a known ADC per region, Rician magnitude noise (|S + n₁ + i·n₂|) and an empty
 * background. Two b-values are checked against the closed-form two-point ADC ln(S_low/S_high)/Δb,
 * several against an ordinary least-squares line solved by its 2×2 normal equations (Cramer's rule).
 */
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../random/mulberry32';
import { backgroundNoiseSigma, canFitAdc, computeAdc, NOISE_MULTIPLE, type AdcInputVolume } from './adc';

const NX = 48;
const NY = 40;
const NZ = 3;
const N = NX * NY * NZ;
const SIGMA = 12;
const S0 = 1000;

/** Known ADC (10⁻⁶ mm²/s) per region: grey-matter-like, infarct-like and CSF-like blocks; 0 = background. */
function regionOf(i: number, j: number): number {
  if (j < 6 || j >= NY - 6 || i < 4 || i >= NX - 4) return 0;
  if (i < 18) return 800;
  if (i < 30) return 450;
  return 2800;
}

function gaussian(rand: () => number): number {
  // Box–Muller; 1 − u keeps the log finite.
  return Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
}

function synthetic(bValues: readonly number[], seed = 7): { volumes: AdcInputVolume[]; truth: Float64Array } {
  const rand = mulberry32(seed);
  const truth = new Float64Array(N);
  for (let k = 0; k < NZ; k++) for (let j = 0; j < NY; j++) for (let i = 0; i < NX; i++) truth[i + NX * (j + NY * k)] = regionOf(i, j);
  const volumes = bValues.map((b) => {
    const data = new Float32Array(N);
    for (let v = 0; v < N; v++) {
      const s = truth[v] > 0 ? S0 * Math.exp(-b * truth[v] * 1e-6) : 0;
      data[v] = Math.hypot(s + SIGMA * gaussian(rand), SIGMA * gaussian(rand));
    }
    return { bValue: b, data };
  });
  return { volumes, truth };
}

function mean(values: number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

describe('computeAdc', () => {
  it('estimates the noise σ from the b = 0 background within 15 %', () => {
    const { volumes } = synthetic([0, 1000]);
    expect(Math.abs(backgroundNoiseSigma(volumes[0].data) - SIGMA) / SIGMA).toBeLessThan(0.15);
  });

  it('equals the closed-form two-point ADC in every unmasked voxel, and masks the background', () => {
    const { volumes, truth } = synthetic([0, 1000]);
    const { adc, noiseSigma, maskedCount } = computeAdc(volumes);
    const [low, high] = volumes.map((v) => v.data);
    let masked = 0;
    let backgroundMasked = 0;
    for (let v = 0; v < N; v++) {
      if (!(low[v] > NOISE_MULTIPLE * noiseSigma)) {
        expect(adc[v]).toBe(0);
        expect(truth[v]).toBe(0); // tissue at S0 = 1000 ≫ 3σ is never masked
        masked++;
        backgroundMasked++;
        continue;
      }
      const expected = (Math.log(low[v] / Math.max(high[v], noiseSigma)) / 1000) * 1e6;
      expect(adc[v]).toBeCloseTo(Math.max(0, expected), 2);
    }
    expect(maskedCount).toBe(masked);
    // Rayleigh noise exceeds 3σ with probability e^(−4.5) ≈ 1.1 %: nearly all the background is masked.
    expect(backgroundMasked / truth.filter((t) => t === 0).length).toBeGreaterThan(0.97);
  });

  it('equals a voxelwise least-squares line over several b-values, and recovers each region’s ADC', () => {
    const bValues = [0, 300, 700, 1000, 1000, 1000];
    const { volumes, truth } = synthetic(bValues, 11);
    const { adc, noiseSigma } = computeAdc(volumes);
    // Normal equations of y = a + c·b: [n Σb; Σb Σb²]·[a c]ᵀ = [Σy Σby]ᵀ, so c = (n·Σby − Σb·Σy)/(n·Σb² − (Σb)²).
    const n = bValues.length;
    const sb = bValues.reduce((a, b) => a + b, 0);
    const sbb = bValues.reduce((a, b) => a + b * b, 0);
    const byRegion = new Map<number, number[]>();
    for (let v = 0; v < N; v++) {
      if (!(volumes[0].data[v] > NOISE_MULTIPLE * noiseSigma)) continue;
      let sy = 0;
      let sby = 0;
      volumes.forEach((vol) => {
        const y = Math.log(Math.max(vol.data[v], noiseSigma));
        sy += y;
        sby += vol.bValue * y;
      });
      const slope = (n * sby - sb * sy) / (n * sbb - sb * sb);
      expect(adc[v]).toBeCloseTo(Math.max(0, -slope * 1e6), 1);
      if (truth[v] > 0) byRegion.set(truth[v], [...(byRegion.get(truth[v]) ?? []), adc[v]]);
    }
    // Rician noise lifts CSF's b = 1000 signal (~5σ) by ~2 %, biasing its ADC low; tissue within 2 %.
    expect(Math.abs(mean(byRegion.get(800) ?? []) - 800) / 800).toBeLessThan(0.02);
    expect(Math.abs(mean(byRegion.get(450) ?? []) - 450) / 450).toBeLessThan(0.02);
    expect(Math.abs(mean(byRegion.get(2800) ?? []) - 2800) / 2800).toBeLessThan(0.06);
  });

  it('takes the lowest b as the reference when there is no b = 0', () => {
    const { volumes } = synthetic([50, 800]);
    const { adc, noiseSigma } = computeAdc(volumes);
    for (let v = 0; v < N; v += 97) {
      if (!(volumes[0].data[v] > NOISE_MULTIPLE * noiseSigma)) continue;
      const expected = (Math.log(volumes[0].data[v] / Math.max(volumes[1].data[v], noiseSigma)) / 750) * 1e6;
      expect(adc[v]).toBeCloseTo(Math.max(0, expected), 2);
    }
  });

  it('needs two distinct b-values', () => {
    expect(canFitAdc([1000, 1000, null])).toBe(false);
    expect(canFitAdc([0, 1000])).toBe(true);
    const { volumes } = synthetic([1000, 1000]);
    expect(() => computeAdc(volumes)).toThrow(/two or more distinct b-values/);
  });
});
