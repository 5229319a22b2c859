import { describe, expect, it } from 'vitest';
import { fleissKappa, fleissKappaFromRatings } from './fleiss';

describe('fleissKappa', () => {
  it('reproduces the Wikipedia worked example (10 subjects, 14 raters, 5 categories): κ = 0.210', () => {
    const table = [
      [0, 0, 0, 0, 14],
      [0, 2, 6, 4, 2],
      [0, 0, 3, 5, 6],
      [0, 3, 9, 2, 0],
      [2, 2, 8, 1, 1],
      [7, 7, 0, 0, 0],
      [3, 2, 6, 3, 0],
      [2, 5, 3, 2, 2],
      [6, 5, 2, 1, 0],
      [0, 2, 2, 3, 7],
    ];
    // By hand. Column totals 20, 28, 39, 21, 32 of 140 ratings:
    //   P̄e = (20² + 28² + 39² + 21² + 32²)/140² = (400 + 784 + 1521 + 441 + 1024)/19600 = 4170/19600.
    // P_i = (Σ_j n_ij² − 14)/(14·13): numerators 182, 46, 56, 80, 60, 84, 44, 32, 52, 52 (sum 688),
    //   so P̄ = 688/1820 = 172/455 (Wikipedia rounds the P_i first and prints 0.380).
    // κ = (172/455 − 417/1960)/(1 − 417/1960); over 25480: (9632 − 5421)/(25480 − 5421) = 4211/20059
    //   = 0.209931.
    const r = fleissKappa(table);
    expect(r.expectedAgreement).toBeCloseTo(4170 / 19600, 12);
    expect(r.observedAgreement).toBeCloseTo(688 / 1820, 12);
    expect(r.kappa).toBeCloseTo(4211 / 20059, 12);
    expect(r.kappa?.toFixed(3)).toBe('0.210');
    expect(r.subjects).toBe(10);
    expect(r.ratings).toBe(140);
    expect(r.categoryProportions[2]).toBeCloseTo(39 / 140, 12);
  });

  it('is 1 for perfect agreement across categories and negative for systematic disagreement', () => {
    expect(
      fleissKappa([
        [3, 0],
        [0, 3],
        [3, 0],
      ]).kappa,
    ).toBeCloseTo(1, 12);
    // Two raters always disagreeing: P̄ = 0, p = (½, ½), P̄e = ½ → κ = (0 − ½)/(1 − ½) = −1.
    expect(
      fleissKappa([
        [1, 1],
        [1, 1],
      ]).kappa,
    ).toBeCloseTo(-1, 12);
  });

  it('handles unequal numbers of raters per subject, leaving out subjects rated once', () => {
    // Rows [2,0] [1,2] [3,0] [1,0]; the last (one rating) is left out.
    // P_1 = 2·1/(2·1) = 1, P_2 = (0 + 2·1)/(3·2) = 1/3, P_3 = 3·2/(3·2) = 1 → P̄ = 7/9.
    // p = (2+1+3, 0+2+0)/8 = (3/4, 1/4) → P̄e = 9/16 + 1/16 = 5/8.
    // κ = (7/9 − 5/8)/(3/8) = (56 − 45)/72 · 8/3 = 11/27 = 0.407407.
    const r = fleissKappa([
      [2, 0],
      [1, 2],
      [3, 0],
      [1, 0],
    ]);
    expect(r.subjects).toBe(3);
    expect(r.kappa).toBeCloseTo(11 / 27, 12);
  });

  it('is undefined (null) when every rating falls in one category', () => {
    expect(
      fleissKappa([
        [3, 0, 0],
        [3, 0, 0],
      ]).kappa,
    ).toBeNull();
  });

  it('refuses malformed tables', () => {
    expect(() => fleissKappa([])).toThrow(/at least one subject/);
    expect(() => fleissKappa([[1, 2], [1]])).toThrow(/subject 1 has 1 categories/);
    expect(() => fleissKappa([[1, -1]])).toThrow(/non-negative integer/);
    expect(() =>
      fleissKappa([
        [1, 0],
        [0, 1],
      ]),
    ).toThrow(/at least two raters/);
  });
});

describe('fleissKappaFromRatings', () => {
  it('builds the count table from ratings, keeping unused categories', () => {
    // Subjects s1: X, X, none; s2: Y, Y, Y. Categories X, Y, none.
    // P_1 = (2·1)/(3·2) = 1/3, P_2 = 1 → P̄ = 2/3. p = (2/6, 3/6, 1/6) → P̄e = (4 + 9 + 1)/36 = 14/36.
    // κ = (2/3 − 7/18)/(1 − 7/18) = (5/18)/(11/18) = 5/11.
    const ratings = [
      { subject: 's1', rater: 'r1', category: 'X' },
      { subject: 's1', rater: 'r2', category: 'X' },
      { subject: 's1', rater: 'r3', category: 'none' },
      { subject: 's2', rater: 'r1', category: 'Y' },
      { subject: 's2', rater: 'r2', category: 'Y' },
      { subject: 's2', rater: 'r3', category: 'Y' },
    ] as const;
    expect(fleissKappaFromRatings(ratings, ['X', 'Y', 'none']).kappa).toBeCloseTo(5 / 11, 12);
  });

  it('refuses a rater rating a subject twice or an unknown category', () => {
    const twice = [
      { subject: 's', rater: 'r', category: 'X' },
      { subject: 's', rater: 'r', category: 'Y' },
    ] as const;
    expect(() => fleissKappaFromRatings(twice, ['X', 'Y'])).toThrow(/more than once/);
    expect(() => fleissKappaFromRatings([{ subject: 's', rater: 'r', category: 'Z' }], ['X', 'Y'])).toThrow(/unknown category "Z"/);
  });
});
