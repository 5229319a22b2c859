import { describe, expect, it } from 'vitest';
import { binomialPmf, binomialTest } from './binomial';

/** C(n, k) as an exact BigInt, an independent check of the floating-point mass function. */
function choose(n: number, k: number): bigint {
  let c = 1n;
  for (let i = 1; i <= k; i++) c = (c * BigInt(n - k + i)) / BigInt(i);
  return c;
}

describe('binomialTest', () => {
  it('9 of 10 against ½ gives p = 22/1024 = 0.0215', () => {
    // P(X ≥ 9) = (C(10,9) + C(10,10))/2¹⁰ = 11/1024; two-sided by symmetry: 22/1024 = 0.021484375
    const r = binomialTest(9, 10);
    expect(r.pValue).toBeCloseTo(22 / 1024, 12);
    expect(r.pValue.toFixed(4)).toBe('0.0215');
    expect(r.estimate).toBe(0.9);
  });

  it('7 of 10 gives 352/1024 and 0 of 5 gives 2/32', () => {
    // P(X ≥ 7) = (120 + 45 + 10 + 1)/1024 = 176/1024, doubled = 0.34375
    expect(binomialTest(7, 10).pValue).toBeCloseTo(352 / 1024, 12);
    // P(X = 0) = P(X = 5) = 1/32 → 0.0625
    expect(binomialTest(0, 5).pValue).toBeCloseTo(2 / 32, 12);
  });

  it('the most likely outcome gives p = 1, including both modes when n is odd', () => {
    expect(binomialTest(5, 10).pValue).toBe(1);
    // n = 9: f(4) = f(5) = 126/512 are the two modes; every outcome is no more likely → p = 1
    expect(binomialTest(4, 9).pValue).toBe(1);
    expect(binomialTest(5, 9).pValue).toBe(1);
  });

  it('sums only outcomes no more likely than the observed one for p₀ ≠ ½', () => {
    // Binomial(3, 0.2): f(0) = 0.512, f(1) = 0.384, f(2) = 0.096, f(3) = 0.008
    expect(binomialTest(3, 3, 0.2).pValue).toBeCloseTo(0.008, 12);
    expect(binomialTest(2, 3, 0.2).pValue).toBeCloseTo(0.104, 12); // 0.096 + 0.008
    expect(binomialTest(1, 3, 0.2).pValue).toBeCloseTo(0.488, 12); // 0.384 + 0.096 + 0.008
    expect(binomialTest(0, 3, 0.2).pValue).toBeCloseTo(1, 12); // all four
  });

  it('agrees with exact rational arithmetic for 60 of 100 (p ≈ 0.0569)', () => {
    // Two-sided = 2 · P(X ≤ 40) = 2 · Σ_{k ≤ 40} C(100, k) / 2¹⁰⁰, computed here in BigInt.
    let tail = 0n;
    for (let k = 0; k <= 40; k++) tail += choose(100, k);
    const exact = Number((2n * tail * 10n ** 15n) / 2n ** 100n) / 1e15;
    expect(binomialTest(60, 100).pValue).toBeCloseTo(exact, 12);
    expect(binomialTest(40, 100).pValue).toBeCloseTo(exact, 12);
    expect(exact).toBeCloseTo(0.0569, 4);
  });

  it('stays finite for thousands of trials', () => {
    const r = binomialTest(2600, 5000);
    expect(r.pValue).toBeGreaterThan(0);
    expect(r.pValue).toBeLessThan(0.01);
    const pmf = binomialPmf(5000, 0.5);
    let total = 0;
    for (const f of pmf) total += f;
    expect(total).toBeCloseTo(1, 10);
  });

  it('refuses impossible input with a message', () => {
    expect(() => binomialTest(0, 0)).toThrow(/at least one trial/);
    expect(() => binomialTest(4, 3)).toThrow(/0\.\.3/);
    expect(() => binomialTest(1, 3, 1.5)).toThrow(/\[0, 1\]/);
  });
});
