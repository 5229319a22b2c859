import { describe, expect, it } from 'vitest';
import type { Dims3, Spacing3 } from './grid';
import { emptyMask, fillBall, fillBox, setVoxel } from './shapes';
import { borderDistances, hausdorff, hd95MaxDirected, hd95Pooled, meanOfDirectedMeans, nsdCounts, pooledMean } from './surfaceDistance';
import { maskBox } from './grid';
import { maskRows } from './rows';
import { borderVoxels } from './surfacePoints';

const sorted = (a: Float64Array) => Array.from(a).sort((x, y) => x - y);

describe('border voxels', () => {
  it('are the mask minus its 6-erosion; a 3×3×3 cube keeps only its centre inside', () => {
    const dims: Dims3 = [7, 7, 7];
    const m = fillBox(emptyMask(dims), dims, [2, 2, 2], [4, 4, 4]);
    expect(borderVoxels(m, dims, maskRows(m, dims, maskBox(m, dims))).count).toBe(26);
  });
  it('count the array edge as border: a full 3×3×3 array has 26 border voxels, not 0', () => {
    const dims: Dims3 = [3, 3, 3];
    const m = fillBox(emptyMask(dims), dims, [0, 0, 0], [2, 2, 2]);
    expect(borderVoxels(m, dims, maskRows(m, dims, maskBox(m, dims))).count).toBe(26);
  });
});

describe('border distances on hand-derived cases', () => {
  it('a 3×3×3 cube against the same cube shifted one voxel along i (spacing 2,1,1)', () => {
    // A = [2..4]³, B = A + (1,0,0). A's face i=2 is 2 mm (one voxel of 2 mm) from B's face i=3;
    // 16 border voxels of A lie on B's border (0 mm); A(4,3,3) faces B's interior centre (4,3,3)
    // whose nearest border neighbours are 1 mm away (j or k). Symmetric for B → A.
    const dims: Dims3 = [8, 7, 7];
    const s: Spacing3 = [2, 1, 1];
    const a = fillBox(emptyMask(dims), dims, [2, 2, 2], [4, 4, 4]);
    const b = fillBox(emptyMask(dims), dims, [3, 2, 2], [5, 4, 4]);
    const d = borderDistances(a, b, dims, s);
    const expected = [...new Array(16).fill(0), 1, ...new Array(9).fill(2)];
    expect(sorted(d.predToRef)).toEqual(expected);
    expect(sorted(d.refToPred)).toEqual(expected);
    expect(hausdorff(d)).toBe(2);
    // pooled: 32 zeros, 2 ones, 18 twos; index 51·0.95 = 48.45 lies in the twos
    expect(hd95Pooled(d)).toBe(2);
    // directed: index 25·0.95 = 23.75 lies in the twos (17..25)
    expect(hd95MaxDirected(d)).toBe(2);
    expect(meanOfDirectedMeans(d)).toBeCloseTo(19 / 26, 14);
    expect(pooledMean(d)).toBeCloseTo(38 / 52, 14);
    expect(nsdCounts(d, 1)).toBeCloseTo(34 / 52, 14);
    expect(nsdCounts(d, 2)).toBe(1);
  });

  it('one-voxel lesions 3 voxels apart along i at 0.5 mm are 1.5 mm apart both ways', () => {
    const dims: Dims3 = [6, 3, 3];
    const a = setVoxel(emptyMask(dims), dims, 1, 1, 1);
    const b = setVoxel(emptyMask(dims), dims, 4, 1, 1);
    const d = borderDistances(a, b, dims, [0.5, 1, 1]);
    expect(Array.from(d.predToRef)).toEqual([1.5]);
    expect(Array.from(d.refToPred)).toEqual([1.5]);
    expect(hd95Pooled(d)).toBe(1.5);
  });

  it('treats voxels on the array edge as border: full 2×2×2 array against its corner voxel', () => {
    const dims: Dims3 = [2, 2, 2];
    const full = fillBox(emptyMask(dims), dims, [0, 0, 0], [1, 1, 1]);
    const corner = setVoxel(emptyMask(dims), dims, 0, 0, 0);
    const d = borderDistances(full, corner, dims, [1, 2, 3]);
    expect(Array.from(d.predToRef)).toEqual([0]); // the corner is on the full mask's border
    // from the far voxel (1,1,1) to (0,0,0): sqrt(1 + 4 + 9)
    expect(hausdorff(d)).toBeCloseTo(Math.sqrt(14), 14);
    expect(d.refToPred.length).toBe(8);
  });

  it('a ball against itself has all distances 0', () => {
    const dims: Dims3 = [20, 20, 12];
    const s: Spacing3 = [0.7, 0.7, 1.5];
    const a = fillBall(emptyMask(dims), dims, s, [10, 10, 6], 5);
    const d = borderDistances(a, a.slice(), dims, s);
    expect(hausdorff(d)).toBe(0);
    expect(nsdCounts(d, 0)).toBe(1);
  });

  it('gives Infinity toward an empty mask and nothing from it', () => {
    const dims: Dims3 = [4, 4, 4];
    const a = setVoxel(emptyMask(dims), dims, 1, 1, 1);
    const d = borderDistances(a, emptyMask(dims), dims, [1, 1, 1]);
    expect(Array.from(d.refToPred)).toEqual([Infinity]);
    expect(d.predToRef.length).toBe(0);
  });
});
