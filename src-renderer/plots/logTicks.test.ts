import { describe, expect, it } from 'vitest';
import { decadeTicks, decimalTick } from './logTicks';

describe('log-axis ticks in ml', () => {
  it('puts one tick on each power of ten inside the domain', () => {
    // The metric-vs-volume plot's domain on the demo cohort: an empty strip at 5e-4 ml up to 2 × 70 ml.
    expect(decadeTicks(5e-4, 140)).toEqual([0.001, 0.01, 0.1, 1, 10, 100]);
    expect(decadeTicks(0.001, 0.001)).toEqual([0.001]);
    expect(() => decadeTicks(0, 1)).toThrow(/0 < lo/);
  });

  it('writes them as plain decimals, not SI prefixes', () => {
    expect(decadeTicks(5e-4, 140).map(decimalTick)).toEqual(['0.001', '0.01', '0.1', '1', '10', '100']);
    expect(decimalTick(1e-5)).toBe('0.00001');
  });
});
