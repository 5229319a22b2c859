/**
 * evaluateCase on small hand-built cases; every expected value is worked out in the comments from
 * the masks, not read from the code's output.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EvaluationCache, evaluateCase } from './caseEvaluation';
import { KeyedStore, MaskPool } from './sources';
import { withTransfer } from '../volume/freeGrid.testSupport';
import { axisAlignedGeometry } from '../volume/geometry';
import type { CaseSourcesInput, Comparison, EvaluationOptions, RaterSource } from './types';

const dims = [10, 10, 10] as const; // 1 mm voxels: 1 voxel = 0.001 ml
const N = 1000;
const at = (i: number, j: number, k: number) => i + 10 * j + 100 * k;

function box(lo: [number, number, number], hi: [number, number, number], value = 1, into: Uint8Array = new Uint8Array(N)): Uint8Array {
  for (let k = lo[2]; k <= hi[2]; k++) for (let j = lo[1]; j <= hi[1]; j++) for (let i = lo[0]; i <= hi[0]; i++) into[at(i, j, k)] = value;
  return into;
}

const A = () => box([2, 2, 2], [4, 4, 4]); // 27 voxels
const B = () => box([3, 2, 2], [5, 4, 4]); // A shifted +1 along i: overlap 18, each side 9 alone

/** p = 0.75 on A's cube and 0.25 on the slab i = 5 of B's cube (both exact in float32). */
function modelProb(): Float32Array {
  const p = new Float32Array(N);
  const a = A();
  for (let v = 0; v < N; v++) if (a[v]) p[v] = 0.75;
  const slab = box([5, 2, 2], [5, 4, 4]);
  for (let v = 0; v < N; v++) if (slab[v]) p[v] = 0.25;
  return p;
}

const rater = (id: string, labelmap: Uint8Array | null, key = 'v1'): RaterSource => ({ id, name: id, labelmap, key });
const all: EvaluationOptions = { conventions: ['use', 'isles22', 'metricsreloaded'], uncertainAs: 'lesion' };

function threeRaters(): CaseSourcesInput {
  return {
    geometry: { dims, spacingMm: [1, 1, 1], originLps: [10, 20, 30], direction: [-1, 0, 0, 0, -1, 0, 0, 0, 1] },
    raters: [rater('A', A()), rater('B', B()), rater('C', A())],
    model: { id: 'M', name: 'model', probability: modelProb(), key: 'r1', threshold: 0.5 },
  };
}

const find = (cs: readonly Comparison[], kind: Comparison['kind'], ref: string, pred: string) => {
  const c = cs.find((x) => x.kind === kind && x.referenceId === ref && x.predictionId === pred);
  if (!c) throw new Error(`no ${kind} ${ref} → ${pred}`);
  return c;
};

