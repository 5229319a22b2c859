import { describe, expect, it } from 'vitest';
import type { Vec3 } from '../volume/types';
import { flipPatch, flipVariants } from './flip';
import { cpuPatchEngine, type ModelRunner } from './patchEngine';
import { predict } from './predict';
import { gaussianImportance, windowStarts } from './slidingWindow';

function random(n: number, seed = 1): Float32Array {
  let s = seed;
  return Float32Array.from({ length: n }, () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648 - 0.5;
  });
}
const vox = (d: Vec3) => d[0] * d[1] * d[2];

/** A deterministic, position-dependent fake model: out = 0.7·x0 − 0.3·x1 + 0.01·(flat index). */
const mixModel: ModelRunner = async (x, shape) => {
  const per = shape[2] * shape[3] * shape[4];
  const out = new Float32Array(per);
  for (let v = 0; v < per; v++) out[v] = 0.7 * x[v] - 0.3 * x[per + v] + 0.01 * v;
  return out;
};

/** out(i) = x(i − 1) along i inside the patch, 0 at i = 0: not flip-equivariant. */
const shiftModel: ModelRunner = async (x, shape) => {
  const pi = shape[4];
  const out = new Float32Array(x.length / shape[1]);
  for (let v = 0; v < out.length; v++) out[v] = v % pi === 0 ? 0 : x[v - 1];
  return out;
};

/** out(i) = (x(i−1) + 2x(i) + x(i+1)) / 4 along i with zero outside: flip-equivariant. */
const smoothModel: ModelRunner = async (x, shape) => {
  const pi = shape[4];
  const out = new Float32Array(x.length / shape[1]);
  for (let v = 0; v < out.length; v++) {
    const i = v % pi;
    out[v] = ((i > 0 ? x[v - 1] : 0) + 2 * x[v] + (i < pi - 1 ? x[v + 1] : 0)) / 4;
  }
  return out;
};

describe('window placement and weights', () => {
  it('places nnU-Net windows evenly with the last one on the border', () => {
    // step 32 → ceil((100 − 64) / 32) + 1 = 3 windows, spread 36 / 2 = 18 apart
    expect(windowStarts(100, 64, 0.5)).toEqual([0, 18, 36]);
    expect(windowStarts(64, 64, 0.5)).toEqual([0]);
    expect(windowStarts(40, 64, 0.5)).toEqual([0]);
    expect(windowStarts(128, 64, 0)).toEqual([0, 64]);
  });

  it('uses a flip-symmetric Gaussian of sigma = patch / 8 with max 1', () => {
    const g = gaussianImportance([16, 8, 4]);
    // centre (7.5, 3.5, 1.5); voxel (7, 3, 1) is 0.5 away on each axis: exp(−0.25/(2σ²)) per axis
    const at = (i: number, j: number, k: number) => g[i + 16 * (j + 8 * k)];
    const e = (d: number, s: number) => Math.exp(-(d * d) / (2 * s * s));
    expect(at(7, 3, 1)).toBeCloseTo(1, 6);
    expect(at(0, 3, 1)).toBeCloseTo(e(7.5, 2) / e(0.5, 2), 6);
    expect(at(15, 7, 3)).toBeCloseTo(at(0, 0, 0), 12);
  });

  it('flips are their own inverse', () => {
    const x = random(2 * 5 * 4 * 3);
    const y = new Float32Array(x.length);
    const z = new Float32Array(x.length);
    for (const axes of flipVariants([0, 1, 2])) {
      flipPatch(x, y, 2, [5, 4, 3], axes);
      flipPatch(y, z, 2, [5, 4, 3], axes);
      expect(z).toEqual(x);
    }
    expect(flipVariants([0, 2])).toEqual([[], [0], [2], [0, 2]]);
  });
});

describe('predict (sliding window)', () => {
  it('equals a single forward pass on a volume that fits one patch', async () => {
    const dims: Vec3 = [16, 12, 8];
    const ch = [random(vox(dims), 1), random(vox(dims), 2)];
    const [out] = await predict(cpuPatchEngine(mixModel), ch, dims, { patch: dims, overlap: 0.5, variants: [[]], outChannels: 1 });
    const direct = await mixModel(Float32Array.from([...ch[0], ...ch[1]]), [1, 2, 8, 12, 16]);
    for (let v = 0; v < direct.length; v++) expect(out[v]).toBeCloseTo(direct[v], 5);
  });

  it('gives a constant map for a constant model, whatever the overlap and padding', async () => {
    const constant: ModelRunner = async (x, shape) => new Float32Array(x.length / shape[1]).fill(2.5);
    for (const [dims, patch, overlap] of [
      [[50, 37, 20], [16, 16, 8], 0.5],
      [[50, 37, 5], [16, 16, 8], 0.25], // k smaller than the patch: padded, then cropped
      [[33, 33, 33], [16, 16, 16], 0.8],
    ] as [Vec3, Vec3, number][]) {
      const [out] = await predict(cpuPatchEngine(constant), [random(vox(dims))], dims, { patch, overlap, variants: [[]], outChannels: 1 });
      expect(out.length).toBe(vox(dims));
      for (let v = 0; v < out.length; v++) if (Math.abs(out[v] - 2.5) > 1e-5) throw new Error(`voxel ${v}: ${out[v]}`);
    }
  });

  it('puts every window back where it came from (identity model returns the input)', async () => {
    const dims: Vec3 = [41, 30, 19];
    const x = random(vox(dims), 7);
    const identity: ModelRunner = async (t, shape) => t.slice(0, t.length / shape[1]);
    const [out] = await predict(cpuPatchEngine(identity), [x], dims, {
      patch: [16, 12, 8],
      overlap: 0.5,
      variants: [[], [0], [1, 2]],
      outChannels: 1,
    });
    for (let v = 0; v < x.length; v++) expect(out[v]).toBeCloseTo(x[v], 5);
  });

  it('TTA leaves a flip-equivariant model unchanged', async () => {
    const dims: Vec3 = [12, 10, 6];
    const x = random(vox(dims), 3);
    const opts = { patch: dims, overlap: 0.5, outChannels: 1 };
    const [plain] = await predict(cpuPatchEngine(smoothModel), [x], dims, { ...opts, variants: [[]] });
    const [tta] = await predict(cpuPatchEngine(smoothModel), [x], dims, { ...opts, variants: flipVariants([0, 1, 2]) });
    for (let v = 0; v < x.length; v++) expect(tta[v]).toBeCloseTo(plain[v], 6);
  });

  it('TTA averages a flipped non-equivariant model: shift-by-one becomes the mean of both neighbours', async () => {
    const dims: Vec3 = [12, 4, 2];
    const x = random(vox(dims), 5);
    const [tta] = await predict(cpuPatchEngine(shiftModel), [x], dims, {
      patch: dims,
      overlap: 0.5,
      variants: flipVariants([0]),
      outChannels: 1,
    });
    for (let k = 0; k < 2; k++)
      for (let j = 0; j < 4; j++)
        for (let i = 1; i < 11; i++) {
          const v = i + 12 * (j + 4 * k);
          expect(tta[v]).toBeCloseTo((x[v - 1] + x[v + 1]) / 2, 6);
        }
  });

  it('rejects a model output of the wrong size', async () => {
    const bad: ModelRunner = async () => new Float32Array(3);
    await expect(
      predict(cpuPatchEngine(bad), [random(64)], [4, 4, 4], { patch: [4, 4, 4], overlap: 0, variants: [[]], outChannels: 1 }),
    ).rejects.toThrow(/returned 3 values for a 4×4×4 patch; expected 1 channel\(s\) × 64/);
  });
});
