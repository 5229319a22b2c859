import { describe, expect, it } from 'vitest';
import { binomialPower, binomialRejectionRegion, detectableRate, trialsForPower } from './power';

/** C(n, k) exactly. */
function choose(n: number, k: number): bigint {
  let c = 1n;
  for (let i = 0; i < k; i++) c = (c * BigInt(n - i)) / BigInt(i + 1);
  return c;
}

/**
 * Independent derivation for p₀ = ½, where the two-sided p of k is twice the smaller tail: the
 * test rejects k ≤ c and k ≥ n − c, with c the largest count such that 2·P(X ≤ c) < 0.05, i.e.
 * 2·Σ_{j ≤ c} C(n, j) < 0.05·2ⁿ (in integers: 40·Σ < 2ⁿ). Power at ¾ is Σ_{k in region} C(n,k)·3ᵏ / 4ⁿ.
 */
function powerAtThreeQuartersByHand(n: number): number {
  let tail = 0n;
  let c = -1;
  for (let j = 0; j <= n; j++) {
    tail += choose(n, j);
    if (40n * tail < 2n ** BigInt(n)) c = j;
    else break;
  }
  let mass = 0n;
  for (let k = 0; k <= n; k++) if (k <= c || k >= n - c) mass += choose(n, k) * 3n ** BigInt(k);
  return c < 0 ? 0 : Number((mass * 10n ** 15n) / 4n ** BigInt(n)) / 1e15;
}

describe('power of the exact binomial test', () => {
  it('is zero with 5 answers: no outcome is significant at 0.05 (the smallest p is 2/32)', () => {
    expect(binomialRejectionRegion(5, 0.5, 0.05).some(Boolean)).toBe(false);
    expect(binomialPower(5, 0.5, 0.75, 0.05)).toBe(0);
    expect(binomialPower(5, 0.5, 1, 0.05)).toBe(0);
    expect(detectableRate(5, 0.5, 0.05, 0.8)).toBeNull();
  });

  it('with 6 answers rejects only 0 and 6 (p = 2/64), so power at ¾ is (3⁶ + 1)/4⁶', () => {
    expect(binomialRejectionRegion(6, 0.5, 0.05)).toEqual([true, false, false, false, false, false, true]);
    expect(binomialPower(6, 0.5, 0.75, 0.05)).toBeCloseTo(730 / 4096, 12);
    // 80% power needs p⁶ + (1 − p)⁶ = 0.8: p = 0.8^(1/6) to well within the bisection's 1e-6.
    expect(detectableRate(6, 0.5, 0.05, 0.8)).toBeCloseTo(0.8 ** (1 / 6), 5);
  });

  it('with 20 answers rejects k ≤ 5 and k ≥ 15 (2·21700/2²⁰ = 0.041; k = 14 gives 2·60460/2²⁰ = 0.115)', () => {
    const region = binomialRejectionRegion(20, 0.5, 0.05);
    expect(region.flatMap((r, k) => (r ? [k] : []))).toEqual([0, 1, 2, 3, 4, 5, 15, 16, 17, 18, 19, 20]);
    expect(binomialPower(20, 0.5, 0.75, 0.05)).toBeCloseTo(powerAtThreeQuartersByHand(20), 12);
    expect(binomialPower(10, 0.5, 0.75, 0.05)).toBeCloseTo(powerAtThreeQuartersByHand(10), 12);
  });

  it('needs 30 answers for 80% power against ¾ at chance ½ (29 give less)', () => {
    expect(powerAtThreeQuartersByHand(29)).toBeLessThan(0.8);
    expect(powerAtThreeQuartersByHand(30)).toBeGreaterThanOrEqual(0.8);
    for (let n = 1; n < 30; n++) expect(powerAtThreeQuartersByHand(n)).toBeLessThan(0.8);
    expect(trialsForPower(0.5, 0.75, 0.05, 0.8)).toBe(30);
    expect(binomialPower(30, 0.5, 0.75, 0.05)).toBeCloseTo(powerAtThreeQuartersByHand(30), 12);
  });
});
