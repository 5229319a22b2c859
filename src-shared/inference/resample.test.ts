import { describe, expect, it } from 'vitest';
import type { Vec3 } from '../volume/types';
import { dimsAtSpacing, resampleTrilinear } from './resample';

function ramp(dims: Vec3, f: (i: number, j: number, k: number) => number): Float32Array {
  const out = new Float32Array(dims[0] * dims[1] * dims[2]);
  for (let k = 0, o = 0; k < dims[2]; k++) for (let j = 0; j < dims[1]; j++) for (let i = 0; i < dims[0]; i++, o++) out[o] = f(i, j, k);
  return out;
}
const f = (i: number, j: number, k: number) => 3 + 2 * i + 0.5 * j - k;

describe('resampleTrilinear', () => {
  it('is the identity (a copy) when the grid does not change', () => {
    const src = ramp([5, 4, 3], (i, j, k) => Math.sin(i + 10 * j + 100 * k));
    const out = resampleTrilinear(src, [5, 4, 3], [5, 4, 3]);
    expect(out).toEqual(src);
    expect(out).not.toBe(src);
  });

  it('reproduces a linear ramp when halving the grid: output x samples input 2x + 0.5', () => {
    const out = resampleTrilinear(ramp([8, 6, 4], f), [8, 6, 4], [4, 3, 2]);
    const want = ramp([4, 3, 2], (x, y, z) => f(2 * x + 0.5, 2 * y + 0.5, 2 * z + 0.5));
    for (let v = 0; v < want.length; v++) expect(out[v]).toBeCloseTo(want[v], 5);
  });

  it('reproduces the ramp inside when doubling, and clamps to the edge voxel outside', () => {
    // Output x samples input x/2 − 0.25: outside [0, n−1] only at x = 0 and x = 2n − 1.
    const out = resampleTrilinear(ramp([4, 3, 2], f), [4, 3, 2], [8, 6, 4]);
    const pos = (x: number, n: number) => Math.min(Math.max(x / 2 - 0.25, 0), n - 1);
    const want = ramp([8, 6, 4], (x, y, z) => f(pos(x, 4), pos(y, 3), pos(z, 2)));
    for (let v = 0; v < want.length; v++) expect(out[v]).toBeCloseTo(want[v], 5);
    expect(out[0]).toBeCloseTo(f(0, 0, 0), 6); // the corner is clamped, not extrapolated
    expect(out[9]).toBeCloseTo(f(0.25, 0.25, 0), 6); // voxel (1, 1, 0) samples (0.25, 0.25, clamped 0)
  });

  it('sizes the target grid by physical extent', () => {
    expect(dimsAtSpacing([124, 152, 32], [1.5, 1.5, 1.5], [1, 1, 1])).toEqual([186, 228, 48]);
    expect(dimsAtSpacing([181, 217, 181], [1, 1, 1], [1.5, 1.5, 1.5])).toEqual([121, 145, 121]);
    expect(dimsAtSpacing([1, 1, 1], [0.1, 0.1, 0.1], [5, 5, 5])).toEqual([1, 1, 1]);
  });

  it('rejects data that does not match the dims', () => {
    expect(() => resampleTrilinear(new Float32Array(5), [2, 2, 2], [1, 1, 1])).toThrow(/5 values for dims 2×2×2/);
  });
});
