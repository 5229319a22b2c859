import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { squaredEdt } from './edt';
import type { Dims3, Spacing3 } from './grid';

/** O(n²) reference: nearest feature by exhaustive search. */
function bruteSquared(features: Uint8Array, dims: Dims3, s: Spacing3): Float64Array {
  const [nx, ny] = dims;
  const feats: number[][] = [];
  for (let p = 0; p < features.length; p++) {
    if (features[p]) feats.push([p % nx, Math.floor(p / nx) % ny, Math.floor(p / (nx * ny))]);
  }
  const out = new Float64Array(features.length);
  for (let p = 0; p < features.length; p++) {
    const i = p % nx,
      j = Math.floor(p / nx) % ny,
      k = Math.floor(p / (nx * ny));
    let best = Infinity;
    for (const f of feats) {
      const a = (i - f[0]) * s[0],
        b = (j - f[1]) * s[1],
        c = (k - f[2]) * s[2];
      best = Math.min(best, a * a + b * b + c * c);
    }
    out[p] = best;
  }
  return out;
}

describe('squaredEdt', () => {
  it('gives the exact anisotropic distance to a single feature', () => {
    const dims: Dims3 = [5, 4, 3];
    const f = new Uint8Array(60);
    f[0] = 1; // voxel (0,0,0)
    const d = squaredEdt(f, dims, [0.5, 2, 3]);
    // voxel (4,3,2): (4·0.5)² + (3·2)² + (2·3)² = 4 + 36 + 36
    expect(d[4 + 5 * (3 + 4 * 2)]).toBe(76);
    expect(d[0]).toBe(0);
  });

  it('is Infinity everywhere without features', () => {
    const d = squaredEdt(new Uint8Array(8), [2, 2, 2], [1, 1, 1]);
    expect(Array.from(d).every((v) => v === Infinity)).toBe(true);
  });

  it('agrees with an O(n²) brute force on random masks and spacings', () => {
    fc.assert(
      fc.property(
        fc.tuple(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 7 })),
        fc.tuple(
          fc.double({ min: 0.2, max: 4, noNaN: true }),
          fc.double({ min: 0.2, max: 4, noNaN: true }),
          fc.double({ min: 0.2, max: 4, noNaN: true }),
        ),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        fc.double({ min: 0.01, max: 0.5, noNaN: true }),
        (dims, spacing, seed, density) => {
          const n = dims[0] * dims[1] * dims[2];
          const f = new Uint8Array(n);
          let s = seed;
          for (let p = 0; p < n; p++) {
            s = (s * 1103515245 + 12345) & 0x7fffffff;
            f[p] = s / 0x7fffffff < density ? 1 : 0;
          }
          const got = squaredEdt(f, dims, spacing);
          const want = bruteSquared(f, dims, spacing);
          // query-restricted mode: only the values at query voxels are promised
          const q = new Uint8Array(n);
          for (let p = 0; p < n; p++) q[p] = (p * 7919 + seed) % 5 === 0 ? 1 : 0;
          const gotQ = squaredEdt(f, dims, spacing, undefined, q);
          for (let p = 0; p < n; p++) {
            if (want[p] === Infinity) expect(got[p]).toBe(Infinity);
            else expect(Math.abs(got[p] - want[p])).toBeLessThanOrEqual(1e-9 * Math.max(1, want[p]));
            if (q[p]) expect(gotQ[p]).toBe(got[p]);
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});
