/**
 * The paths that follow the surfaces against the box paths they replaced (boxReference.testSupport.ts),
 * on random multi-component masks with anisotropic spacing: lesions close to each other, touching
 * the array edge, single voxels, empty masks. Surface distances (border voxels and DeepMind surface
 * corners, listed from the masks and searched with a k-d tree) point for point; lesion analyses
 * (run labelling) field for field, centroids included. Also the k-d tree alone against an exhaustive
 * search.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { boxEdtBorderDistances, boxEdtSurfelDistances, boxLesionAnalysis, unionCrops } from './boxReference.testSupport';
import { analyseLesions } from './lesions';
import type { Dims3, Spacing3 } from './grid';
import { nearestDistances } from './nearestSurface';
import { fillBall, fillBox } from './shapes';
import { mulberry32 } from '../random/mulberry32';
import { borderDistances } from './surfaceDistance';
import { surfelDistances } from './surfaceDice';

/** A blob: a box or a ball, anywhere in the array (partly outside it, so clipped at the edge). */
const blobArb = fc.record({
  ball: fc.boolean(),
  at: fc.tuple(
    fc.double({ min: -0.1, max: 1.1, noNaN: true }),
    fc.double({ min: -0.1, max: 1.1, noNaN: true }),
    fc.double({ min: -0.1, max: 1.1, noNaN: true }),
  ),
  size: fc.tuple(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 3 })),
  radiusMm: fc.double({ min: 0.2, max: 4, noNaN: true }),
});

const caseArb = fc
  .record({
    dims: fc.tuple(fc.integer({ min: 1, max: 30 }), fc.integer({ min: 1, max: 30 }), fc.integer({ min: 1, max: 14 })),
    spacing: fc.tuple(
      fc.double({ min: 0.2, max: 3, noNaN: true }),
      fc.double({ min: 0.2, max: 3, noNaN: true }),
      fc.double({ min: 0.2, max: 5, noNaN: true }),
    ),
    ref: fc.array(blobArb, { maxLength: 7 }),
    pred: fc.array(blobArb, { maxLength: 7 }),
  })
  .map(({ dims, spacing, ref, pred }) => {
    const d = dims as Dims3;
    const paint = (blobs: typeof ref) => {
      const m = new Uint8Array(d[0] * d[1] * d[2]);
      for (const b of blobs) {
        const c = b.at.map((f, a) => Math.round(f * (d[a] - 1)));
        if (b.ball) fillBall(m, d, spacing, c, b.radiusMm);
        else fillBox(m, d, c, [c[0] + b.size[0], c[1] + b.size[1], c[2] + b.size[2]]);
      }
      return m;
    };
    return { dims: d, spacing: spacing as Spacing3, ref: paint(ref), pred: paint(pred) };
  });

/** Salt and pepper: many one-voxel lesions touching by faces, edges and corners. */
const noiseArb = fc
  .record({
    dims: fc.tuple(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 8 })),
    spacing: fc.tuple(
      fc.double({ min: 0.2, max: 3, noNaN: true }),
      fc.double({ min: 0.2, max: 3, noNaN: true }),
      fc.double({ min: 0.2, max: 5, noNaN: true }),
    ),
    density: fc.double({ min: 0.02, max: 0.8, noNaN: true }),
    seed: fc.integer(),
  })
  .map(({ dims, spacing, density, seed }) => {
    const rand = mulberry32(seed);
    const n = dims[0] * dims[1] * dims[2];
    const paint = () => Uint8Array.from({ length: n }, () => (rand() < density ? 1 : 0));
    return { dims: dims as Dims3, spacing: spacing as Spacing3, ref: paint(), pred: paint() };
  });

const anyCaseArb = fc.oneof(caseArb, noiseArb);

function expectSame(got: Float64Array, want: Float64Array): void {
  expect(got.length).toBe(want.length);
  for (let n = 0; n < want.length; n++) {
    if (want[n] === Infinity) expect(got[n]).toBe(Infinity);
    else expect(Math.abs(got[n] - want[n])).toBeLessThanOrEqual(1e-12 * Math.max(1, want[n]));
  }
}