describe('evaluateCase: three raters and a model on cubes', () => {
  const r = evaluateCase(threeRaters(), all);

  it('model against each rater and against the majority (= A: B alone is one vote)', () => {
    // model mask p > 0.5 = A's cube. vs A and C: identical; vs B: TP 18, FP 9, FN 9 → 36/54.
    expect(find(r.comparisons, 'model-rater', 'A', 'M').results.isles22?.dice).toBe(1);
    expect(find(r.comparisons, 'model-rater', 'B', 'M').results.isles22?.dice).toBeCloseTo(2 / 3, 12);
    expect(find(r.comparisons, 'model-rater', 'C', 'M').results.metricsreloaded?.dice).toBe(1);
    const maj = find(r.comparisons, 'model-majority', 'majority', 'M');
    expect(maj.results.isles22?.dice).toBe(1);
    expect(maj.emptyCase).toMatchObject({ refVoxels: 27, predVoxels: 27, refEmpty: false, imageClass: null });
  });

  it('each rater against the majority of the other two (both must agree)', () => {
    // A: others B, C → B∩C = overlap (18); A vs it: TP 18, FP 9, FN 0 → 36/45 = 0.8.
    expect(find(r.comparisons, 'rater-loo', 'loo:A', 'A').results.isles22?.dice).toBeCloseTo(0.8, 12);
    // B: others A, C → A (27); B vs A: 2/3. C like A: 0.8.
    expect(find(r.comparisons, 'rater-loo', 'loo:B', 'B').results.isles22?.dice).toBeCloseTo(2 / 3, 12);
    expect(find(r.comparisons, 'rater-loo', 'loo:C', 'C').results.isles22?.dice).toBeCloseTo(0.8, 12);
  });

  it('rater pairs once each', () => {
    const pairs = r.comparisons.filter((c) => c.kind === 'rater-rater');
    expect(pairs.map((c) => `${c.referenceId}${c.predictionId}`)).toEqual(['AB', 'AC', 'BC']);
    expect(pairs.map((c) => c.results.isles22?.dice)).toEqual([expect.closeTo(2 / 3, 12), 1, expect.closeTo(2 / 3, 12)]);
    // 3 model-rater + 1 model-majority + 3 leave-one-out + 3 pairs
    expect(r.comparisons).toHaveLength(10);
  });

  it('volumes: raters, majority, soft Σ, V_thr, V_exp and the signed gaps', () => {
    const v = r.volumes;
    expect(v.raters.map((x) => x.ml)).toEqual([expect.closeTo(0.027, 12), expect.closeTo(0.027, 12), expect.closeTo(0.027, 12)]);
    expect(v.majorityMl).toBeCloseTo(0.027, 12);
    // soft: 9 voxels 2/3 (A, C), 18 voxels 1, 9 voxels 1/3 (B) → 6 + 18 + 3 = 27 voxels
    expect(v.softMl).toBeCloseTo(0.027, 6);
    // V_thr: 27 voxels with p = 0.75 > 0.5; V_exp: 27·0.75 + 9·0.25 = 22.5 voxels
    expect(v.model?.thresholdedMl).toBeCloseTo(0.027, 12);
    expect(v.model?.expectedMl).toBeCloseTo(0.0225, 12);
    expect(v.model?.thrMinusExpMl).toBeCloseTo(0.0045, 12);
    expect(v.gaps.expMinusMajorityMl).toBeCloseTo(-0.0045, 12);
    expect(v.gaps.thrMinusSoftMl).toBeCloseTo(0, 6);
  });

  it('V_exp is the Σp saved with the result when it carries one (the stored map is quantised)', () => {
    const base = threeRaters();
    if (!base.model) throw new Error('fixture has a model');
    const withSaved = evaluateCase({ ...base, model: { ...base.model, expectedMl: 0.0231 } }, all);
    expect(withSaved.volumes.model?.expectedMl).toBe(0.0231);
    expect(withSaved.volumes.model?.thrMinusExpMl).toBeCloseTo(0.027 - 0.0231, 12);
    // V_thr still comes from the map, and a NaN saved value is not trusted.
    expect(withSaved.volumes.model?.thresholdedMl).toBeCloseTo(0.027, 12);
    expect(evaluateCase({ ...base, model: { ...base.model, expectedMl: NaN } }, all).volumes.model?.expectedMl).toBeCloseTo(0.0225, 12);
  });

  it('model vs the soft reference by the Dice semimetric', () => {
    // Σx = 22.5, Σy = 27, Σ|x−y| = 9·(1/12) + 18·0.25 + 9·(1/12) = 6 → (49.5 − 6)/49.5
    expect(r.soft?.diceDml).toBeCloseTo(43.5 / 49.5, 6);
  });

  it('lesion table: one majority lesion at its centroid, detected by all, best IoUs', () => {
    expect(r.lesions?.referenceId).toBe('majority');
    const rows = r.lesions?.rows ?? [];
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ voxels: 27, centroidVoxel: [3, 3, 3], detectedBy: ['M', 'A', 'B', 'C'] });
    expect(rows[0].volumeMl).toBeCloseTo(0.027, 12);
    // origin (10, 20, 30), i and j point to −L and −P: (10 − 3, 20 − 3, 30 + 3)
    expect(rows[0].centroidLps).toEqual([7, 17, 33]);
    expect(rows[0].nearestVoxel).toEqual([3, 3, 3]);
    expect(rows[0].nearestVoxelLps).toEqual([7, 17, 33]);
    expect(rows[0].bestIou).toEqual({ M: 1, A: 1, B: 0.5, C: 1 });
  });

  it('calibration against the majority: Brier by hand', () => {
    // 27 voxels (0.75 − 1)² + 9 voxels (0.25 − 0)² = 36 · 0.0625 = 2.25 over 1000 voxels
    expect(r.calibration?.brier).toBeCloseTo(0.00225, 12);
    expect(r.calibration?.region).toBe('whole image');
    // bins: p = 0 (964 voxels, none in the majority) → bin 0; p = 0.25 (9, none) → bin 2; p = 0.75 (27, all) → bin 7
    const rel = r.calibration?.reliability;
    expect(rel?.n.filter((n) => n > 0)).toEqual([964, 9, 27]);
    expect([rel?.n[0], rel?.n[2], rel?.n[7]]).toEqual([964, 9, 27]);
    expect([rel?.sumP[2], rel?.sumP[7], rel?.sumY[7], rel?.sumY[2]]).toEqual([2.25, 20.25, 27, 0]);
  });
});

