import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { eceAll } from '../metrics/calibration';
import { mulberry32 } from '../random/mulberry32';
import { crossValidate } from './crossValidation';
import { fitIsotonic, fitPlatt, fitTemperature, RecalibrationError } from './fit';
import { quantiseProbabilities } from '../inference/quantise';
import { calibrate, calibrateMap, logitsFromQuantised, sigmoid, type Recalibration } from './recalibration';
import type { CalibrationCase } from './report';
import { calibrationCase, softmaxCalibrationCase } from './reviewedCase';
import { fitSoftmaxTemperature } from './softmax';

/**
 * Synthetic reviewed cases: a sphere per case whose calibrated logit falls off linearly across the
 * boundary, z = (radius − r) / width; the reference is drawn voxel by voxel from σ(z), so σ(z) is
 * calibrated by construction. The model is over-confident by `factor`: its logits are factor·z.
 */
function syntheticCases(count: number, size: number, factor: number, seed: number): CalibrationCase[] {
  const random = mulberry32(seed);
  const voxelMl = 0.001;
  return Array.from({ length: count }, (_, c) => {
    const n = size * size * size;
    const logits = new Float32Array(n);
    const targets = new Float32Array(n);
    const radius = size * (0.15 + 0.2 * random());
    const width = 1 + random();
    const centre = size / 2;
    for (let v = 0; v < n; v++) {
      const i = v % size,
        j = Math.floor(v / size) % size,
        k = Math.floor(v / (size * size));
      const r = Math.hypot(i - centre, j - centre, k - centre);
      const z = (radius - r) / width;
      logits[v] = factor * z;
      targets[v] = random() < sigmoid(z) ? 1 : 0;
    }
    return { caseId: `case-${c}`, logits, targets, voxelMl };
  });
}

describe('recalibration of an over-confident model', () => {
  const factor = 2.5;
  const cases = syntheticCases(8, 32, factor, 17);

  it('temperature scaling recovers the over-confidence factor within 2%', () => {
    const cal = fitTemperature(cases);
    if (cal.kind !== 'temperature') throw new Error('expected a temperature');
    expect(Math.abs(cal.temperature / factor - 1)).toBeLessThan(0.02);
  });

  it('Platt scaling recovers slope 1/factor and no offset', () => {
    const cal = fitPlatt(cases);
    if (cal.kind !== 'platt') throw new Error('expected Platt');
    expect(Math.abs(cal.a * factor - 1)).toBeLessThan(0.02);
    expect(Math.abs(cal.b)).toBeLessThan(0.05);
  });

  it('cross-validated by case, the expected-volume bias and every calibration error shrink', () => {
    const progress: number[] = [];
    const report = crossValidate(cases, { method: 'temperature', folds: 4, seed: 3, onProgress: (done) => progress.push(done) });
    expect(progress).toEqual([1, 2, 3, 4, 5]);
    expect(report.perFold.map((f) => f.heldOut.length)).toEqual([2, 2, 2, 2]);
    expect(new Set(report.perFold.flatMap((f) => f.heldOut)).size).toBe(8);
    const { before, after } = report.pooled;
    expect(Math.abs(after.meanExpMinusRefMl)).toBeLessThan(Math.abs(before.meanExpMinusRefMl) / 2);
    expect(after.nll).toBeLessThan(before.nll);
    expect(after.brier).toBeLessThan(before.brier);
    expect(after.ece['positive-class']).toBeLessThan(before.ece['positive-class']);
    expect(after.ece['top-label']).toBeLessThan(before.ece['top-label']);
    expect(after.ece.metricsreloaded).toBeLessThan(before.ece.metricsreloaded);
    // A monotone map of the logits with σ(0) fixed keeps the p > 0.5 mask: Dice and V_thr unchanged.
    expect(after.dice).toBe(before.dice);
    expect(after.meanThrMinusRefMl).toBe(before.meanThrMinusRefMl);
    for (const f of report.perFold) {
      if (f.calibration.kind !== 'temperature') throw new Error('expected a temperature');
      expect(Math.abs(f.calibration.temperature / factor - 1)).toBeLessThan(0.05);
      expect(f.after.nll).toBeLessThan(f.before.nll);
    }
  });

  it('isotonic regression gives a non-decreasing map that lowers the NLL', () => {
    const small = syntheticCases(4, 20, factor, 5);
    const cal = fitIsotonic(small);
    if (cal.kind !== 'isotonic') throw new Error('expected isotonic');
    for (let i = 1; i < cal.y.length; i++) expect(cal.y[i]).toBeGreaterThanOrEqual(cal.y[i - 1]);
    for (let i = 1; i < cal.x.length; i++) expect(cal.x[i]).toBeGreaterThan(cal.x[i - 1]);
    const report = crossValidate(small, { method: 'isotonic', folds: 2, seed: 1 });
    expect(report.pooled.after.nll).toBeLessThan(report.pooled.before.nll);
  });
});

