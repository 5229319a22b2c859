import { describe, expect, it } from 'vitest';
import { wilsonInterval } from './wilson';

// Hand computation, z = 1.959964, z² = 3.841459:
//   centre = (p̂ + z²/2n)/(1 + z²/n),  half = z/(1 + z²/n) · √(p̂(1−p̂)/n + z²/4n²)
describe('wilsonInterval', () => {
  it('9 of 10 gives [0.5958, 0.9821]', () => {
    // z²/n = 0.384146, denom = 1.384146; centre = (0.9 + 0.192073)/1.384146 = 0.788987;
    // half = (1.959964/1.384146) · √(0.009 + 0.0096036) = 1.416010 · 0.136395 = 0.193137
    // → [0.595850, 0.982124]
    const ci = wilsonInterval(9, 10);
    expect(ci.estimate).toBe(0.9);
    expect(ci.lower).toBeCloseTo(0.59585, 5);
    expect(ci.upper).toBeCloseTo(0.982124, 5);
    expect(ci.level).toBe(0.95);
  });

  it('5 of 10 is symmetric about 0.5: [0.2366, 0.7634]', () => {
    // centre = 0.5; half = 1.416010 · √(0.025 + 0.0096036) = 1.416010 · 0.186020 = 0.263407
    const ci = wilsonInterval(5, 10);
    expect(ci.lower).toBeCloseTo(0.236593, 5);
    expect(ci.upper).toBeCloseTo(0.763407, 5);
    expect(ci.lower + ci.upper).toBeCloseTo(1, 12);
  });

  it('0 of 10 starts at exactly 0 and ends at (z²/n)/(1 + z²/n) = 0.2775', () => {
    // With p̂ = 0 the half-width equals the centre: upper = 2 · (z²/2n)/(1 + z²/n) = 0.384146/1.384146
    const ci = wilsonInterval(0, 10);
    expect(ci.lower).toBe(0);
    expect(ci.upper).toBeCloseTo(0.277533, 5);
  });

  it('n of n mirrors 0 of n, ending at exactly 1', () => {
    const none = wilsonInterval(0, 7);
    const all = wilsonInterval(7, 7);
    expect(all.upper).toBe(1);
    expect(all.lower).toBeCloseTo(1 - none.upper, 12);
  });

  it('1 of 1 gives [1/(1 + z²), 1] = [0.2065, 1]', () => {
    // n = 1, p̂ = 1: lower = centre − half = (1 + z²/2 − z²/2)/(1 + z²) = 1/4.841459 = 0.206549
    expect(wilsonInterval(1, 1).lower).toBeCloseTo(0.206549, 5);
  });

  it('refuses impossible counts with a message', () => {
    expect(() => wilsonInterval(0, 0)).toThrow(/at least one trial/);
    expect(() => wilsonInterval(11, 10)).toThrow(/0\.\.10/);
    expect(() => wilsonInterval(1.5, 10)).toThrow(/integer/);
  });
});