describe('a model result saved as a rater at p > 0.12 is evaluated as its saved mask', () => {
  // The same map as above; at t = 0.12 the mask is A's cube plus the slab i = 5: i = 2..5, 36 voxels.
  // At voxel (0, 0, 0) the float p was 0.1199 (< t, so the saved mask leaves it out), which the
  // uint8 store turned into q = round(0.1199 × 255) = 31, p = 31/255 ≈ 0.1216 > t: p > t of the
  // stored map has 37 voxels, one more than the mask the user saved.
  const saved = (): Uint8Array => box([2, 2, 2], [5, 4, 4]);
  const input = (savedMask?: Uint8Array): CaseSourcesInput => {
    const base = threeRaters();
    const p = modelProb();
    p[at(0, 0, 0)] = 31 / 255;
    return { ...base, model: { id: 'M', name: 'model', probability: p, key: 'r2', threshold: 0.12, ...(savedMask ? { savedMask } : {}) } };
  };

  it('every comparison, V_thr and the lesion table use the saved mask, named with its threshold', () => {
    const r = evaluateCase(input(saved()), all);
    expect(r.model).toEqual({ id: 'M', name: 'model', hasResult: true, threshold: 0.12, mask: 'saved' });
    const maj = find(r.comparisons, 'model-majority', 'majority', 'M');
    expect(maj.predictionLabel).toBe('model (p > 0.12)');
    expect(maj.emptyCase.predVoxels).toBe(36);
    // vs the majority (= A's cube, 27 voxels, all inside the mask): TP 27, FP 9, FN 0 → 54/63.
    expect(maj.results.isles22?.dice).toBeCloseTo(54 / 63, 12);
    // vs B (i = 3..5, also inside): the same counts.
    expect(find(r.comparisons, 'model-rater', 'B', 'M').results.isles22?.dice).toBeCloseTo(54 / 63, 12);
    expect(r.volumes.model?.thresholdedMl).toBeCloseTo(0.036, 12);
    // V_exp is Σp of the map: 27·0.75 + 9·0.25 + 31/255 voxels.
    expect(r.volumes.model?.thrMinusExpMl).toBeCloseTo((36 - 22.5 - Math.fround(31 / 255)) * 0.001, 9);
    // The mask is one component of 36 voxels holding the 27-voxel lesion: IoU 0.75.
    expect(r.lesions?.rows[0].bestIou.M).toBeCloseTo(0.75, 12);
  });

  it("without a saved mask, the mask is p > t of the map, at the model's own t (not 0.5)", () => {
    const r = evaluateCase(input(), all);
    expect(r.model).toMatchObject({ threshold: 0.12, mask: 'thresholded' });
    const maj = find(r.comparisons, 'model-majority', 'majority', 'M');
    expect(maj.emptyCase.predVoxels).toBe(37);
    expect(maj.results.isles22?.dice).toBeCloseTo(54 / 64, 12);
    expect(r.volumes.model?.thresholdedMl).toBeCloseTo(0.037, 12);
  });

  it('refuses a saved mask off the grid and a threshold outside [0, 1)', () => {
    expect(() => evaluateCase(input(new Uint8Array(10)), all)).toThrow(/saved mask has 10 voxels/);
    const bad = input();
    const model = bad.model;
    if (!model) throw new Error('fixture has a model');
    expect(() => evaluateCase({ ...bad, model: { ...model, threshold: 1 } }, all)).toThrow(/threshold must lie in \[0, 1\)/);
  });
});