describe('the metrics follow the surfaces, with the box paths’ values', () => {
  it('border-voxel distances equal the box EDT, point for point', () => {
    fc.assert(
      fc.property(anyCaseArb, ({ dims, spacing, ref, pred }) => {
        const got = borderDistances(ref, pred, dims, spacing);
        const want = boxEdtBorderDistances(unionCrops(ref, pred, dims), spacing);
        expectSame(got.predToRef, want.predToRef);
        expectSame(got.refToPred, want.refToPred);
      }),
      { numRuns: 300 },
    );
  });

  it('surface-corner distances and surfel areas equal the box EDT, point for point', () => {
    fc.assert(
      fc.property(anyCaseArb, ({ dims, spacing, ref, pred }) => {
        const got = surfelDistances(ref, pred, dims, spacing);
        const want = boxEdtSurfelDistances(unionCrops(ref, pred, dims), spacing);
        expectSame(got.predToRef, want.predToRef);
        expectSame(got.refToPred, want.refToPred);
        expect(got.refAreas).toEqual(want.refAreas);
        expect(got.predAreas).toEqual(want.predAreas);
      }),
      { numRuns: 300 },
    );
  });

  it('lesion analyses (6 and 26 connectivity) equal the box labelling, centroids to the bit', () => {
    fc.assert(
      fc.property(anyCaseArb, fc.constantFrom(6 as const, 26 as const), ({ dims, spacing, ref, pred }, conn) => {
        expect(analyseLesions(ref, pred, dims, spacing, conn)).toEqual(boxLesionAnalysis(ref, pred, dims, spacing, conn));
      }),
      { numRuns: 300 },
    );
  });

  it('an empty mask gives no points on its side and Infinity on the other', () => {
    const dims: Dims3 = [6, 5, 4];
    const spacing: Spacing3 = [0.7, 1.1, 2.5];
    const m = fillBox(new Uint8Array(120), dims, [1, 1, 1], [3, 2, 2]);
    const e = new Uint8Array(120);
    const d = borderDistances(m, e, dims, spacing);
    expect(d.predToRef.length).toBe(0);
    expect(d.refToPred.length).toBeGreaterThan(0);
    expect(Array.from(d.refToPred).every((v) => v === Infinity)).toBe(true);
    const s = surfelDistances(e, e, dims, spacing);
    expect([s.refToPred.length, s.predToRef.length, s.refAreas.length, s.predAreas.length]).toEqual([0, 0, 0, 0]);
  });

  it('the k-d tree finds the exhaustive minimum of ((δ0·s0)² + (δ1·s1)²) + (δ2·s2)²', () => {
    const pointsArb = (max: number) =>
      fc.array(fc.tuple(fc.integer({ min: -3, max }), fc.integer({ min: -3, max }), fc.integer({ min: 0, max })), { maxLength: 120 });
    fc.assert(
      fc.property(
        pointsArb(40),
        pointsArb(12),
        fc.tuple(
          fc.double({ min: 0.1, max: 4, noNaN: true }),
          fc.double({ min: 0.1, max: 4, noNaN: true }),
          fc.double({ min: 0.1, max: 4, noNaN: true }),
        ),
        (from, to, spacing) => {
          const got = nearestDistances(Int32Array.from(from.flat()), Int32Array.from(to.flat()), spacing);
          from.forEach((q, n) => {
            let best = Infinity;
            for (const p of to) {
              const a = (q[0] - p[0]) * spacing[0],
                b = (q[1] - p[1]) * spacing[1],
                c = (q[2] - p[2]) * spacing[2];
              best = Math.min(best, a * a + b * b + c * c);
            }
            // Both sides form the same expression and take its minimum: equal, not just close.
            expect(got[n]).toBe(Math.sqrt(best));
          });
        },
      ),
      { numRuns: 300 },
    );
  });
});
