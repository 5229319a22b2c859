import { describe, expect, it } from 'vitest';
import { EMPTY_BOX, maskBox, type Dims3 } from './grid';
import { confusion, confusionAndBox } from './overlap';

const dims: Dims3 = [4, 3, 2];
const at = (i: number, j: number, k: number): number => i + dims[0] * (j + dims[1] * k);

function mask(...voxels: [number, number, number][]): Uint8Array {
  const m = new Uint8Array(24);
  for (const [i, j, k] of voxels) m[at(i, j, k)] = 1;
  return m;
}

describe('bounding boxes', () => {
  it('maskBox spans the set voxels, inclusive', () => {
    expect(maskBox(mask([1, 0, 0], [3, 2, 1]), dims)).toEqual({ empty: false, lo: [1, 0, 0], hi: [3, 2, 1] });
    // One voxel: lo = hi; several in one row: first and last i of that row.
    expect(maskBox(mask([2, 1, 1]), dims)).toEqual({ empty: false, lo: [2, 1, 1], hi: [2, 1, 1] });
    expect(maskBox(mask([0, 2, 0], [2, 2, 0]), dims)).toEqual({ empty: false, lo: [0, 2, 0], hi: [2, 2, 0] });
  });

  it('an empty mask has the empty box', () => {
    expect(maskBox(new Uint8Array(24), dims)).toEqual(EMPTY_BOX);
    expect(confusionAndBox(new Uint8Array(24), new Uint8Array(24), dims).box).toEqual({ empty: true, lo: [0, 0, 0], hi: [-1, -1, -1] });
  });

  it('confusionAndBox counts and boxes the union of both masks in one pass', () => {
    const ref = mask([1, 0, 0], [3, 2, 1]);
    const pred = mask([3, 2, 1], [0, 1, 1]);
    // R ∩ P = {(3,2,1)}: tp 1; |R| = 2, |P| = 2; fn 1, fp 1; tn = 24 − |R ∪ P| = 24 − 3.
    const expected = { tp: 1, fp: 1, fn: 1, tn: 21, nRef: 2, nPred: 2 };
    const { confusion: c, box } = confusionAndBox(ref, pred, dims);
    expect(c).toEqual(expected);
    expect(box).toEqual({ empty: false, lo: [0, 0, 0], hi: [3, 2, 1] });
    expect(confusion(ref, pred)).toEqual(expected);
  });

  it('refuses masks of the wrong length', () => {
    expect(() => confusion(new Uint8Array(3), new Uint8Array(4))).toThrow('mask lengths differ: 3 vs 4');
    expect(() => confusionAndBox(new Uint8Array(3), new Uint8Array(3), dims)).toThrow('mask length does not match dims');
  });
});
