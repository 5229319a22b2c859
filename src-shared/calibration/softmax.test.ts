import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { brierMulticlass, eceMulticlass } from '../metrics/multiclassCalibration';
import { mulberry32 } from '../random/mulberry32';
import { crossValidateSoftmax } from './crossValidation';
import { RecalibrationError } from './fit';
import { fitReviewedCases } from './fitReviewed';
import { fitSoftmaxTemperature, softmaxProbabilities, type SoftmaxMethod, type SoftmaxRecalibration } from './softmax';
import type { SoftmaxCalibrationCase } from './softmaxReport';

const LABELS = ['background', 'core', 'penumbra'];

/**
 * Synthetic reviewed cases of a three-class softmax model: each case's calibrated logits w_c are
 * smooth fields (a sphere's signed distance for the two foreground classes, a constant-offset
 * background), the reference class is drawn voxel by voxel from softmax(w), so softmax(w) is
 * calibrated by construction. The model is over-confident class by class: its logits are f_c·w_c.
 */
function syntheticCases(
  count: number,
  size: number,
  factors: readonly number[],
  seed: number,
  classes: readonly number[] = [0, 1, 2],
): SoftmaxCalibrationCase[] {
  const random = mulberry32(seed);
  return Array.from({ length: count }, (_, c) => {
    const n = size * size * size;
    const logits = classes.map(() => new Float32Array(n));
    const targets = classes.map(() => new Float32Array(n));
    const r1 = size * (0.1 + 0.1 * random());
    const r2 = r1 + size * (0.1 + 0.1 * random());
    const width = 1 + random();
    const centre = size / 2;
    const w = new Float64Array(3);
    for (let v = 0; v < n; v++) {
      const i = v % size,
        j = Math.floor(v / size) % size,
        k = Math.floor(v / (size * size));
      const r = Math.hypot(i - centre, j - centre, k - centre);
      w[0] = (r - r2) / width + 1;
      w[1] = (r1 - r) / width;
      w[2] = 1.5 - Math.abs(r - (r1 + r2) / 2) / width;
      const e = classes.map((k) => Math.exp(w[k]));
      let u = random() * e.reduce((a, b) => a + b, 0);
      let y = 0;
      while (y < classes.length - 1 && u >= e[y]) u -= e[y++];
      targets[y][v] = 1;
      classes.forEach((k, cl) => (logits[cl][v] = factors[cl] * w[k]));
    }
    return { caseId: `case-${c}`, voxelMl: 0.001, logits, targets };
  });
}

