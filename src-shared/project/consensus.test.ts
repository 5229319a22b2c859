import { describe, expect, it } from 'vitest';
import { majorityConsensus, majorityThreshold, softConsensus, sumVotes, voteWeights } from './consensus';

describe('majorityThreshold', () => {
  it('is a strict majority: ⌊R/2⌋ + 1', () => {
    expect([1, 2, 3, 4, 5, 6].map(majorityThreshold)).toEqual([1, 2, 2, 3, 3, 4]);
  });
});

describe('consensus over hand-made raters', () => {
  // Two raters, four voxels: tie cases decide the even-R rule.
  //   A: 1 1 0 2
  //   B: 1 0 0 2
  const two = [Uint8Array.of(1, 1, 0, 2), Uint8Array.of(1, 0, 0, 2)];

  it('needs both of two raters (a 1–1 tie is background)', () => {
    expect(Array.from(majorityConsensus(two, 'lesion'))).toEqual([1, 0, 0, 1]);
    expect(Array.from(majorityConsensus(two, 'background'))).toEqual([1, 0, 0, 0]);
    // Two "uncertain" half votes sum to 1 < 2 needed.
    expect(Array.from(majorityConsensus(two, 'half'))).toEqual([1, 0, 0, 0]);
  });

  it('soft consensus is the mean vote', () => {
    expect(Array.from(softConsensus(two, 'lesion'))).toEqual([1, 0.5, 0, 1]);
    expect(Array.from(softConsensus(two, 'background'))).toEqual([1, 0.5, 0, 0]);
    expect(Array.from(softConsensus(two, 'half'))).toEqual([1, 0.5, 0, 0.5]);
  });

  it('five raters: three votes make a lesion, two do not', () => {
    const r = [1, 1, 1, 0, 0].map((v) => Uint8Array.of(v, 1 - v));
    expect(Array.from(majorityConsensus(r, 'lesion'))).toEqual([1, 0]);
    expect(Array.from(softConsensus(r, 'lesion'))).toEqual([Math.fround(0.6), Math.fround(0.4)]);
  });

  it('writes into a caller-owned output and reports the votes per voxel', () => {
    const out = new Float32Array(4).fill(9);
    expect(sumVotes(two, 'half', out)).toBe(out);
    expect(Array.from(out)).toEqual([2, 1, 0, 1]);
    expect(voteWeights('half')).toEqual([0, 1, 0.5]);
  });

  it('refuses raters on different grids and an empty rater list', () => {
    expect(() => majorityConsensus([Uint8Array.of(1), Uint8Array.of(1, 0)], 'lesion')).toThrow(/must share one grid/);
    expect(() => softConsensus([], 'lesion')).toThrow(/at least one rater/);
  });
});
