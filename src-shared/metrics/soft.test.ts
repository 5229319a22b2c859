import { describe, expect, it } from 'vitest';
import { brierScore, eceAll } from './calibration';
import { diceDml, diceProduct, jaccardJml, softSums } from './softDice';
import { expectedVolumeMl, thresholdedVolumeMl, volumeDifferences } from './volume';

describe('Dice semimetric (DML) and JML', () => {
  it('is 1 (DML = 0) at x = y for soft labels, where the usual soft Dice is only 0.5', () => {
    const y = [0.5, 0.5, 0, 0];
    const s = softSums(y, y);
    expect(diceDml(s)).toBe(1);
    expect(jaccardJml(s)).toBe(1);
    // 2Σxy/(Σx+Σy) = 2·0.5/2
    expect(diceProduct(s)).toBe(0.5);
  });
  it('equals the usual Dice on hard labels', () => {
    const x = [1, 1, 0, 0, 1],
      y = [1, 0, 0, 1, 1];
    const s = softSums(x, y);
    expect(diceDml(s)).toBeCloseTo(4 / 6, 15);
    expect(diceProduct(s)).toBeCloseTo(4 / 6, 15);
    // JML = (3+3−2)/(3+3+2)
    expect(jaccardJml(s)).toBeCloseTo(0.5, 15);
  });
  it('uses only the region when given', () => {
    const s = softSums([1, 0.2], [1, 0.8], Uint8Array.from([1, 0]));
    expect(diceDml(s)).toBe(1);
  });
});

describe('volumes', () => {
  it('thresholds strictly at p > 0.5 and sums p for the expected volume', () => {
    const p = [0.5, 0.6, 0.2, 1];
    expect(thresholdedVolumeMl(p, 0.002)).toBeCloseTo(0.004, 15);
    expect(expectedVolumeMl(p, 0.002)).toBeCloseTo(2.3 * 0.002, 15);
    expect(volumeDifferences(4, 2.3, 3)).toEqual({ thrMinusRef: 1, expMinusRef: 2.3 - 3, thrMinusExp: 4 - 2.3 });
  });
});

describe('ECE conventions and Brier (hand-derived)', () => {
  const p = Float64Array.from([0, 0.05, 0.95, 1]);
  const y = Uint8Array.from([0, 0, 1, 1]);
  it('positive-class: bins [0,0.1) holds 0 and 0.05, [0.9,1] holds 0.95 and 1', () => {
    // |0 − 0.025|·2/4 + |1 − 0.975|·2/4
    expect(eceAll(p, y)['positive-class']).toBeCloseTo(0.025, 15);
  });
  it('top-label: confidences 1, 0.9375, 0.9375, 1 all correct, in percent', () => {
    // Values exact in float32, so JDTLosses' float32 confidences equal the real ones: |1 − 0.96875|
    const d = Float64Array.from([0, 0.0625, 0.9375, 1]);
    expect(eceAll(d, y)['top-label']).toBe(100 * 0.03125);
  });
  it("top-label bins where JDTLosses' float32 arithmetic puts a value, not where real numbers would", () => {
    // torch.linspace(0, 0.9, 10) in float32 has its 0.7 edge at exactly float32(0.7), and
    // float32(1 − float32(0.3)) is that same value: with bucketize(right=True) both confidences
    // 0.7 go to the bin [0.7, 0.8), while 0.65 stays in [0.6, 0.7). Real-number bins would put all
    // three in [0.6, 0.7).
    expect(Math.fround(1 - Math.fround(0.3))).toBe(Math.fround(0.7));
    const q = Float32Array.from([0.7, 0.65, 0.3]);
    const r = Uint8Array.from([1, 0, 0]);
    // bin 7: labels 1 and 0 both correct, confidence float32(0.7); bin 6: label 1 wrong, confidence float32(0.65)
    const expected = 100 * ((2 / 3) * (1 - Math.fround(0.7)) + (1 / 3) * Math.fround(0.65));
    expect(eceAll(q, r)['top-label']).toBeCloseTo(expected, 12);
  });
  it('top-label confidence and argmax use float32 1 − p: p just below 0.5 ties to background at 0.5', () => {
    // p = 0.5 − 2⁻²⁵ is a float32; 1 − p = 0.5 + 2⁻²⁵ is not and rounds (to even) to 0.5, so the
    // two class probabilities tie, argmax picks background (correct here) with confidence exactly 0.5.
    expect(eceAll(Float32Array.from([0.5 - 2 ** -25]), Uint8Array.from([0]))['top-label']).toBe(50);
  });
  it('metricsreloaded: p = 0 falls in no bin and is dropped', () => {
    // (0,0.1]: {0.05}, |0 − 0.05|; (0.9,1]: {0.95, 1}, |1 − 0.975|; weights 1 and 2 over 3 samples
    expect(eceAll(p, y).metricsreloaded).toBeCloseTo((0.05 + 2 * 0.025) / 3, 15);
  });
  it('a bin edge value goes to the upper bin for [l,u) and the lower bin for (l,u]', () => {
    const q = Float64Array.from([0.5, 0.5]);
    const r = Uint8Array.from([1, 0]);
    // both in one bin either way: accuracy 0.5, confidence 0.5 → 0
    expect(eceAll(q, r)['positive-class']).toBe(0);
    // top-label: max(0.5,0.5)=0.5 with label 0 (ties to background): one correct of two → |0.5−0.5|
    expect(eceAll(q, r)['top-label']).toBe(0);
    const q2 = Float64Array.from([0.3, 0.35]);
    const r2 = Uint8Array.from([1, 0]);
    // [0.3,0.4) holds both: |0.5 − 0.325| = 0.175; (0.2,0.3] holds 0.3 (|1−0.3|), (0.3,0.4] holds 0.35 (|0−0.35|)
    expect(eceAll(q2, r2)['positive-class']).toBeCloseTo(0.175, 15);
    expect(eceAll(q2, r2).metricsreloaded).toBeCloseTo((0.7 + 0.35) / 2, 15);
  });
  it('Brier is the mean squared difference', () => {
    expect(brierScore(p, y)).toBeCloseTo((0.0025 + 0.0025) / 4, 15);
  });
});