describe('empty reference', () => {
  // One rater answered "no lesion"; the model predicts 30 voxels (0.030 ml) at p = 0.75.
  const input = (): CaseSourcesInput => {
    const p = new Float32Array(N);
    const blob = box([0, 0, 0], [4, 5, 0]); // 5 × 6 × 1 = 30 voxels
    for (let v = 0; v < N; v++) if (blob[v]) p[v] = 0.75;
    return {
      geometry: axisAlignedGeometry(dims, [1, 1, 1]),
      raters: [rater('A', null)],
      model: { id: 'M', name: 'model', probability: p, key: 'r1', threshold: 0.5 },
    };
  };

  it('Dice is NaN under USE, 0 under ISLES and MetricsReloaded; the class needs T', () => {
    const r = evaluateCase(input(), all);
    const c = find(r.comparisons, 'model-rater', 'A', 'M');
    expect(c.results.use?.dice).toBeNaN();
    expect(c.results.isles22?.dice).toBe(0);
    expect(c.results.metricsreloaded?.dice).toBe(0);
    expect(c.emptyCase).toMatchObject({ refEmpty: true, predEmpty: false, predVoxels: 30, thresholdMl: null, imageClass: null });
    expect(c.emptyCase.predMl).toBeCloseTo(0.03, 12);
    expect(r.raters).toEqual([{ id: 'A', name: 'A', noLesion: true }]);
    expect(r.lesions?.rows).toEqual([]);
  });

  it('with T = 0.05 ml both masks are small: TN; with T = 0.02 the prediction is not: FP', () => {
    const tn = evaluateCase(input(), { ...all, useThresholdMl: 0.05 });
    expect(find(tn.comparisons, 'model-rater', 'A', 'M').emptyCase).toMatchObject({ refSmall: true, predSmall: true, imageClass: 'TN' });
    const fp = evaluateCase(input(), { ...all, useThresholdMl: 0.02 });
    expect(find(fp.comparisons, 'model-rater', 'A', 'M').emptyCase).toMatchObject({ predSmall: false, imageClass: 'FP' });
    expect(find(fp.comparisons, 'model-rater', 'A', 'M').results.use?.image_class).toBe('FP');
  });
});

describe('missing model result', () => {
  it('keeps the model listed without a result and computes the rater comparisons only', () => {
    const input = { ...threeRaters(), model: { id: 'M', name: 'model', probability: null, key: 'none', threshold: 0.5 } };
    const r = evaluateCase(input, { conventions: ['isles22'], uncertainAs: 'lesion' });
    expect(r.model).toMatchObject({ id: 'M', name: 'model', hasResult: false });
    expect(r.comparisons.map((c) => c.kind)).toEqual(['rater-loo', 'rater-loo', 'rater-loo', 'rater-rater', 'rater-rater', 'rater-rater']);
    expect(r.volumes.model).toBeNull();
    expect(r.volumes.gaps).toEqual({ thrMinusMajorityMl: null, expMinusMajorityMl: null, thrMinusSoftMl: null, expMinusSoftMl: null });
    expect(r.soft).toBeNull();
    expect(r.calibration).toBeNull();
    expect(r.lesions?.rows[0].detectedBy).toEqual(['A', 'B', 'C']);
  });
});

describe('uncertain voxels', () => {
  // Rater A: 1 on A's cube; rater B: 2 (uncertain) on the same cube.
  const input = (): CaseSourcesInput => ({
    geometry: axisAlignedGeometry(dims, [1, 1, 1]),
    raters: [rater('A', A()), rater('B', box([2, 2, 2], [4, 4, 4], 2))],
    model: null,
  });

  it('lesion: B is A; background: B is empty; half: B votes ½ (volume 13.5 voxels, majority needs 2 votes → empty)', () => {
    const asLesion = evaluateCase(input(), { conventions: ['isles22'], uncertainAs: 'lesion' });
    expect(find(asLesion.comparisons, 'rater-rater', 'A', 'B').results.isles22?.dice).toBe(1);
    expect(asLesion.volumes.majorityMl).toBeCloseTo(0.027, 12);
    const asBackground = evaluateCase(input(), { conventions: ['isles22'], uncertainAs: 'background' });
    expect(find(asBackground.comparisons, 'rater-rater', 'A', 'B').results.isles22?.dice).toBe(0);
    expect(asBackground.volumes.raters[1].ml).toBe(0);
    const half = evaluateCase(input(), { conventions: ['isles22'], uncertainAs: 'half' });
    expect(half.volumes.raters[1].ml).toBeCloseTo(0.0135, 12);
    // 1 + ½ = 1.5 votes < ⌊2/2⌋ + 1 = 2
    expect(half.volumes.majorityMl).toBe(0);
    expect(half.volumes.softMl).toBeCloseTo(27 * 0.75 * 0.001, 8);
  });
});

