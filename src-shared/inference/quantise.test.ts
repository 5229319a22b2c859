import { describe, expect, it } from 'vitest';
import { maskThresholdMismatches, quantiseProbabilities } from './quantise';

describe('probability quantisation', () => {
  it('rounds p × 255, clamps to [0, 255], maps NaN to 0, and stacks labels label-major', () => {
    const a = Float32Array.from([0, 1, 0.5, 1 / 510 - 1e-6, 1.5, -0.2, Number.NaN]);
    const b = Float32Array.from([0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2]);
    // 0.5 × 255 = 127.5 → 128; just under 1/510 → 0.4999 → 0; 0.2 × 255 = 51.
    expect(Array.from(quantiseProbabilities([a, b]))).toEqual([0, 255, 128, 0, 255, 0, 0, 51, 51, 51, 51, 51, 51, 51]);
  });

  it('accepts masks that p > t could have made and counts the others', () => {
    // t = 0.5: 255t = 127.5, so lesion needs q ≥ 127, background q ≤ 128 (q is within ½ of 255p).
    const q = Uint8Array.from([127, 128, 126, 129]);
    expect(maskThresholdMismatches(Uint8Array.from([1, 0, 0, 1]), q, 0.5)).toBe(0);
    expect(maskThresholdMismatches(Uint8Array.from([1, 1, 1, 0]), q, 0.5)).toBe(2); // 126 as lesion, 129 as background
  });
});