describe('fitting on the float logits of a re-run rather than on stored p × 255 maps', () => {
  const factor = 2.5;
  const cases = syntheticCases(8, 32, factor, 17);
  /** The same cases as a project holds them: the stored map q = round(σ(z) × 255), a rater's mask, and the re-run's logits. */
  const reviewed = cases.map((c) => ({
    caseId: c.caseId,
    voxelMl: c.voxelMl,
    labelmaps: [Uint8Array.from(c.targets)],
    quantisedProbability: quantiseProbabilities([Float32Array.from(c.logits, sigmoid)]),
    rerunLogits: [c.logits],
  }));
  const stored = reviewed.map(({ rerunLogits: _float, ...c }) => c);
  const error = (cal: Recalibration) => (cal.kind === 'temperature' ? Math.abs(cal.temperature / factor - 1) : NaN);

  it('recovers the over-confidence factor better than the quantised maps do over the whole image', () => {
    const fit = (input: typeof stored) => error(fitTemperature(input.map((c) => calibrationCase(c, 'majority', 'whole-image', 'lesion'))));
    const fromFloat = fit(reviewed);
    const fromStored = fit(stored);
    expect(fromFloat).toBeLessThan(0.02);
    expect(fromFloat).toBeLessThan(fromStored / 10);
  });

  it('is biased in the model-or-rater region, which selects voxels by the model’s own output', () => {
    const whole = error(fitTemperature(reviewed.map((c) => calibrationCase(c, 'majority', 'whole-image', 'lesion'))));
    const region = error(fitTemperature(reviewed.map((c) => calibrationCase(c, 'majority', 'model-or-rater', 'lesion'))));
    expect(region).toBeGreaterThan(10 * whole);
  });

  it('reads the same voxels either way, and the float logits unclipped', () => {
    const float = calibrationCase(reviewed[0], 'majority', 'model-or-rater', 'lesion');
    const quantised = calibrationCase(stored[0], 'majority', 'model-or-rater', 'lesion');
    expect(float.targets).toEqual(quantised.targets);
    expect(Math.min(...float.logits)).toBeLessThan(-7);
    expect(Math.min(...quantised.logits)).toBeCloseTo(Math.log(0.5 / 254.5), 5);
  });

  it('gives a two-class softmax model (0, logit q) from stored maps: its shared temperature is the binary one', () => {
    const labels = ['background', 'lesion'];
    const binary = fitTemperature(stored.map((c) => calibrationCase(c, 'majority', 'model-or-rater', 'lesion')));
    const softmax = fitSoftmaxTemperature(
      'temperature',
      stored.map((c) => softmaxCalibrationCase(c, labels, 'temperature', 'majority', 'model-or-rater', 'lesion')),
      labels,
    );
    if (binary.kind !== 'temperature' || softmax.kind !== 'temperature') throw new Error('expected temperatures');
    expect(softmax.temperature).toBeCloseTo(binary.temperature, 9);
    expect(() => softmaxCalibrationCase(stored[0], labels, 'class-temperatures', 'majority', 'model-or-rater', 'lesion')).toThrow(
      /per-class temperatures need the model’s own logits/,
    );
    expect(() =>
      softmaxCalibrationCase(reviewed[0], ['bg', 'core', 'penumbra'], 'temperature', 'majority', 'model-or-rater', 'lesion'),
    ).toThrow(/no reference for a 3-class model/);
  });
});

