/**
 * Property checks of the statistics against independent brute-force computations, on random input.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { binomialTest } from './binomial';
import { fleissKappa } from './fleiss';
import { wilcoxonSignedRank } from './wilcoxon';
import { wilsonInterval } from './wilson';

describe('statistics properties', () => {
  it('Wilson: the interval lies in [0, 1] and contains the estimate; symmetric under x → n − x', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 500 }).chain((n) => fc.tuple(fc.constant(n), fc.integer({ min: 0, max: n }))),
        ([n, x]) => {
          const ci = wilsonInterval(x, n);
          expect(ci.lower).toBeGreaterThanOrEqual(0);
          expect(ci.upper).toBeLessThanOrEqual(1);
          expect(ci.lower).toBeLessThanOrEqual(ci.estimate + 1e-12);
          expect(ci.upper).toBeGreaterThanOrEqual(ci.estimate - 1e-12);
          const mirror = wilsonInterval(n - x, n);
          expect(mirror.lower).toBeCloseTo(1 - ci.upper, 12);
        },
      ),
    );
  });

  it('binomial at ½: p is twice the smaller tail, by direct summation of C(n, k)/2ⁿ', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 60 }).chain((n) => fc.tuple(fc.constant(n), fc.integer({ min: 0, max: n }))),
        ([n, x]) => {
          // C(n, k) by Pascal's triangle, independent of the log-space mass function.
          let row = [1];
          for (let i = 0; i < n; i++) row = [1, ...row.slice(1).map((v, k) => v + row[k]), 1];
          const small = Math.min(x, n - x);
          let tail = 0;
          for (let k = 0; k <= small; k++) tail += row[k];
          const expected = Math.min(1, (2 * tail) / 2 ** n);
          expect(binomialTest(x, n).pValue).toBeCloseTo(expected, 10);
        },
      ),
    );
  });

  it('Wilcoxon exact p equals a count over all 2ⁿ sign patterns (distinct |d|, no zeros)', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 1, max: 1000 }), { minLength: 1, maxLength: 12 }),
        fc.array(fc.boolean(), { minLength: 12, maxLength: 12 }),
        (mags, signs) => {
          const d = mags.map((m, i) => (signs[i] ? m : -m));
          const r = wilcoxonSignedRank(d, new Array<number>(d.length).fill(0));
          // Ranks of distinct |d|: 1..n by magnitude. Enumerate every sign pattern of the ranks.
          const n = d.length;
          const rank = new Map([...mags].sort((a, b) => a - b).map((m, i) => [m, i + 1]));
          const v = d.reduce((acc, x) => acc + (x > 0 ? (rank.get(Math.abs(x)) ?? 0) : 0), 0);
          const mean = (n * (n + 1)) / 4;
          let asExtreme = 0;
          for (let mask = 0; mask < 2 ** n; mask++) {
            let s = 0;
            for (let k = 0; k < n; k++) if (mask & (1 << k)) s += k + 1;
            if (v > mean ? s >= v : s <= v) asExtreme++;
          }
          expect(r.method).toBe('exact');
          expect(r.statistic).toBe(v);
          expect(r.pValue).toBeCloseTo(Math.min(1, (2 * asExtreme) / 2 ** n), 12);
        },
      ),
      { numRuns: 150 },
    );
  });

  it("Fleiss' kappa does not depend on the order of subjects or categories", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 4 })), { minLength: 2, maxLength: 8 }),
        (raw) => {
          // Every subject gets 4 raters over 3 categories.
          const table = raw.map(([a, b]) => [a, Math.min(b, 4 - a), 4 - a - Math.min(b, 4 - a)]);
          const k = fleissKappa(table).kappa;
          const permuted = fleissKappa([...table].reverse().map(([a, b, c]) => [c, a, b])).kappa;
          if (k === null) expect(permuted).toBeNull();
          else expect(permuted).toBeCloseTo(k, 12);
        },
      ),
    );
  });
});
