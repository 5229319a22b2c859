import { describe, expect, it } from 'vitest';
import { normalCdf } from './normal';
import { logGamma, noncentralF1Upper, regularizedBeta, studentTQuantile, studentTTwoSidedP } from './studentT';

describe('t and F distributions', () => {
  it('has ln Γ at integers and ½', () => {
    expect(logGamma(1)).toBeCloseTo(0, 14);
    expect(logGamma(5)).toBeCloseTo(Math.log(24), 13);
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 14);
    expect(logGamma(101)).toBeCloseTo(363.73937555556347, 10); // ln 100!
  });

  it('has the closed forms of the incomplete beta', () => {
    // I_x(1, b) = 1 − (1 − x)^b and I_x(a, 1) = x^a.
    expect(regularizedBeta(0.3, 1, 4.5)).toBeCloseTo(1 - 0.7 ** 4.5, 14);
    expect(regularizedBeta(0.8, 3.5, 1)).toBeCloseTo(0.8 ** 3.5, 14);
    expect(regularizedBeta(0.4, 2.5, 7) + regularizedBeta(0.6, 7, 2.5)).toBeCloseTo(1, 14);
  });

  it('matches the t distribution’s closed forms', () => {
    // df = 1 (Cauchy): P(|T| ≥ t) = 1 − 2 atan(t)/π; df = 2: P(|T| ≥ t) = 1 − t/√(2 + t²).
    for (const t of [0.4, 1.7, 6]) {
      expect(studentTTwoSidedP(t, 1)).toBeCloseTo(1 - (2 * Math.atan(t)) / Math.PI, 13);
      expect(studentTTwoSidedP(t, 2)).toBeCloseTo(1 - t / Math.sqrt(2 + t * t), 13);
    }
    // Inverting those at a two-sided 5%: df 2 gives t = q·√(2/(1 − q²)) with q = 0.95; df 1 gives tan(qπ/2).
    const q = 0.95;
    expect(studentTQuantile(0.975, 2)).toBeCloseTo(q * Math.sqrt(2 / (1 - q * q)), 12);
    expect(studentTQuantile(0.975, 1)).toBeCloseTo(Math.tan((Math.PI * q) / 2), 10);
  });

  it('tends to the normal for large df, and its noncentral F reduces to the central one at λ = 0', () => {
    // R: qt(0.975, 100) = 1.983972, qt(0.975, 1000) = 1.962339 (as printed); qnorm(0.975) = 1.959964.
    expect(studentTQuantile(0.975, 100)).toBeCloseTo(1.983972, 6);
    expect(studentTQuantile(0.975, 1000)).toBeCloseTo(1.962339, 6);
    expect(studentTQuantile(0.975, 1e6)).toBeCloseTo(1.959964, 5);
    const f = studentTQuantile(0.975, 7) ** 2;
    expect(noncentralF1Upper(f, 7, 0)).toBeCloseTo(0.05, 13);
    // F(1, ddf, λ) with huge λ: the test always rejects.
    expect(noncentralF1Upper(f, 7, 5000)).toBeCloseTo(1, 10);
    // λ = 10⁸ (a planned study of 100,000 cases): ends once the beta tails reach 1.
    expect(noncentralF1Upper(f, 7, 1e8)).toBe(1);
    // As ddf → ∞, F(1, ddf, λ) → noncentral χ²₁(λ) = (Z + √λ)², whose tail has a closed form.
    const z = 1.959963984540054;
    for (const ncp of [0.5, 4, 12]) {
      expect(noncentralF1Upper(z * z, 1e6, ncp)).toBeCloseTo(normalCdf(Math.sqrt(ncp) - z) + normalCdf(-z - Math.sqrt(ncp)), 5);
    }
    // Power grows with the noncentrality.
    expect(noncentralF1Upper(f, 7, 3)).toBeGreaterThan(noncentralF1Upper(f, 7, 2));
  });
});
