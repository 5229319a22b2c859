/**
 * Property tests (fast-check): symmetry, bounds, translation invariance, HD95 ≤ HD, and the fast
 * distance path against an O(n²) brute force over border voxels.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Dims3, Spacing3 } from './grid';
import { confusion, islesDice, mrDice, useDice } from './overlap';
import { borderDistances, hausdorff, hd95MaxDirected, hd95Pooled, meanOfDirectedMeans, pooledMean } from './surfaceDistance';
import { surfaceDiceAt, surfelDistances } from './surfaceDice';
import { evaluateAll } from './conventions/index';

const caseArb = fc
  .record({
    dims: fc.tuple(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 6 })),
    spacing: fc.tuple(
      fc.double({ min: 0.3, max: 3, noNaN: true }),
      fc.double({ min: 0.3, max: 3, noNaN: true }),
      fc.double({ min: 0.3, max: 3, noNaN: true }),
    ),
    seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
    density: fc.double({ min: 0.05, max: 0.7, noNaN: true }),
  })
  .map(({ dims, spacing, seed, density }) => {
    const n = dims[0] * dims[1] * dims[2];
    let s = seed;
    const rnd = () => ((s = (s * 1103515245 + 12345) & 0x7fffffff), s / 0x7fffffff);
    const a = new Uint8Array(n),
      b = new Uint8Array(n);
    for (let p = 0; p < n; p++) {
      a[p] = rnd() < density ? 1 : 0;
      b[p] = rnd() < density ? 1 : 0;
    }
    return { dims: dims as Dims3, spacing: spacing as Spacing3, a, b };
  });

const nonEmpty = (m: Uint8Array) => m.some((v) => v !== 0);

/** Border voxels by definition (a face neighbour outside the mask or the array), then exhaustive nearest search. */
function bruteDirected(from: Uint8Array, to: Uint8Array, dims: Dims3, s: Spacing3): number[] {
  const [nx, ny, nz] = dims;
  const at = (m: Uint8Array, i: number, j: number, k: number) =>
    i >= 0 && j >= 0 && k >= 0 && i < nx && j < ny && k < nz ? m[i + nx * (j + ny * k)] : 0;
  const border = (m: Uint8Array) => {
    const pts: number[][] = [];
    for (let k = 0; k < nz; k++)
      for (let j = 0; j < ny; j++)
        for (let i = 0; i < nx; i++) {
          if (!at(m, i, j, k)) continue;
          if (
            !at(m, i - 1, j, k) ||
            !at(m, i + 1, j, k) ||
            !at(m, i, j - 1, k) ||
            !at(m, i, j + 1, k) ||
            !at(m, i, j, k - 1) ||
            !at(m, i, j, k + 1)
          )
            pts.push([i, j, k]);
        }
    return pts;
  };
  const bt = border(to);
  return border(from).map((p) => {
    let best = Infinity;
    for (const q of bt) {
      const x = (p[0] - q[0]) * s[0],
        y = (p[1] - q[1]) * s[1],
        z = (p[2] - q[2]) * s[2];
      best = Math.min(best, Math.sqrt(x * x + y * y + z * z));
    }
    return best;
  });
}

