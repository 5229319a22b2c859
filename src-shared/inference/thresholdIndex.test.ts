import { describe, expect, it } from 'vitest';
import { labelMask } from './outputs';
import { buildThresholdIndex, countAbove, THRESHOLD_MIN } from './thresholdIndex';

/** A deterministic pseudo-random map: channels that sum to 1 under softmax, independent under sigmoid. */
function maps(channels: number, n: number, activation: 'sigmoid' | 'softmax', seed: number): Float32Array[] {
  let s = seed;
  const rand = () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const out = Array.from({ length: channels }, () => new Float32Array(n));
  for (let v = 0; v < n; v++) {
    // Ties and exact threshold values (0.5, 0.25) on purpose: labelMask's first-argmax and strict > decide them.
    const raw = Array.from({ length: channels }, () => (rand() < 0.1 ? 0.5 : rand() < 0.05 ? 0.25 : rand()));
    const sum = raw.reduce((a, b) => a + b, 0);
    raw.forEach((x, c) => (out[c][v] = activation === 'softmax' ? x / sum : x));
  }
  return out;
}

const thresholds = [THRESHOLD_MIN, 0.1, 0.25, 0.3, 0.5, 0.6, 0.95];

describe('threshold index', () => {
  for (const [activation, channels] of [
    ['sigmoid', 1],
    ['sigmoid', 3],
    ['softmax', 2],
    ['softmax', 4],
  ] as const) {
    it(`${activation} with ${channels} channel(s): region > t is labelMask ≠ 0, and each class count is labelMask's`, () => {
      const p = maps(channels, 5000, activation, channels * 7 + 1);
      const index = buildThresholdIndex(p, activation);
      const first = activation === 'softmax' ? 1 : 0;
      expect(index.sortedScores).toHaveLength(channels - first);
      for (const t of thresholds) {
        const mask = labelMask(p, activation, t);
        let regionDiffers = 0;
        for (let v = 0; v < mask.length; v++) if (index.region[v] > t !== (mask[v] !== 0)) regionDiffers++;
        expect(regionDiffers).toBe(0);
        index.sortedScores.forEach((sorted, k) => {
          // sigmoid label k is code k + 1; softmax foreground k is channel (and code) k + 1.
          const code = k + 1;
          const expected = mask.reduce((n, m) => n + (m === code ? 1 : 0), 0);
          expect(countAbove(sorted, t)).toBe(expected);
        });
      }
    });
  }

  it('one sigmoid label: the region is the map itself, not a copy', () => {
    const p = maps(1, 100, 'sigmoid', 3);
    expect(buildThresholdIndex(p, 'sigmoid').region).toBe(p[0]);
  });

  it('refuses a threshold below the counted range', () => {
    expect(() => countAbove(new Float32Array([0.5]), 0.01)).toThrow(/below the counted range/);
  });
});
