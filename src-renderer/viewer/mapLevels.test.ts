import { describe, expect, it } from 'vitest';
import { mapLevel } from './mapLevels';

describe('mapLevel', () => {
  it('puts each value in its (·, m/levels] bin, hides values at or below the floor and clamps above max', () => {
    // levels 4 over max 1: bins (0, .25], (.25, .5], (.5, .75], (.75, 1]; floor .125 hides ≤ .125 (exact in Float32).
    const values = Float32Array.from([0, 0.125, 0.13, 0.25, 0.26, 0.5, 0.74, 0.76, 1, 1.5, Number.NaN]);
    expect(Array.from(values, (v) => mapLevel(v, 1, 4, 0.125))).toEqual([0, 0, 1, 1, 2, 2, 3, 4, 4, 4, 0]);
  });

  it('scales by max: an entropy of 0.5 bit on a 1-bit scale is mid-ramp, on a 2-bit scale a quarter', () => {
    expect(mapLevel(0.5, 1, 8, 0)).toBe(4);
    expect(mapLevel(0.5, 2, 8, 0)).toBe(2);
  });

  it('refuses a bad scale', () => {
    expect(() => mapLevel(0.5, 0, 4, 0)).toThrow(/bad map scale/);
    expect(() => mapLevel(0.5, 1, 256, 0)).toThrow(/bad map scale/);
  });
});
