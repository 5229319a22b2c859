import { describe, expect, it, vi } from 'vitest';
import { countWithKernel } from './countingKernel';
import { EMPTY_BOX, type Dims3 } from './grid';
import { mulberry32 } from '../random/mulberry32';

/** Σ ref, Σ pred, Σ ref AND pred, the union box and the 0/1 check, one byte at a time. */
function naive(ref: Uint8Array, pred: Uint8Array, d: Dims3) {
  let tp = 0,
    nRef = 0,
    nPred = 0,
    seen = 0;
  const lo = [Infinity, Infinity, Infinity],
    hi = [-1, -1, -1];
  for (let p = 0; p < ref.length; p++) {
    tp += ref[p] & pred[p];
    nRef += ref[p];
    nPred += pred[p];
    seen |= ref[p] | pred[p];
    if (ref[p] || pred[p]) {
      const ijk = [p % d[0], Math.floor(p / d[0]) % d[1], Math.floor(p / (d[0] * d[1]))];
      for (let a = 0; a < 3; a++) {
        lo[a] = Math.min(lo[a], ijk[a]);
        hi[a] = Math.max(hi[a], ijk[a]);
      }
    }
  }
  const box = nRef + nPred === 0 ? EMPTY_BOX : { empty: false, lo, hi };
  return { tp, nRef, nPred, box, binary: seen <= 1 };
}

describe('countWithKernel (the counting pass in WebAssembly SIMD)', () => {
  it('runs in Node: the kernel assembles, validates and compiles', () => {
    expect(countWithKernel(new Uint8Array(64), new Uint8Array(64), [32, 2, 1])).toEqual({
      tp: 0,
      nRef: 0,
      nPred: 0,
      box: EMPTY_BOX,
      binary: true,
    });
  });

  it('declines rows shorter than its 32-byte step (the caller counts voxel by voxel)', () => {
    expect(countWithKernel(new Uint8Array(62), new Uint8Array(62), [31, 2, 1])).toBeNull();
  });

  it('steps aside where compiling WebAssembly is refused (a page without wasm-unsafe-eval): JavaScript counts', async () => {
    vi.resetModules();
    vi.stubGlobal('WebAssembly', {
      validate: () => true,
      Module: function refused() {
        throw new Error('WebAssembly.Module(): refused by Content-Security-Policy');
      },
      Instance: Object,
    });
    try {
      const fresh = await import('./countingKernel');
      const { confusionAndBox } = await import('./overlap');
      const d: Dims3 = [40, 3, 2];
      const ref = new Uint8Array(240),
        pred = new Uint8Array(240);
      ref[50] = pred[50] = pred[239] = 1;
      expect(fresh.countWithKernel(ref, pred, d)).toBeNull();
      const { tp, nRef, nPred, box, binary } = naive(ref, pred, d);
      expect(confusionAndBox(ref, pred, d)).toEqual({
        confusion: { tp, fp: nPred - tp, fn: nRef - tp, tn: 240 - nRef - nPred + tp, nRef, nPred },
        box,
        binary,
      });
    } finally {
      vi.unstubAllGlobals();
      vi.resetModules();
    }
  });

  it('counts and boxes a lone voxel, or refuses a value other than 0/1, at every position of a row', () => {
    // Row lengths with every remainder class of the 32- and 16-byte steps, whose tails are read overlapped.
    for (const nx of [32, 33, 40, 47, 48, 63, 64, 95, 100]) {
      const d: Dims3 = [nx, 2, 2];
      const n = nx * 4;
      for (let p = 0; p < n; p++) {
        for (const [v, inRef] of [
          [1, true],
          [1, false],
          [2, false],
          [255, true],
        ] as const) {
          const ref = new Uint8Array(n),
            pred = new Uint8Array(n);
          (inRef ? ref : pred)[p] = v;
          const got = countWithKernel(ref, pred, d);
          expect(got?.binary).toBe(v === 1);
          if (v === 1) expect(got).toEqual(naive(ref, pred, d));
        }
      }
    }
  });

  it('equals a byte-by-byte count on random masks across chunk boundaries, wide rows and unaligned views', () => {
    const rand = mulberry32(7);
    for (const d of [
      [32, 100, 30],
      [512, 301, 1],
      [77, 50, 20],
      [70_001, 3, 1],
    ] as Dims3[]) {
      for (const offset of [0, 3]) {
        for (const density of [0, 1e-4, 0.01, 0.5, 1]) {
          const n = d[0] * d[1] * d[2];
          const random = () => {
            const m = new Uint8Array(n + offset).subarray(offset);
            for (let p = 0; p < n; p++) m[p] = rand() < density ? 1 : 0;
            return m;
          };
          const ref = random(),
            pred = random();
          expect(countWithKernel(ref, pred, d)).toEqual(naive(ref, pred, d));
        }
      }
    }
  });
});