describe('properties', () => {
  it('Dice is symmetric and within [0, 1] in every convention', () => {
    fc.assert(
      fc.property(caseArb, ({ a, b }) => {
        const ab = confusion(a, b),
          ba = confusion(b, a);
        for (const f of [mrDice, islesDice]) {
          expect(f(ab)).toBe(f(ba));
          expect(f(ab)).toBeGreaterThanOrEqual(0);
          expect(f(ab)).toBeLessThanOrEqual(1);
        }
        const u = useDice(ab, false, false);
        expect(u).toBe(useDice(ba, false, false));
        expect(u).toBeGreaterThanOrEqual(0);
        expect(u).toBeLessThanOrEqual(1);
      }),
      { numRuns: 200 },
    );
  });

  it('distances are unchanged by swapping P and R (symmetric summaries), and HD95 ≤ HD', () => {
    fc.assert(
      fc.property(caseArb, ({ dims, spacing, a, b }) => {
        fc.pre(nonEmpty(a) && nonEmpty(b));
        const d1 = borderDistances(a, b, dims, spacing);
        const d2 = borderDistances(b, a, dims, spacing);
        const rel = (x: number, y: number) => Math.abs(x - y) <= 1e-12 * Math.max(1, Math.abs(y));
        expect(rel(hausdorff(d1), hausdorff(d2))).toBe(true);
        expect(rel(hd95Pooled(d1), hd95Pooled(d2))).toBe(true);
        expect(rel(hd95MaxDirected(d1), hd95MaxDirected(d2))).toBe(true);
        expect(rel(meanOfDirectedMeans(d1), meanOfDirectedMeans(d2))).toBe(true);
        expect(rel(pooledMean(d1), pooledMean(d2))).toBe(true);
        expect(hd95Pooled(d1)).toBeLessThanOrEqual(hausdorff(d1));
        expect(hd95MaxDirected(d1)).toBeLessThanOrEqual(hausdorff(d1));
        const s1 = surfelDistances(a, b, dims, spacing),
          s2 = surfelDistances(b, a, dims, spacing);
        for (const t of [0.5, 2]) expect(rel(surfaceDiceAt(s1, t), surfaceDiceAt(s2, t))).toBe(true);
      }),
      { numRuns: 150 },
    );
  });

  it('translating both masks inside a larger array changes nothing', () => {
    fc.assert(
      fc.property(
        caseArb,
        fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 })),
        ({ dims, spacing, a, b }, off) => {
          // Embed both masks in an array 4 voxels larger per axis at two offsets. Outside the array is
          // background, so touching the array edge must not matter either.
          const big: Dims3 = [dims[0] + 4, dims[1] + 4, dims[2] + 4];
          const place = (m: Uint8Array, o: readonly number[]) => {
            const out = new Uint8Array(big[0] * big[1] * big[2]);
            for (let k = 0; k < dims[2]; k++)
              for (let j = 0; j < dims[1]; j++)
                for (let i = 0; i < dims[0]; i++)
                  out[i + o[0] + big[0] * (j + o[1] + big[1] * (k + o[2]))] = m[i + dims[0] * (j + dims[1] * k)];
            return out;
          };
          const o1 = [1, 1, 1],
            o2 = off;
          const r1 = evaluateAll({ ref: place(a, o1), pred: place(b, o1), dims: big, spacing });
          const r2 = evaluateAll({ ref: place(a, o2), pred: place(b, o2), dims: big, spacing });
          for (const c of ['use', 'isles22', 'metricsreloaded'] as const) {
            const x = r1[c],
              y = r2[c];
            for (const k of ['dice', 'jaccard', 'hd_mm', 'hd95_mm', 'assd_mm', 'masd_mm', 'volume_ref_ml'] as const) {
              const u = x[k],
                v = y[k];
              if (typeof u === 'number' && typeof v === 'number' && Number.isFinite(v))
                expect(Math.abs(u - v)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(v)));
              else expect(u).toEqual(v);
            }
            expect(x.surface_dice).toEqual(y.surface_dice);
            expect(x.lesions).toEqual(y.lesions);
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('the EDT path equals an O(n²) brute force over border voxels', () => {
    fc.assert(
      fc.property(caseArb, ({ dims, spacing, a, b }) => {
        fc.pre(nonEmpty(a) && nonEmpty(b));
        const d = borderDistances(b, a, dims, spacing); // ref = b, pred = a
        const want = bruteDirected(a, b, dims, spacing).sort((x, y) => x - y);
        const got = Array.from(d.predToRef).sort((x, y) => x - y);
        expect(got.length).toBe(want.length);
        got.forEach((g, i) => expect(Math.abs(g - want[i])).toBeLessThanOrEqual(1e-12 * Math.max(1, want[i])));
      }),
      { numRuns: 150 },
    );
  });
});