describe('incremental recompute', () => {
  it('reuses every comparison when nothing changed and only those touching an edited rater', () => {
    const cache = new EvaluationCache();
    const first = evaluateCase(threeRaters(), all, cache);
    expect(first.computed).toMatchObject({ comparisons: 10, cached: 0 });
    const again = evaluateCase(threeRaters(), all, cache);
    expect(again.computed).toMatchObject({ comparisons: 0, cached: 10 });
    // B edited (new key): model–B, model–majority, the three leave-one-outs and pairs AB, BC change;
    // model–A, model–C and pair AC are reused.
    const edited = threeRaters();
    const b = box([3, 2, 2], [6, 4, 4]);
    const next = { ...edited, raters: [edited.raters[0], rater('B', b, 'v1+edit1'), edited.raters[2]] };
    const r = evaluateCase(next, all, cache);
    expect(r.computed).toMatchObject({ comparisons: 7, cached: 3 });
    // B now 4 × 3 × 3 = 36 voxels, overlap with A 18: Dice 36/63
    expect(find(r.comparisons, 'rater-rater', 'A', 'B').results.isles22?.dice).toBeCloseTo(36 / 63, 12);
  });
});

describe('memory between calls', () => {
  it('keeps the raters’ half votes, one grid, and no mask; a mask read again after a call is made again, the same', () => {
    const cache = new EvaluationCache();
    const first = evaluateCase(threeRaters(), all, cache);
    expect(cache.votes.size).toBe(1);
    expect(cache.masks.size).toBe(0);
    expect(cache.pool.size).toBe(0);
    // Options alone changed: every mask is made again from the kept votes, and the numbers agree
    // with a cold evaluation (nothing read a recycled buffer).
    const conventions: EvaluationOptions = { ...all, conventions: ['isles22'] };
    const warm = evaluateCase(threeRaters(), conventions, cache);
    const cold = evaluateCase(threeRaters(), conventions);
    expect(warm.comparisons).toEqual(cold.comparisons);
    expect(warm.volumes).toEqual(first.volumes);
    expect(warm.soft).toEqual(first.soft);
  });
});

describe('MaskPool', () => {
  it('holds at most its capacity and reuses the buffer of the mask it drops', () => {
    const pool = new MaskPool(2);
    let made = 0;
    const fill = (v: number) => (out: Uint8Array) => {
      made++;
      return out.fill(v);
    };
    const a = pool.get('a', 4, fill(1));
    pool.get('b', 4, fill(2));
    expect(pool.get('a', 4, fill(9))).toBe(a); // a hit: not made again, now the most recent
    const c = pool.get('c', 4, fill(3)); // drops b, the least recently used
    expect(made).toBe(3);
    expect(pool.size).toBe(2);
    expect(Array.from(c)).toEqual([3, 3, 3, 3]);
    expect(Array.from(pool.get('b', 4, fill(2)))).toEqual([2, 2, 2, 2]); // made again, into a's buffer
    expect(made).toBe(4);
    expect(() => new MaskPool(1)).toThrow(/two masks of a pair/);
  });
});