describe('temperature scaling of an over-confident softmax model', () => {
  const factors = [1.5, 2.5, 2];
  // 12 cases of 32³: the core class is the smallest, and its factor needs this many voxels for 2%.
  const cases = syntheticCases(12, 32, factors, 17);
  const fewer = cases.slice(0, 6);

  it('per-class temperatures recover each class factor within 2%', () => {
    const cal = fitSoftmaxTemperature('class-temperatures', cases, LABELS);
    if (cal.kind !== 'class-temperatures') throw new Error('expected class temperatures');
    expect(cal.labels).toEqual(LABELS);
    cal.temperatures.forEach((t, c) => expect(Math.abs(t / factors[c] - 1)).toBeLessThan(0.02));
  });

  it('one shared temperature lies between the factors and fits worse than one per class', () => {
    const shared = fitSoftmaxTemperature('temperature', fewer, LABELS);
    const perClass = fitSoftmaxTemperature('class-temperatures', fewer, LABELS);
    if (shared.kind !== 'temperature') throw new Error('expected a shared temperature');
    expect(shared.temperature).toBeGreaterThan(Math.min(...factors));
    expect(shared.temperature).toBeLessThan(Math.max(...factors));
    const report = (cal: SoftmaxRecalibration) =>
      crossValidateSoftmax(fewer, LABELS, { method: cal.kind, folds: 2, seed: 1 }).pooled.after.nll;
    expect(report(perClass)).toBeLessThan(report(shared));
  });

  it('cross-validated by case, the per-class expected-volume bias and every calibration error shrink', () => {
    const progress: number[] = [];
    const report = crossValidateSoftmax(fewer, LABELS, {
      method: 'class-temperatures',
      folds: 3,
      seed: 3,
      onProgress: (done) => progress.push(done),
    });
    expect(progress).toEqual([1, 2, 3, 4]);
    expect(new Set(report.perFold.flatMap((f) => f.heldOut)).size).toBe(fewer.length);
    const { before, after } = report.pooled;
    for (const c of [1, 2]) expect(Math.abs(after.meanExpMinusRefMl[c])).toBeLessThan(Math.abs(before.meanExpMinusRefMl[c]) / 2);
    expect(after.nll).toBeLessThan(before.nll);
    expect(after.brier).toBeLessThan(before.brier);
    expect(after.ece['top-label']).toBeLessThan(before.ece['top-label']);
    expect(after.ece.classwise).toBeLessThan(before.ece.classwise);
    expect(before.cases.map((c) => c.caseId).sort()).toEqual(fewer.map((c) => c.caseId).sort());
  });

  it('with two classes the multi-class ECE and Brier are the binary conventions (Brier twice the binary)', () => {
    const p1 = Float64Array.from([0.05, 0.3, 0.5, 0.71, 0.95, 1]);
    const p0 = p1.map((p) => Math.fround(1 - Math.fround(p)));
    const ref = Uint8Array.from([0, 1, 0, 1, 1, 1]);
    const brierBinary = p1.reduce((s, p, v) => s + (p - ref[v]) ** 2, 0) / p1.length;
    expect(brierMulticlass([p0, p1], ref)).toBeCloseTo(2 * brierBinary, 6);
    expect(eceMulticlass([p0, p1], ref)['top-label']).toBeGreaterThan(0);
  });

  it('refuses a class missing from the reference and targets that are not a distribution', () => {
    const [one] = syntheticCases(1, 8, factors, 2);
    const noPenumbra = {
      ...one,
      targets: [
        one.targets[0],
        Float32Array.from(one.targets[1], (t, v) => t + one.targets[2][v]),
        new Float32Array(one.targets[2].length),
      ],
    };
    expect(() => fitSoftmaxTemperature('class-temperatures', [noPenumbra], LABELS)).toThrow(/penumbra/);
    expect(() => fitSoftmaxTemperature('temperature', [noPenumbra], LABELS)).not.toThrow();
    const doubled = { ...one, targets: one.targets.map((t) => t.map((x) => 2 * x)) };
    expect(() => fitSoftmaxTemperature('temperature', [doubled], LABELS)).toThrow(RecalibrationError);
  });
});

describe('a two-class softmax model through the calibration worker’s entry point', () => {
  // Background and one lesion class (the penumbra field), as a project holds them, with the model's re-run logits.
  const reviewed = syntheticCases(4, 20, [1.5, 2], 5, [0, 2]).map((c) => ({
    caseId: c.caseId,
    voxelMl: c.voxelMl,
    labelmaps: [Uint8Array.from(c.targets[1])],
    quantisedProbability: new Uint8Array(c.targets[0].length),
    rerunLogits: c.logits,
  }));
  const request = (method: SoftmaxMethod) =>
    ({
      cases: reviewed,
      reference: 'majority',
      region: 'whole-image',
      uncertainAs: 'lesion',
      fit: { activation: 'softmax', method, labels: ['background', 'lesion'] },
      folds: 2,
      seed: 1,
    }) as const;

  it('fits per-class temperatures with the multi-class report', () => {
    const report = fitReviewedCases(request('class-temperatures'), () => undefined);
    if (report.activation !== 'softmax' || report.calibration.kind !== 'class-temperatures') throw new Error('expected a softmax report');
    expect(report.calibration.labels).toEqual(['background', 'lesion']);
    report.calibration.temperatures.forEach((t, c) => expect(Math.abs(t / [1.5, 2][c] - 1)).toBeLessThan(0.1));
    expect(report.perFold).toHaveLength(2);
    expect(report.pooled.after.nll).toBeLessThan(report.pooled.before.nll);
  });

  it('fits one shared temperature equal to the binary fit on z_lesion − z_background', () => {
    const report = fitReviewedCases(request('temperature'), () => undefined);
    const binary = fitReviewedCases(
      {
        ...request('temperature'),
        cases: reviewed.map((c) => ({ ...c, rerunLogits: [c.rerunLogits[1].map((z, v) => z - c.rerunLogits[0][v])] })),
        fit: { activation: 'sigmoid', method: 'temperature' },
      },
      () => undefined,
    );
    if (report.calibration.kind !== 'temperature' || binary.calibration.kind !== 'temperature') throw new Error('expected temperatures');
    expect(report.calibration.temperature).toBeCloseTo(binary.calibration.temperature, 6);
  });
});

