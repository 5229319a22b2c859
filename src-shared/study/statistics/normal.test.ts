import { describe, expect, it } from 'vitest';
import { erfc, normalCdf, normalTwoSidedP, normalUpperTail, Z_975 } from './normal';

describe('normal distribution', () => {
  it('has Φ(0) = 1/2 and the symmetry Φ(-z) = 1 − Φ(z)', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 15);
    for (const z of [0.3, 1.1, 2.7, 4.2]) expect(normalCdf(-z) + normalCdf(z)).toBeCloseTo(1, 14);
  });

  it('matches the textbook table values', () => {
    // Φ(1) = 0.841344746068543 and Φ(2) = 0.977249868051821 (standard normal tables, 15 digits).
    expect(normalCdf(1)).toBeCloseTo(0.841344746068543, 13);
    expect(normalCdf(2)).toBeCloseTo(0.977249868051821, 13);
    // Both sides of the series / continued-fraction switch (x = z/√2 = 2.5 ⇔ z ≈ 3.5355).
    // P(Z ≥ 3) = 1.349898031630095e-3, P(Z ≥ 4) = 3.167124183311992e-5.
    expect(normalUpperTail(3) / 1.349898031630095e-3).toBeCloseTo(1, 12);
    expect(normalUpperTail(4) / 3.167124183311992e-5).toBeCloseTo(1, 12);
    // erfc(2.5) = 4.069520174449590e-4 evaluated from each side of the switch.
    expect(erfc(2.5) / 4.06952017444959e-4).toBeCloseTo(1, 12);
    expect(erfc(2.4999999999) / 4.06952017444959e-4).toBeCloseTo(1, 8);
  });

  it('puts 2.5% beyond Z_975 and has 2·P(Z ≥ 1.96) ≈ 0.05', () => {
    expect(normalUpperTail(Z_975)).toBeCloseTo(0.025, 14);
    expect(normalTwoSidedP(-Z_975)).toBeCloseTo(0.05, 14);
  });

  it('is 0 and 1 at the infinities and NaN for NaN', () => {
    expect(normalCdf(-Infinity)).toBe(0);
    expect(normalCdf(Infinity)).toBe(1);
    expect(normalCdf(Number.NaN)).toBeNaN();
  });
});