describe('grids freed when let go (freeGrid.ts, as in the renderer)', () => {
  let restore: () => void;
  beforeAll(() => (restore = withTransfer()));
  afterAll(() => restore());

  it('the pool frees the grids it allocated when the call ends, never an array it did not allocate', () => {
    const pool = new MaskPool(2);
    const foreign = Uint8Array.of(1, 0, 1, 0);
    const a = pool.get('a', 4, (out) => out.fill(1));
    const f = pool.get('f', 4, () => foreign);
    expect(f).toBe(foreign);
    pool.clear();
    expect(a.length).toBe(0);
    expect(Array.from(foreign)).toEqual([1, 0, 1, 0]);
    expect(Array.from(pool.get('a', 4, (out) => out.fill(2)))).toEqual([2, 2, 2, 2]); // a new grid
  });

  it('a store disposes of what a sweep drops and of everything when cleared', () => {
    const dropped: string[] = [];
    const store = new KeyedStore<string>((v) => dropped.push(v));
    store.get('x', () => 'X');
    store.get('y', () => 'Y');
    store.sweep(); // both used in the generation that ended
    store.get('x', () => 'X2');
    store.sweep();
    expect(dropped).toEqual(['Y']);
    store.clear();
    expect(dropped).toEqual(['Y', 'X']);
  });

  it('a store making a value the call needs one of drops the unused ones first', () => {
    const dropped: string[] = [];
    const store = new KeyedStore<string>((v) => dropped.push(v));
    store.get('old', () => 'OLD');
    store.sweep();
    store.get('kept', () => 'KEPT'); // used in this generation: stays
    expect(store.getReplacing('new', () => (dropped.includes('OLD') ? 'NEW' : 'made while OLD was held'))).toBe('NEW');
    expect(dropped).toEqual(['OLD']);
    expect(store.getReplacing('new', () => 'again')).toBe('NEW'); // a hit drops nothing
    expect(store.size).toBe(2);
  });

  it('evaluations with freed grids give the numbers a cold evaluation gives, across edits, options and a case switch', () => {
    const cache = new EvaluationCache();
    evaluateCase(threeRaters(), all, cache);
    const edited = threeRaters();
    const next = { ...edited, raters: [edited.raters[0], rater('B', box([3, 2, 2], [6, 4, 4]), 'v1+edit1'), edited.raters[2]] };
    for (const [input, options] of [
      [next, all],
      [next, { ...all, uncertainAs: 'half' as const }],
      [threeRaters(), { ...all, conventions: ['isles22' as const] }],
    ] as const) {
      const warm = evaluateCase(input, options, cache);
      const cold = evaluateCase(input, options);
      expect(warm.comparisons).toEqual(cold.comparisons);
      expect(warm.volumes).toEqual(cold.volumes);
    }
    expect(cache.pool.size).toBe(0);
    cache.release();
    expect(cache.votes.size).toBe(0);
    const again = evaluateCase(threeRaters(), all, cache);
    expect(again.comparisons).toEqual(evaluateCase(threeRaters(), all).comparisons);
  });
});

