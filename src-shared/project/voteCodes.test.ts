import { describe, expect, it } from 'vitest';
import { voteCodes } from './voteCodes';
import { raters } from './raterRows.testSupport';

describe('voteCodes', () => {
  it('gives each voxel the code of its counts of 1s and 2s, code 0 for no vote, with a histogram', () => {
    const v = voteCodes(
      raters([
        [0, 0, 0],
        [1, 0, 2],
        [2, 1, 0], // the same counts as the row above, whichever raters gave them
        [1, 1, 1],
        [3, 0, 0], // any other value is no vote in the binary reading
      ]),
    );
    expect(v.raterCount).toBe(3);
    expect(v.label).toBeNull();
    expect(Array.from(v.codes, (c) => v.counts[c])).toEqual([
      { ones: 0, twos: 0 },
      { ones: 1, twos: 1 },
      { ones: 1, twos: 1 },
      { ones: 3, twos: 0 },
      { ones: 0, twos: 0 },
    ]);
    expect(v.counts[0]).toEqual({ ones: 0, twos: 0 });
    expect(v.codes[1]).toBe(v.codes[2]);
    expect(Array.from(v.histogram)).toEqual(v.counts.map((_, c) => v.codes.filter((x) => x === c).length));
  });

  it('one label: the code is the number of raters who painted it', () => {
    const v = voteCodes(
      raters([
        [2, 2, 1],
        [1, 3, 0],
        [2, 0, 2],
      ]),
      2,
    );
    expect(Array.from(v.codes)).toEqual([2, 0, 2]);
    expect(v.counts[2]).toEqual({ ones: 2, twos: 0 });
    expect(Array.from(v.histogram)).toEqual([1, 0, 2, 0]);
  });

  it('holds every combination of 21 raters (253 codes), and says so when a case needs more than 256', () => {
    // One voxel per (ones, twos) pair with ones + twos ≤ R.
    const pairs = (r: number) => {
      const rows: number[][] = [];
      for (let ones = 0; ones <= r; ones++)
        for (let twos = 0; ones + twos <= r; twos++)
          rows.push(Array.from({ length: r }, (_, k) => (k < ones ? 1 : k < ones + twos ? 2 : 0)));
      return rows;
    };
    const v = voteCodes(raters(pairs(21)));
    expect(v.counts.length).toBe(253);
    expect(new Set(v.codes).size).toBe(253);
    expect(() => voteCodes(raters(pairs(22)))).toThrow(/22 raters' votes on this case fall into more than 256 combinations/);
    // Many raters whose votes take few combinations are fine.
    expect(voteCodes(raters([Array.from({ length: 40 }, () => 1), Array.from({ length: 40 }, () => 0)])).counts.length).toBe(2);
  });

  it('refuses labelmaps on different grids', () => {
    expect(() => voteCodes([new Uint8Array(3), new Uint8Array(4)])).toThrow(/labelmap 1 has 4 voxels/);
  });
});