describe('recalibration input checks', () => {
  const [one] = syntheticCases(1, 8, 2, 1);

  it('refuses a reference without lesion voxels, more folds than cases and targets outside [0, 1]', () => {
    expect(() => fitTemperature([{ logits: one.logits, targets: new Float32Array(one.logits.length) }])).toThrow(
      /both lesion and background/,
    );
    expect(() => crossValidate([one], { method: 'temperature', folds: 2, seed: 1 })).toThrow(RecalibrationError);
    const bad = Float32Array.from(one.targets, (t) => t * 2);
    expect(() => fitPlatt([{ logits: one.logits, targets: bad }])).toThrow(/outside \[0, 1\]/);
  });

  it('reads stored p × 255 maps as logits clamped at half a quantisation step', () => {
    const z = logitsFromQuantised(Uint8Array.from([0, 128, 255]));
    expect(sigmoid(z[0])).toBeCloseTo(0.5 / 255, 6);
    expect(sigmoid(z[1])).toBeCloseTo(128 / 255, 6);
    expect(sigmoid(z[2])).toBeCloseTo(254.5 / 255, 6);
  });
});

describe('against an independent Python computation of the same procedure', () => {
  it('the fitted temperature and the three ECEs agree to 1e-6 on the same voxels', () => {
    const cases = syntheticCases(3, 24, 3, 99);
    const n = cases.reduce((s, c) => s + c.logits.length, 0);
    const logits = new Float32Array(n);
    const targets = new Uint8Array(n);
    let o = 0;
    for (const c of cases) {
      logits.set(c.logits, o);
      targets.set(c.targets, o);
      o += c.logits.length;
    }
    const dir = mkdtempSync(join(tmpdir(), 'quorum-recal-'));
    try {
      writeFileSync(join(dir, 'logits.f32'), new Uint8Array(logits.buffer));
      writeFileSync(join(dir, 'targets.u8'), targets);
      const script = join(__dirname, 'testdata', 'reference.py');
      // Debian's interpreter: the `python3` on PATH may be another build (environment.md).
      const py = JSON.parse(execFileSync('/usr/bin/python3', [script, dir], { encoding: 'utf8' })) as Record<string, number>;
      const cal = fitTemperature(cases);
      if (cal.kind !== 'temperature') throw new Error('expected a temperature');
      expect(Math.abs(cal.temperature - py.temperature)).toBeLessThan(1e-6);
      const ece = eceAll(calibrateMap(cal, logits), targets);
      expect(Math.abs(ece['positive-class'] - py['positive-class'])).toBeLessThan(1e-6);
      expect(Math.abs(ece['top-label'] - py['top-label'])).toBeLessThan(1e-6);
      expect(Math.abs(ece.metricsreloaded - py.metricsreloaded)).toBeLessThan(1e-6);
      expect(calibrate(cal, 0)).toBe(0.5);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('reviewed cases as fit input', () => {
  // Five voxels: the model's stored q, and three raters (one answered "no lesion").
  const c = {
    caseId: 'c',
    voxelMl: 0.5,
    quantisedProbability: Uint8Array.from([0, 0, 51, 204, 255]),
    labelmaps: [Uint8Array.from([0, 1, 1, 1, 1]), Uint8Array.from([0, 0, 2, 1, 1]), null],
  };

  it('takes the majority or the soft reference, with uncertain voxels weighed as everywhere else', () => {
    expect([...calibrationCase(c, 'majority', 'whole-image', 'lesion').targets]).toEqual([0, 0, 1, 1, 1]);
    expect([...calibrationCase(c, 'soft', 'whole-image', 'half').targets].map((t) => t * 3)).toEqual(
      [0, 1, 1.5, 2, 2].map((x) => expect.closeTo(x, 6)),
    );
  });

  it('keeps only voxels the model or a rater marked in the model-or-rater region', () => {
    const whole = calibrationCase(c, 'majority', 'whole-image', 'lesion');
    const region = calibrationCase(c, 'majority', 'model-or-rater', 'lesion');
    expect(whole.logits.length).toBe(5);
    expect([...region.logits]).toEqual([...whole.logits.slice(1)]);
    expect(sigmoid(region.logits[1])).toBeCloseTo(51 / 255, 6);
  });

  it('refuses a case without any rater answer', () => {
    expect(() => calibrationCase({ ...c, labelmaps: [] }, 'soft', 'whole-image', 'half')).toThrow(/no submitted rater answer/);
  });
});
