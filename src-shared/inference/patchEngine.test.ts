import { describe, expect, it } from 'vitest';
import type { Vec3 } from '../volume/types';
import { flipVariants } from './flip';
import { cpuPatchEngine, isZeroPatch, type ModelRunner, type PatchEngineFactory } from './patchEngine';
import { InferenceCancelledError, predict } from './predict';
import { gaussianImportance, windowOrigins } from './slidingWindow';

/** Not translation- or flip-equivariant, and non-zero on a zero patch: out = x0 + 0.5·x1 + 0.001·(flat index). */
const positional: ModelRunner = async (x, shape) => {
  const per = shape[2] * shape[3] * shape[4];
  const out = new Float32Array(per);
  for (let v = 0; v < per; v++) out[v] = x[v] + 0.5 * x[per + v] + 0.001 * v;
  return out;
};

/** Two channels, zero except a blob in one corner, so most windows are all-zero. */
function cornerBlob(dims: Vec3): Float32Array[] {
  const n = dims[0] * dims[1] * dims[2];
  const a = new Float32Array(n);
  const b = new Float32Array(n);
  for (let k = 0; k < 5; k++)
    for (let j = 0; j < 6; j++)
      for (let i = 0; i < 7; i++) {
        const v = i + dims[0] * (j + dims[1] * k);
        a[v] = 1 + i * 0.1 - j * 0.05;
        b[v] = k * 0.3;
      }
  return [a, b];
}

function counting(runner: ModelRunner): { runner: ModelRunner; shapes: string[] } {
  const shapes: string[] = [];
  return {
    shapes,
    runner: async (x, shape) => {
      shapes.push(`${shape.join('x')}:${x.length}`);
      return runner(x, shape);
    },
  };
}

describe('isZeroPatch (the skip decision)', () => {
  it('is true only when every value of every channel is zero', () => {
    expect(isZeroPatch(new Float32Array(10))).toBe(true);
    expect(isZeroPatch(Float32Array.from([0, -0, 0]))).toBe(true);
    expect(isZeroPatch(Float32Array.from([0, 0, 1e-30]))).toBe(false);
    expect(isZeroPatch(Float32Array.from([0, Number.NaN]))).toBe(false);
  });
});

describe('the patch plan: every model run has the patch shape (static shapes for graph capture)', () => {
  it('pads small or uneven grids so every window is a full patch inside the padded grid', async () => {
    const patch: Vec3 = [8, 6, 4];
    for (const dims of [
      [5, 9, 3],
      [17, 13, 11],
      [8, 6, 4],
    ] as Vec3[]) {
      const c = counting(positional);
      const ch = cornerBlob(dims);
      await predict(cpuPatchEngine(c.runner), ch, dims, { patch, overlap: 0.5, variants: [[]], outChannels: 1 });
      const padded = dims.map((d, a) => Math.max(d, patch[a])) as unknown as Vec3;
      const origins = windowOrigins(padded, patch, 0.5);
      expect(c.shapes).toEqual(origins.map(() => `1x2x4x6x8:${2 * 8 * 6 * 4}`));
      for (const o of origins) for (let a = 0; a < 3; a++) expect(o[a] + patch[a]).toBeLessThanOrEqual(padded[a]);
    }
  });
});

describe('skipping all-zero patches', () => {
  it('gives exactly the map of running every patch, with TTA, and runs the zero patch once', async () => {
    const dims: Vec3 = [30, 26, 14];
    const ch = cornerBlob(dims);
    const opts = { patch: [8, 8, 6] as Vec3, overlap: 0.5, variants: flipVariants([0, 2]), outChannels: 1 };
    const all = counting(positional);
    const skipping = counting(positional);
    let skipped = 0;
    const [want] = await predict(cpuPatchEngine(all.runner), ch, dims, opts);
    const [got] = await predict(cpuPatchEngine(skipping.runner), ch, dims, { ...opts, skipZeroPatches: true, onSkip: () => skipped++ });
    expect(got).toEqual(want);
    const windows = windowOrigins(dims, opts.patch, 0.5).length;
    expect(skipped).toBeGreaterThan(windows / 2);
    // The skipped windows' variants cost one run in all: the cached zero patch.
    expect(skipping.shapes).toHaveLength((windows - skipped) * opts.variants.length + 1);
  });
});

describe('the CPU engine (reference for the GPU accumulation)', () => {
  it('gives Σ_w g·out_w / Σ_w g per voxel, with outputs flipped back per variant', async () => {
    const dims: Vec3 = [11, 9, 7];
    const patch: Vec3 = [6, 5, 4];
    const ch = cornerBlob(dims);
    const variants = flipVariants([1]);
    const [got] = await predict(cpuPatchEngine(positional), ch, dims, { patch, overlap: 0.5, variants, outChannels: 1 });
    // Independently, voxel by voxel: each window's output at patch position p is, for the variant
    // flipped along j, the model's output at the mirrored position on the mirrored input.
    const g = gaussianImportance(patch);
    const [pi, pj, pk] = patch;
    const at = (c: number, i: number, j: number, k: number) => ch[c][i + dims[0] * (j + dims[1] * k)];
    const num = new Float64Array(dims[0] * dims[1] * dims[2]);
    const den = new Float64Array(num.length);
    for (const [oi, oj, ok] of windowOrigins(dims, patch, 0.5))
      for (let k = 0; k < pk; k++)
        for (let j = 0; j < pj; j++)
          for (let i = 0; i < pi; i++) {
            const p = i + pi * (j + pj * k);
            const v = oi + i + dims[0] * (oj + j + dims[1] * (ok + k));
            const plain = at(0, oi + i, oj + j, ok + k) + 0.5 * at(1, oi + i, oj + j, ok + k) + 0.001 * p;
            const mirrored = at(0, oi + i, oj + j, ok + k) + 0.5 * at(1, oi + i, oj + j, ok + k) + 0.001 * (i + pi * (pj - 1 - j + pj * k));
            num[v] += (g[p] * (plain + mirrored)) / 2;
            den[v] += g[p];
          }
    let d = 0;
    for (let v = 0; v < num.length; v++) d = Math.max(d, Math.abs(got[v] - num[v] / den[v]));
    expect(d).toBeLessThan(1e-5);
  });
});

describe('a cancelled run', () => {
  it('discards its engine (freeing GPU buffers) instead of finishing it', async () => {
    const calls: string[] = [];
    const signal = { aborted: false };
    const tracking: PatchEngineFactory = async (g) => {
      const inner = await cpuPatchEngine(positional)(g);
      return {
        add: async (input, origin, axes) => {
          calls.push('add');
          signal.aborted = true; // the user cancels during the first patch
          return inner.add(input, origin, axes);
        },
        finish: () => {
          calls.push('finish');
          return inner.finish();
        },
        discard: () => calls.push('discard'),
      };
    };
    const dims: Vec3 = [24, 8, 8];
    const run = predict(tracking, cornerBlob(dims), dims, { patch: [8, 8, 8], overlap: 0.5, variants: [[]], outChannels: 1, signal });
    await expect(run).rejects.toBeInstanceOf(InferenceCancelledError);
    expect(calls).toEqual(['add', 'discard']);
  });
});