/**
 * Debian's interpreter when it has numpy and scipy (python3-numpy, python3-scipy), else the
 * `python3` on PATH (environment.md: a pyenv build, which here carries both); fails saying what to
 * install when neither does.
 */
function pythonWithNumpyAndScipy(): string {
  for (const python of ['/usr/bin/python3', 'python3']) {
    try {
      execFileSync(python, ['-c', 'import numpy, scipy'], { stdio: 'ignore' });
      return python;
    } catch {
      // try the next interpreter
    }
  }
  throw new Error('the reference needs numpy and scipy: apt-get install python3-numpy python3-scipy');
}

describe('against an independent numpy/scipy computation of the same procedure', () => {
  it('the per-class and shared temperatures, the multi-class ECEs and the Brier agree to 1e-6', () => {
    const cases = syntheticCases(3, 20, [1.5, 3, 2], 99);
    const n = cases.reduce((s, c) => s + c.targets[0].length, 0);
    const logits = new Float32Array(LABELS.length * n);
    const classes = new Uint8Array(n);
    let o = 0;
    for (const c of cases) {
      const voxels = c.targets[0].length;
      c.logits.forEach((z, cl) => logits.set(z, cl * n + o));
      for (let v = 0; v < voxels; v++) classes[o + v] = c.targets.findIndex((t) => t[v] === 1);
      o += voxels;
    }
    const dir = mkdtempSync(join(tmpdir(), 'quorum-softcal-'));
    try {
      writeFileSync(join(dir, 'logits.f32'), new Uint8Array(logits.buffer));
      writeFileSync(join(dir, 'targets.u8'), classes);
      writeFileSync(join(dir, 'classes.txt'), String(LABELS.length));
      const script = join(__dirname, 'testdata', 'softmax_reference.py');
      const py = JSON.parse(execFileSync(pythonWithNumpyAndScipy(), [script, dir], { encoding: 'utf8' })) as {
        temperatures: number[];
        temperature: number;
        'top-label': number;
        classwise: number;
        brier: number;
      };
      const perClass = fitSoftmaxTemperature('class-temperatures', cases, LABELS);
      const shared = fitSoftmaxTemperature('temperature', cases, LABELS);
      if (perClass.kind !== 'class-temperatures' || shared.kind !== 'temperature') throw new Error('unexpected kinds');
      perClass.temperatures.forEach((t, c) => expect(Math.abs(t - py.temperatures[c])).toBeLessThan(1e-6));
      expect(Math.abs(shared.temperature - py.temperature)).toBeLessThan(1e-6);
      const pooled = LABELS.map((_, cl) => logits.subarray(cl * n, (cl + 1) * n));
      const p = softmaxProbabilities(perClass, pooled);
      const ece = eceMulticlass(p, classes);
      expect(Math.abs(ece['top-label'] - py['top-label'])).toBeLessThan(1e-6);
      expect(Math.abs(ece.classwise - py.classwise)).toBeLessThan(1e-6);
      expect(Math.abs(brierMulticlass(p, classes) - py.brier)).toBeLessThan(1e-6);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
