import { describe, expect, it } from 'vitest';
import { EMPTY_BOX, maskBox, type Dims3 } from './grid';
import { confusion, confusionAndBox } from './overlap';
import { mulberry32 } from '../random/mulberry32';

const dims: Dims3 = [4, 3, 2];
const at = (i: number, j: number, k: number): number => i + dims[0] * (j + dims[1] * k);

/** The counting pass voxel by voxel, without rows or words: what confusionAndBox must equal on 0/1 masks. */
function naiveCountingPass(ref: Uint8Array, pred: Uint8Array, d: Dims3) {
  const n = d[0] * d[1] * d[2];
  let tp = 0,
    nRef = 0,
    nPred = 0;
  const lo = [Infinity, Infinity, Infinity],
    hi = [-1, -1, -1];
  for (let p = 0; p < n; p++) {
    tp += ref[p] && pred[p] ? 1 : 0;
    nRef += ref[p];
    nPred += pred[p];
    if (ref[p] || pred[p]) {
      const ijk = [p % d[0], Math.floor(p / d[0]) % d[1], Math.floor(p / (d[0] * d[1]))];
      for (let a = 0; a < 3; a++) {
        lo[a] = Math.min(lo[a], ijk[a]);
        hi[a] = Math.max(hi[a], ijk[a]);
      }
    }
  }
  const confusion = { tp, fp: nPred - tp, fn: nRef - tp, tn: n - nRef - nPred + tp, nRef, nPred };
  return { confusion, box: nRef + nPred === 0 ? EMPTY_BOX : { empty: false, lo, hi }, binary: true };
}

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

  it('confusionAndBox tells, in the same pass, whether every voxel is 0 or 1', () => {
    const ref = mask([1, 0, 0]);
    const pred = mask([3, 2, 1]);
    expect(confusionAndBox(ref, pred, dims).binary).toBe(true);
    expect(confusionAndBox(new Uint8Array(24), new Uint8Array(24), dims).binary).toBe(true);
    // A 2 or a 255 anywhere, in either mask, and wherever the other mask is 0 or 1.
    for (const v of [2, 255]) {
      const r = ref.slice();
      r[at(1, 0, 0)] = v;
      expect(confusionAndBox(r, pred, dims).binary).toBe(false);
      const q = pred.slice();
      q[at(0, 2, 1)] = v;
      expect(confusionAndBox(ref, q, dims).binary).toBe(false);
    }
  });

  it('confusionAndBox equals a voxel-by-voxel count on random masks: word rows, odd rows, unaligned views', () => {
    const rand = mulberry32(19);
    for (const d of [
      [8, 3, 5],
      [12, 4, 2],
      [16, 2, 3],
      [7, 3, 3],
      [4, 1, 1],
      // Rows of 32 bytes or more go through the SIMD row scan: multiples of 32, 16 and 4, odd lengths,
      // a whole chunk's worth of rows, and rows longer than a chunk (one row per chunk).
      [32, 3, 2],
      [33, 4, 3],
      [48, 3, 3],
      [100, 5, 2],
      [512, 70, 1],
      [40_004, 2, 2],
    ] as Dims3[]) {
      for (const offset of [0, 1, 4]) {
        for (const density of [0, 0.001, 0.03, 0.3, 1]) {
          const n = d[0] * d[1] * d[2];
          const random = () => {
            const m = new Uint8Array(n + offset).subarray(offset);
            for (let p = 0; p < n; p++) m[p] = rand() < density ? 1 : 0;
            return m;
          };
          const ref = random(),
            pred = random();
          const expected = naiveCountingPass(ref, pred, d);
          expect(confusionAndBox(ref, pred, d)).toEqual(expected);
          expect(confusionAndBox(ref, pred, d, 'javascript')).toEqual(expected);
        }
      }
    }
  });

  it('confusionAndBox finds a lone voxel, or a value other than 0/1, at every position of a row', () => {
    // Each row length ends in a tail shorter than the SIMD scan's 32-byte step, which the scan reads
    // overlapped; a voxel there must still be counted, and a 2 or 255 there still refused.
    for (const d of [[37, 3, 2] as Dims3, [64, 2, 2] as Dims3, [16, 2, 2] as Dims3]) {
      const n = d[0] * d[1] * d[2];
      for (let p = 0; p < n; p++) {
        for (const v of [1, 2, 255]) {
          for (const inRef of [true, false]) {
            const ref = new Uint8Array(n),
              pred = new Uint8Array(n);
            (inRef ? ref : pred)[p] = v;
            const got = confusionAndBox(ref, pred, d);
            expect(got.binary).toBe(v === 1);
            if (v === 1) expect(got).toEqual(naiveCountingPass(ref, pred, d));
          }
        }
      }
    }
  });

  it('refuses masks of the wrong length', () => {
    expect(() => confusion(new Uint8Array(3), new Uint8Array(4))).toThrow('mask lengths differ: 3 vs 4');
    expect(() => confusionAndBox(new Uint8Array(3), new Uint8Array(3), dims)).toThrow('mask length does not match dims');
  });
});
