import { describe, expect, it } from 'vitest';
import { mrDice } from './overlap';
import { fleissKappa, generalisedEnergyDistance, leaveOneOutDice, majority, pairwiseDice, softReference, useEntropy } from './raters';

// 3 raters, 4 voxels
const r1 = Uint8Array.from([1, 1, 0, 0]);
const r2 = Uint8Array.from([1, 0, 0, 0]);
const r3 = Uint8Array.from([1, 1, 1, 0]);
const raters = [r1, r2, r3];

describe('several raters', () => {
  it('soft reference is the mean and majority needs ⌊R/2⌋+1 votes', () => {
    expect(Array.from(softReference(raters))).toEqual([1, 2 / 3, 1 / 3, 0]);
    expect(Array.from(majority(raters))).toEqual([1, 1, 0, 0]);
    // 2 raters: majority needs both
    expect(Array.from(majority([r1, r2]))).toEqual([1, 0, 0, 0]);
  });
  it('pairwise Dice and leave-one-out against the others’ majority', () => {
    const m = pairwiseDice(raters, mrDice);
    expect(m[0][1]).toBeCloseTo(2 / 3, 15); // |{0}|·2/(2+1)
    expect(m[0][2]).toBeCloseTo(4 / 5, 15);
    expect(m[1][2]).toBeCloseTo(2 / 4, 15);
    expect(m[2][1]).toBe(m[1][2]);
    // others of r1 = {r2, r3}: majority of 2 needs 2 → [1,0,0,0]; Dice(r1, that) = 2/3
    expect(leaveOneOutDice(raters, mrDice)[0]).toBeCloseTo(2 / 3, 15);
  });
  it('USE entropy: mean base-2 entropy over voxels any rater marked', () => {
    // voxel counts 3,2,1 (voxel 4 skipped): H = 0, H(2/3,1/3), H(1/3,2/3)
    const h = -(2 / 3) * Math.log2(2 / 3) - (1 / 3) * Math.log2(1 / 3);
    expect(useEntropy(raters)).toBeCloseTo((0 + h + h) / 3, 15);
  });
  it('Fleiss’ kappa by hand', () => {
    // P_i: n1=3 → 1; n1=2 → (4+1−3)/6 = 1/3; n1=1 → 1/3; n1=0 → 1. P̄ = 2/3.
    // p1 = 6/12 = 0.5 → Pe = 0.5. κ = (2/3 − 1/2)/(1/2) = 1/3
    expect(fleissKappa(raters)).toBeCloseTo(1 / 3, 15);
    // restricted to the first two voxels: P̄ = 2/3, p1 = 5/6, Pe = 26/36
    expect(fleissKappa(raters, Uint8Array.from([1, 1, 0, 0]))).toBeCloseTo((2 / 3 - 26 / 36) / (1 - 26 / 36), 14);
  });
  it('generalised energy distance is 0 between identical sets and positive otherwise', () => {
    expect(generalisedEnergyDistance(raters, raters)).toBeCloseTo(0, 15);
    // {r1} vs {r2}: 2·d(r1,r2) − 0 − 0 = 2·(1 − 1/2)
    expect(generalisedEnergyDistance([r1], [r2])).toBeCloseTo(1, 15);
  });
});
