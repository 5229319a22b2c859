import { describe, expect, it } from 'vitest';
import type { Dims3 } from './grid';
import { analyseLesions, islesLesionCounts, labelComponents, mrLesionCounts } from './lesions';
import { emptyMask, fillBox, setVoxel } from './shapes';

const dims: Dims3 = [8, 8, 8];
const S = [1, 1, 1] as const;

describe('connected components', () => {
  it('corner-touching voxels are 2 lesions under 6- and 1 under 26-connectivity', () => {
    const m = setVoxel(setVoxel(emptyMask(dims), dims, 2, 2, 2), dims, 3, 3, 3);
    expect(labelComponents(m, dims, 6).count).toBe(2);
    expect(labelComponents(m, dims, 26).count).toBe(1);
  });
  it('edge-touching voxels are 2 lesions under 6- and 1 under 26-connectivity', () => {
    const m = setVoxel(setVoxel(emptyMask(dims), dims, 2, 2, 2), dims, 3, 3, 2);
    expect(labelComponents(m, dims, 6).count).toBe(2);
    expect(labelComponents(m, dims, 26).count).toBe(1);
  });
  it('merges a U shape whose arms meet late in raster order (union-find)', () => {
    const m = emptyMask(dims);
    fillBox(m, dims, [1, 1, 1], [1, 5, 1]);
    fillBox(m, dims, [5, 1, 1], [5, 5, 1]);
    fillBox(m, dims, [1, 5, 1], [5, 5, 1]);
    expect(labelComponents(m, dims, 6).count).toBe(1);
  });
  it('finds lesions touching the array edge, including the corner voxels', () => {
    const m = setVoxel(setVoxel(emptyMask(dims), dims, 0, 0, 0), dims, 7, 7, 7);
    const a = analyseLesions(m, emptyMask(dims), dims, S, 26);
    expect(a.ref.map((r) => r.centroid)).toEqual([
      [0, 0, 0],
      [7, 7, 7],
    ]);
    expect(a.ref.map((r) => r.voxels)).toEqual([1, 1]);
  });
});

describe('ISLES’22 any-overlap matching', () => {
  it('one predicted blob covering two reference lesions gives TP = 2 and FP = 0', () => {
    const ref = setVoxel(setVoxel(emptyMask(dims), dims, 1, 1, 1), dims, 5, 1, 1);
    const pred = fillBox(emptyMask(dims), dims, [1, 1, 1], [5, 1, 1]);
    const c = islesLesionCounts(analyseLesions(ref, pred, dims, S, 26));
    expect(c).toMatchObject({ n_ref: 2, n_pred: 1, tp: 2, fp: 0, fn: 0, f1: 1, abs_count_diff: 1 });
  });
  it('count difference 0 while one lesion is missed and another is false', () => {
    const ref = setVoxel(emptyMask(dims), dims, 1, 1, 1);
    const pred = setVoxel(emptyMask(dims), dims, 6, 6, 6);
    const c = islesLesionCounts(analyseLesions(ref, pred, dims, S, 26));
    expect(c).toMatchObject({ tp: 0, fp: 1, fn: 1, f1: 0, abs_count_diff: 0 });
  });
  it('F1 = TP/(TP + (FP+FN)/2): 2 found, 1 missed, 1 false → 2/3', () => {
    const ref = emptyMask(dims);
    setVoxel(ref, dims, 0, 0, 0);
    setVoxel(ref, dims, 3, 0, 0);
    setVoxel(ref, dims, 6, 0, 0);
    const pred = emptyMask(dims);
    setVoxel(pred, dims, 0, 0, 0);
    setVoxel(pred, dims, 3, 0, 0);
    setVoxel(pred, dims, 6, 6, 6);
    const c = islesLesionCounts(analyseLesions(ref, pred, dims, S, 26));
    expect(c.f1).toBeCloseTo(2 / 3, 14);
  });
  it('both empty: F1 1, count difference 0', () => {
    const c = islesLesionCounts(analyseLesions(emptyMask(dims), emptyMask(dims), dims, S, 26));
    expect(c).toMatchObject({ tp: 0, fp: 0, fn: 0, f1: 1, abs_count_diff: 0 });
  });
});

describe('MetricsReloaded greedy IoU > 0.5 matching', () => {
  it('IoU exactly 0.5 is not a match', () => {
    const ref = fillBox(emptyMask(dims), dims, [1, 1, 1], [2, 1, 1]); // 2 voxels
    const pred = setVoxel(emptyMask(dims), dims, 1, 1, 1); // 1 voxel inside → IoU 1/2
    const a = analyseLesions(ref, pred, dims, S, 26);
    expect(a.ref[0].bestIou).toBe(0.5);
    expect(mrLesionCounts(a)).toMatchObject({ tp: 0, fp: 1, fn: 1, f1: 0 });
    // ISLES counts the same pair as a hit
    expect(islesLesionCounts(a)).toMatchObject({ tp: 1, fp: 0, fn: 0 });
  });
  it('IoU 2/3 matches; F1 = 2TP/(2TP+FP+FN)', () => {
    const ref = fillBox(emptyMask(dims), dims, [1, 1, 1], [2, 1, 1]);
    const pred = fillBox(emptyMask(dims), dims, [1, 1, 1], [3, 1, 1]);
    setVoxel(pred, dims, 6, 6, 6);
    const c = mrLesionCounts(analyseLesions(ref, pred, dims, S, 26));
    expect(c).toMatchObject({ tp: 1, fp: 1, fn: 0 });
    expect(c.f1).toBeCloseTo(2 / 3, 14);
  });
});