describe('bad input', () => {
  it('names the source whose grid does not fit', () => {
    const input = { ...threeRaters(), raters: [rater('A', new Uint8Array(999))] };
    expect(() => evaluateCase(input, all)).toThrow(/rater A's labelmap has 999 voxels but the case grid 10×10×10 has 1000/);
  });
  it('refuses probabilities outside [0, 1] and a negative threshold', () => {
    const p = modelProb();
    p[7] = 1.5;
    expect(() => evaluateCase({ ...threeRaters(), model: { id: 'M', name: 'm', probability: p, key: 'x', threshold: 0.5 } }, all)).toThrow(
      /1.5 at voxel 7/,
    );
    expect(() => evaluateCase(threeRaters(), { ...all, useThresholdMl: -1 })).toThrow(/USE threshold/);
    expect(() => evaluateCase(threeRaters(), { ...all, conventions: [] })).toThrow(/at least one convention/);
  });
});

describe('evaluateCase per label (a table with core 1, penumbra 2, uncertain 3)', () => {
  // A and C: core on A's cube, penumbra on the 8-voxel box [6..7]³. B: core on B's cube, penumbra on
  // the 2 voxels i = 6..7 at j = k = 6, and the box's 6 other voxels marked uncertain (3).
  const penumbra = () => box([6, 6, 6], [7, 7, 7], 2);
  const a = () => box([2, 2, 2], [4, 4, 4], 1, penumbra());
  const b = box([3, 2, 2], [5, 4, 4], 1, box([6, 6, 6], [7, 7, 6], 2, box([6, 6, 6], [7, 7, 7], 3)));
  b[at(7, 7, 6)] = 3;
  b[at(6, 7, 6)] = 3;
  const input: CaseSourcesInput = { ...threeRaters(), raters: [rater('A', a()), rater('B', b), rater('C', a())] };
  const r = evaluateCase(input, { ...all, labels: [1, 2] });
  // Each label's result and the mean are keyed by convention; only MetricsReloaded's Dice is read here.
  const mrDice = (x: object | undefined) => (x as { metricsreloaded?: { dice?: unknown } } | undefined)?.metricsreloaded?.dice;

  it('rater pairs: each label on its own, uncertain in no label, and the label mean', () => {
    // Core: A's cube vs B's, Dice 36/54 = 2/3. Penumbra: A's 8 voxels vs B's 2, both inside: 2·2/10 = 0.4
    // (with B's uncertain voxels as penumbra it would be 1). Mean over the two labels: 8/15.
    const ab = find(r.comparisons, 'rater-rater', 'A', 'B').perLabel;
    expect(mrDice(ab?.labels['1'])).toBeCloseTo(2 / 3, 12);
    expect(mrDice(ab?.labels['2'])).toBeCloseTo(0.4, 12);
    expect(mrDice(ab?.label_mean)).toBeCloseTo(8 / 15, 12);
  });

  it('the model against the multi-label majority: p > t is label 1', () => {
    // Majority (2 of 3): core on A's cube (B's slab i = 5 has one vote), penumbra on the whole box
    // (A and C). The model's mask p > 0.5 is A's cube as 1: core Dice 1, penumbra missed, Dice 0.
    const m = find(r.comparisons, 'model-majority', 'majority', 'M').perLabel;
    expect(mrDice(m?.labels['1'])).toBe(1);
    expect(mrDice(m?.labels['2'])).toBe(0);
  });

  it("volumes per label: voxels of the value × vv, V_soft the raters' mean, the model's mask as label 1", () => {
    // 1 voxel = 0.001 ml. Core: A, B, C 27 voxels each, the majority A's cube (27), the model p > 0.5
    // A's cube (27). Penumbra: A and C 8, B 2 (its 6 uncertain voxels are no label's), the majority 8,
    // V_soft (8 + 2 + 8) / 3 = 6 voxels, the model none.
    const [core, pen] = r.labels ?? [];
    expect(core.label).toBe(1);
    expect(core.volumes.raters.map((x) => [x.id, x.ml])).toEqual([
      ['A', 0.027],
      ['B', 0.027],
      ['C', 0.027],
    ]);
    expect(core.volumes.majorityMl).toBeCloseTo(0.027, 15);
    expect(core.volumes.modelMl).toBeCloseTo(0.027, 15);
    expect(pen.label).toBe(2);
    expect(pen.volumes.raters.map((x) => x.ml)).toEqual([0.008, 0.002, 0.008]);
    expect(pen.volumes.majorityMl).toBeCloseTo(0.008, 15);
    expect(pen.volumes.softMl).toBeCloseTo(0.006, 15);
    expect(pen.volumes.modelMl).toBe(0);
  });

  it("lesions per label: the majority's components of each value, detected by each source's voxels of it", () => {
    // Core: one lesion, A's cube (27 voxels, centroid (3, 3, 3)), touched by the model and all three
    // raters. Penumbra: one lesion, the box [6..7]³ (8 voxels, centroid 6.5), touched by A, B (its 2
    // penumbra voxels lie inside) and C, not by the model (p > 0.5 is label 1 only).
    const [core, pen] = (r.labels ?? []).map((l) => l.lesions);
    expect(core?.rows.map((x) => [x.voxels, x.centroidVoxel, x.detectedBy])).toEqual([[27, [3, 3, 3], ['M', 'A', 'B', 'C']]]);
    expect(pen?.rows.map((x) => [x.voxels, x.centroidVoxel, x.detectedBy])).toEqual([[8, [6.5, 6.5, 6.5], ['A', 'B', 'C']]]);
    // B's best penumbra component (2 voxels) against the 8-voxel lesion: IoU 2/8.
    expect(pen?.rows[0].bestIou.B).toBeCloseTo(0.25, 12);
  });

  it('without labels (the stroke table) there is no per-label result', () => {
    const plain = evaluateCase(input, all);
    expect(plain.comparisons.every((c) => c.perLabel === undefined)).toBe(true);
    expect(plain.labels).toBeUndefined();
  });
});
