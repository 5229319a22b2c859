import { describe, expect, it } from 'vitest';
import {
  halfVotes,
  labelSoftConsensus,
  leaveOneOutMajority,
  majorityOfHalfVotes,
  softValuesOfHalfVotes,
  majorityConsensus,
  majorityThreshold,
  multiLabelMajority,
  softConsensus,
  sumVotes,
  voteWeights,
} from './consensus';

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

describe('per-label consensus (3 raters, 2 certain labels and uncertain = 3, as core/penumbra)', () => {
  // Voxel by voxel, what each rater painted and what the rules give, worked out by hand:
  //   v0: 1 1 2 → label 1 has 2 of 3 votes (a strict majority): 1; soft 1 = 2/3, soft 2 = 1/3
  //   v1: 1 2 3 → no label reaches 2 votes: 0; soft 1 = 1/3, soft 2 = 1/3 (uncertain votes for none)
  //   v2: 2 2 2 → 2; soft 2 = 1
  //   v3: 3 3 1 → uncertain is no class: 0; soft 1 = 1/3
  //   v4: 0 2 2 → 2; soft 2 = 2/3
  //   v5: 0 0 0 → 0
  const raters = [Uint8Array.of(1, 1, 2, 3, 0, 0), Uint8Array.of(1, 2, 2, 3, 2, 0), Uint8Array.of(2, 3, 2, 1, 2, 0)];

  it('majority: the label a strict majority painted, else background', () => {
    expect(Array.from(multiLabelMajority(raters, [1, 2]))).toEqual([1, 0, 2, 0, 2, 0]);
  });

  it('soft reference per label: the mean of the one-hot masks', () => {
    const third = Math.fround(1 / 3),
      twoThirds = Math.fround(2 / 3);
    expect(Array.from(labelSoftConsensus(raters, 1))).toEqual([twoThirds, third, 0, third, 0, 0]);
    expect(Array.from(labelSoftConsensus(raters, 2))).toEqual([third, third, 1, 0, twoThirds, 0]);
  });

  it('even R: half the votes is background, and two labels at half each tie to background', () => {
    const two = [Uint8Array.of(1, 1, 2), Uint8Array.of(1, 2, 0)];
    expect(Array.from(multiLabelMajority(two, [1, 2]))).toEqual([1, 0, 0]);
  });

  it('a value not asked for votes for nothing, and the output may be the caller’s', () => {
    const out = new Uint8Array(6).fill(9);
    expect(multiLabelMajority(raters, [2], out)).toBe(out);
    expect(Array.from(out)).toEqual([0, 0, 2, 0, 2, 0]);
  });
});

describe('half votes: one count grid for the majority, every leave-one-out majority and the soft reference', () => {
  /** Labelmaps of 0, 1, 2 (and a stray 7, which votes for nothing) from a fixed LCG, so runs repeat. */
  function randomRaters(count: number, voxels: number, seed: number): Uint8Array[] {
    let x = seed;
    const next = () => (x = (Math.imul(x, 1103515245) + 12345) >>> 0);
    return Array.from({ length: count }, () => Uint8Array.from({ length: voxels }, () => [0, 0, 1, 2, 7][next() % 5]));
  }

  for (const uncertainAs of ['lesion', 'background', 'half'] as const) {
    it(`gives majorityConsensus of all and of the others, and softConsensus bit for bit (uncertain ${uncertainAs}, 1–6 raters)`, () => {
      for (let count = 1; count <= 6; count++) {
        const raters = randomRaters(count, 400, 17 * count + 3);
        const votes = halfVotes(raters, uncertainAs);
        expect(Array.from(majorityOfHalfVotes(votes, count))).toEqual(Array.from(majorityConsensus(raters, uncertainAs)));
        const values = softValuesOfHalfVotes(count);
        expect(Array.from(votes, (c) => values[c])).toEqual(Array.from(softConsensus(raters, uncertainAs)));
        for (let i = 0; count >= 2 && i < count; i++) {
          const others = raters.filter((_, j) => j !== i);
          expect(Array.from(leaveOneOutMajority(votes, count, raters[i], uncertainAs))).toEqual(
            Array.from(majorityConsensus(others, uncertainAs)),
          );
        }
      }
    });
  }

  it('counts beyond 127 raters without wrapping', () => {
    const raters = Array.from({ length: 130 }, () => Uint8Array.of(1, 2, 0));
    const votes = halfVotes(raters, 'lesion');
    expect(Array.from(votes)).toEqual([260, 260, 0]);
    expect(Array.from(majorityOfHalfVotes(votes, 130))).toEqual([1, 1, 0]);
  });

  it('refuses a leave-one-out of one rater and a labelmap off the grid', () => {
    const votes = halfVotes([Uint8Array.of(1, 0)], 'lesion');
    expect(() => leaveOneOutMajority(votes, 1, Uint8Array.of(1, 0), 'lesion')).toThrow(/at least two raters/);
    expect(() => leaveOneOutMajority(votes, 2, Uint8Array.of(1), 'lesion')).toThrow(/1 voxels, expected 2/);
  });
});
