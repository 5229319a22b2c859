import { describe, expect, it } from 'vitest';
import type { Recalibration } from '../calibration/recalibration';
import type { Vec3 } from '../volume/types';
import { buildChannels, computeAdc } from './channels';
import { parseManifest, type ModelManifest } from './manifest';
import { normaliseChannels } from './normalise';
import { otsuThreshold } from './otsu';
import { labelMask, runSegmentation, type InferenceProgress } from './pipeline';
import { InferenceCancelledError, type ModelRunner } from './predict';
import { inferenceProvenance, inferenceProvenanceSchema } from './provenance';
import { resultNiftis } from './resultNifti';
import { readNifti } from '../nifti/read';

function manifest(over: Record<string, unknown> = {}): ModelManifest {
  return parseManifest(
    JSON.stringify({
      schemaVersion: 1,
      id: 't',
      name: 't',
      version: '1',
      license: 'x',
      intendedUse: 'tests',
      modality: 'MR',
      channels: [{ id: 't1' }],
      targetSpacingMm: [1, 1, 1],
      normalisation: { kind: 'zscore', foreground: 'all' },
      patchSize: [8, 8, 8],
      overlap: 0.5,
      ttaFlipAxes: [],
      output: { activation: 'sigmoid', labels: ['lesion'] },
      members: [{ file: 'a.onnx', sha256: 'a'.repeat(64) }],
      ...over,
    }),
  );
}
const logit = (p: number) => Math.log(p / (1 - p));
const constantRunner =
  (logits: number[]): ModelRunner =>
  async (x, shape) => {
    const per = shape[2] * shape[3] * shape[4];
    const out = new Float32Array(per * logits.length);
    logits.forEach((l, c) => out.fill(l, c * per, (c + 1) * per));
    return out;
  };
const H2 = (p: number) => (p <= 0 || p >= 1 ? 0 : -p * Math.log2(p) - (1 - p) * Math.log2(1 - p));

describe('channels', () => {
  it('computes ADC = ln(S0/Sb)/b, 0 on non-positive signal, clamped', () => {
    const s0 = [1000, 0, 500, 1000, 1000];
    const sb = [1000 * Math.exp(-1000 * 0.0008), 10, 600, 1e-9, 0];
    const adc = computeAdc(s0, sb, 1000, [0, 0.005]);
    expect(adc[0]).toBeCloseTo(0.0008, 9);
    expect(adc[1]).toBe(0); // no signal at b0: background
    expect(adc[2]).toBe(0); // Sb > S0 would be negative diffusion: clamped to 0
    expect(adc[3]).toBeCloseTo(0.005, 9); // ln(1e12)/1000 = 0.0276 → clamped
    expect(adc[4]).toBe(0);
  });

  it('derives a missing ADC only when allowed, and says what is missing', () => {
    const m = manifest({ channels: [{ id: 'dwi_b1000' }, { id: 'adc', ifMissing: 'computeFromB0' }] });
    const b0 = new Float32Array([100, 100]);
    const dwi = new Float32Array([100 * Math.exp(-1500 * 0.001), 50]);
    const [c0, c1] = buildChannels(m.channels, { images: { dwi_b0: b0, dwi_b1000: dwi }, bValue: 1500 }, 2);
    expect(c0).toBe(dwi);
    expect(c1[0]).toBeCloseTo(0.001, 8);
    expect(c1[1]).toBeCloseTo(Math.log(2) / 1500, 8);
    expect(() => buildChannels(m.channels, { images: { dwi_b1000: dwi } }, 2)).toThrow(
      /needs an ADC.*case provides: dwi_b1000; no b-value/,
    );
    const strict = manifest({ channels: [{ id: 'ct' }] });
    expect(() => buildChannels(strict.channels, { images: { t1: b0 } }, 2)).toThrow(
      'the model needs channel ct, which this case does not provide (case provides: t1)',
    );
    expect(() => buildChannels(strict.channels, { images: { ct: b0 } }, 3)).toThrow(/ct has 2 voxels, expected 3/);
  });
});

describe('normalisation', () => {
  it('z-scores over all voxels', () => {
    const c = new Float32Array([1, 2, 3, 4]);
    normaliseChannels({ kind: 'zscore', foreground: 'all', maskChannel: 0 }, [c]);
    const s = Math.sqrt(1.25);
    expect([...c].map((v) => +v.toFixed(6))).toEqual([-1.5 / s, -0.5 / s, 0.5 / s, 1.5 / s].map((v) => +v.toFixed(6)));
  });

  it('z-scores inside the Otsu mask of channel 0 and zeroes the background', () => {
    // Two clusters: background ≈ 0–2, head = 100/110. Otsu splits between them.
    const c0 = new Float32Array([0, 1, 2, 100, 110, 100, 110]);
    const c1 = new Float32Array([9, 9, 9, 1, 3, 1, 3]);
    const t = otsuThreshold(c0);
    expect(t).toBeGreaterThan(2);
    expect(t).toBeLessThan(100);
    normaliseChannels({ kind: 'zscore', foreground: 'otsu', maskChannel: 0 }, [c0, c1]);
    expect([...c0]).toEqual([0, 0, 0, -1, 1, -1, 1]);
    expect([...c1]).toEqual([0, 0, 0, -1, 1, -1, 1]);
  });

  it('clips and scales CT', () => {
    const c = new Float32Array([-1000, 40, 100, 3000]);
    normaliseChannels({ kind: 'ct', clip: [-100, 200], mean: 40, std: 20 }, [c]);
    expect([...c]).toEqual([-7, 0, 3, 8]);
  });
});

describe('uncertainty outputs', () => {
  it('match hand-computed entropy, mutual information and variance for a 2-member ensemble', async () => {
    const dims: Vec3 = [10, 9, 8];
    const m = manifest({ members: [1, 2].map((i) => ({ file: `${i}.onnx`, sha256: 'b'.repeat(64) })) });
    const r = await runSegmentation({
      manifest: m,
      runners: [constantRunner([logit(0.2)]), constantRunner([logit(0.6)])],
      dims,
      spacingMm: [1, 1, 1],
      sources: { images: { t1: new Float32Array(720).map((_, i) => i) } },
    });
    // p̄ = 0.4; H[p̄] = H2(0.4) = 0.97095 bits; E[H] = (H2(0.2) + H2(0.6)) / 2 = 0.84644; MI = 0.12451
    // variance = ((0.2 − 0.4)² + (0.6 − 0.4)²) / 2 = 0.04
    for (const v of [0, 123, 719]) {
      expect(r.probabilities[0][v]).toBeCloseTo(0.4, 5);
      expect(r.entropy[v]).toBeCloseTo(H2(0.4), 5);
      expect(H2(0.4)).toBeCloseTo(0.9709506, 6);
      expect(r.mutualInformation?.[v]).toBeCloseTo(H2(0.4) - (H2(0.2) + H2(0.6)) / 2, 5);
      expect(r.variance?.[0][v]).toBeCloseTo(0.04, 5);
      expect(r.mask[v]).toBe(0);
    }
    expect(r.samples).toEqual({ kind: 'members', count: 2 });
    expect(r.volumes).toEqual([{ label: 'lesion', expectedMl: expect.closeTo(0.4 * 0.72, 4), maskMl: 0 }]);
  });

  it('gives maximal disagreement for members at 0 and 1, and none for agreeing members', async () => {
    const dims: Vec3 = [8, 8, 8];
    const two = manifest({ members: [1, 2].map((i) => ({ file: `${i}.onnx`, sha256: 'c'.repeat(64) })) });
    const src = { images: { t1: new Float32Array(512).fill(1) } };
    const split = await runSegmentation({
      manifest: two,
      runners: [constantRunner([-60]), constantRunner([60])],
      dims,
      spacingMm: [1, 1, 1],
      sources: src,
    });
    expect(split.entropy[5]).toBeCloseTo(1, 5);
    expect(split.mutualInformation?.[5]).toBeCloseTo(1, 5); // H[p̄] = 1, E[H] = 0: all epistemic
    expect(split.variance?.[0][5]).toBeCloseTo(0.25, 5);
    const agree = await runSegmentation({
      manifest: two,
      runners: [constantRunner([0]), constantRunner([0])],
      dims,
      spacingMm: [1, 1, 1],
      sources: src,
    });
    expect(agree.entropy[5]).toBeCloseTo(1, 5);
    expect(agree.mutualInformation?.[5]).toBeCloseTo(0, 6); // all aleatoric
    expect(agree.variance?.[0][5]).toBeCloseTo(0, 6);
  });

  it('handles softmax: categorical entropy and argmax mask', async () => {
    const m = manifest({
      output: { activation: 'softmax', labels: ['background', 'core', 'penumbra'] },
      members: [1, 2].map((i) => ({ file: `${i}.onnx`, sha256: 'd'.repeat(64) })),
    });
    // members [0.7, 0.2, 0.1] and [0.1, 0.3, 0.6] (as logits ln p): p̄ = [0.4, 0.25, 0.35]
    const r = await runSegmentation({
      manifest: m,
      runners: [constantRunner([0.7, 0.2, 0.1].map(Math.log)), constantRunner([0.1, 0.3, 0.6].map(Math.log))],
      dims: [8, 8, 8],
      spacingMm: [1, 1, 1],
      sources: { images: { t1: new Float32Array(512) } },
    });
    const H = (ps: number[]) => -ps.reduce((s, p) => s + p * Math.log2(p), 0);
    expect(r.entropy[0]).toBeCloseTo(H([0.4, 0.25, 0.35]), 5);
    expect(r.mutualInformation?.[0]).toBeCloseTo(H([0.4, 0.25, 0.35]) - (H([0.7, 0.2, 0.1]) + H([0.1, 0.3, 0.6])) / 2, 5);
    expect(r.mask[0]).toBe(0); // background is the largest mean probability
    expect(r.volumes.map((v) => v.label)).toEqual(['core', 'penumbra']);
  });

  it('returns the members’ mean raw logits on the case grid when asked', async () => {
    const run = (keepLogits: boolean) =>
      runSegmentation({
        manifest: manifest({
          targetSpacingMm: [2, 2, 2],
          members: [1, 2].map((i) => ({ file: `${i}.onnx`, sha256: 'd'.repeat(64) })),
        }),
        runners: [constantRunner([1]), constantRunner([-4])],
        dims: [20, 18, 11],
        spacingMm: [1, 1, 1],
        sources: { images: { t1: new Float32Array(3960).map(Math.sqrt) } },
        keepLogits,
      });
    const kept = await run(true);
    expect(kept.logits?.[0].length).toBe(3960);
    for (const v of [0, 1000, 3959]) expect(kept.logits?.[0][v]).toBeCloseTo(-1.5, 5);
    expect((await run(false)).logits).toBeNull();
  });

  it('uses TTA variants as samples for a single model', async () => {
    const r = await runSegmentation({
      manifest: manifest({ ttaFlipAxes: [0, 1] }),
      runners: [constantRunner([1])],
      dims: [8, 8, 8],
      spacingMm: [1, 1, 1],
      sources: { images: { t1: new Float32Array(512) } },
    });
    expect(r.samples).toEqual({ kind: 'tta', count: 4 });
    expect(r.mutualInformation?.[0]).toBeCloseTo(0, 6);
    expect(r.mask[0]).toBe(1); // sigmoid(1) = 0.73 > 0.5
  });
});

describe('a calibrated model version', () => {
  const summary = {
    voxels: 1,
    ece: { 'positive-class': 0, 'top-label': 0, metricsreloaded: null },
    brier: 0,
    nll: 0,
    dice: 1,
    meanExpMinusRefMl: 0,
    meanThrMinusRefMl: 0,
  };
  const calibrated = (recalibration: Recalibration, over: Record<string, unknown> = {}) =>
    manifest({
      members: [1, 2].map((i) => ({ file: `${i}.onnx`, sha256: 'd'.repeat(64) })),
      calibration: {
        recalibration,
        provenance: {
          baseModel: { id: 't', version: '1' },
          fittedAt: '2026-01-01T00:00:00.000Z',
          reference: 'majority',
          region: 'whole image',
          logits: 'stored-probability-map',
          cases: ['a', 'b'],
          folds: 2,
          seed: 1,
          perFold: [],
          pooled: { before: summary, after: summary },
        },
      },
      ...over,
    });

  it('applies its temperature to every member’s logits before the sigmoid', async () => {
    const r = await runSegmentation({
      manifest: calibrated({ kind: 'temperature', temperature: 2 }),
      runners: [constantRunner([1]), constantRunner([3])],
      dims: [8, 8, 8],
      spacingMm: [1, 1, 1],
      sources: { images: { t1: new Float32Array(512).map((_, i) => i) } },
    });
    const p = [1 / (1 + Math.exp(-0.5)), 1 / (1 + Math.exp(-1.5))];
    const mean = (p[0] + p[1]) / 2;
    expect(r.probabilities[0][100]).toBeCloseTo(mean, 6);
    expect(r.mutualInformation?.[100]).toBeCloseTo(H2(mean) - (H2(p[0]) + H2(p[1])) / 2, 5);
  });

  const softmaxSummary = {
    voxels: 1,
    ece: { 'top-label': 0, classwise: 0 },
    brier: 0,
    nll: 0,
    dice: [1, 1],
    meanExpMinusRefMl: [0, 0],
    meanThrMinusRefMl: [0, 0],
  };
  const softmaxCalibrated = (recalibration: unknown, labels = ['bg', 'lesion'], over: Record<string, unknown> = {}) =>
    manifest({
      output: { activation: 'softmax', labels: ['bg', 'lesion'] },
      members: [1, 2].map((i) => ({ file: `${i}.onnx`, sha256: 'd'.repeat(64) })),
      calibration: {
        recalibration,
        provenance: {
          baseModel: { id: 't', version: '1' },
          fittedAt: '2026-01-01T00:00:00.000Z',
          reference: 'majority',
          region: 'whole image',
          logits: 'model-rerun',
          cases: ['a', 'b'],
          folds: 2,
          seed: 1,
          activation: 'softmax',
          labels,
          perFold: [],
          pooled: { before: softmaxSummary, after: softmaxSummary },
        },
      },
      ...over,
    });

  it('scales each class’s logit by 1/T_c before the softmax, for every member', async () => {
    const temperatures = [1.5, 3];
    const r = await runSegmentation({
      manifest: softmaxCalibrated({ kind: 'class-temperatures', labels: ['bg', 'lesion'], temperatures }),
      runners: [constantRunner([1, 2]), constantRunner([0.5, -1])],
      dims: [8, 8, 8],
      spacingMm: [1, 1, 1],
      sources: { images: { t1: new Float32Array(512).map((_, i) => i) } },
    });
    const lesion = (z: number[]) => {
      const e = z.map((x, c) => Math.exp(x / temperatures[c]));
      return e[1] / (e[0] + e[1]);
    };
    expect(r.probabilities[1][100]).toBeCloseTo((lesion([1, 2]) + lesion([0.5, -1])) / 2, 6);
  });

  it('is refused when it does not fit the output, and when the isotonic map is not monotone', () => {
    expect(() =>
      calibrated({ kind: 'temperature', temperature: 2 }, { output: { activation: 'softmax', labels: ['bg', 'lesion'] } }),
    ).toThrow(/fitted for a sigmoid model, and this model is softmax/);
    expect(() => softmaxCalibrated({ kind: 'class-temperatures', labels: ['bg', 'edema'], temperatures: [1, 2] })).toThrow(
      /labels \(bg, edema\) are not the model's output labels \(bg, lesion\)/,
    );
    expect(() =>
      softmaxCalibrated({ kind: 'temperature', temperature: 2 }, ['bg', 'lesion'], {
        output: { activation: 'sigmoid', labels: ['lesion'] },
      }),
    ).toThrow(/fitted for a softmax model/);
    expect(() => softmaxCalibrated({ kind: 'platt', a: 1, b: 0 })).toThrow(/not a valid model manifest/);
    expect(() => calibrated({ kind: 'isotonic', x: [0, 0.5, 1], y: [0, 0.6, 0.4] })).toThrow(/must not decrease/);
  });
});

describe('runSegmentation', () => {
  it('returns maps on the case grid when the target spacing differs', async () => {
    const r = await runSegmentation({
      manifest: manifest({ targetSpacingMm: [2, 2, 2] }),
      runners: [constantRunner([logit(0.9)])],
      dims: [20, 18, 11],
      spacingMm: [1, 1, 1],
      sources: { images: { t1: new Float32Array(3960).map(Math.sqrt) } },
    });
    expect(r.grid.targetDims).toEqual([10, 9, 6]);
    expect(r.probabilities[0].length).toBe(3960);
    for (const v of [0, 1000, 3959]) expect(r.probabilities[0][v]).toBeCloseTo(0.9, 5);
    expect(r.mask.every((x) => x === 1)).toBe(true);
    expect(r.volumes[0].maskMl).toBeCloseTo(3.96, 9);
  });

  it('reports progress with an ETA and stops between patches when aborted', async () => {
    const dims: Vec3 = [20, 20, 8]; // step 4: ceil(12 / 4) + 1 = 4 windows on i and j, 1 on k → 16
    const seen: InferenceProgress[] = [];
    let clock = 0;
    const r = await runSegmentation({
      manifest: manifest(),
      runners: [async (x, s) => ((clock += 10), constantRunner([0])(x, s))],
      dims,
      spacingMm: [1, 1, 1],
      sources: { images: { t1: new Float32Array(3200) } },
      onProgress: (p) => seen.push(p),
      now: () => clock,
    });
    expect(r.grid).toEqual({ targetDims: dims, windows: 16, runs: 16, skippedWindows: 0 });
    const inf = seen.filter((p) => p.stage === 'inference');
    expect(inf.map((p) => p.runsDone)).toEqual(Array.from({ length: 16 }, (_, i) => i + 1));
    expect(inf[0].etaSeconds).toBeCloseTo(0.15, 9); // 10 ms per run, 15 runs left
    expect(seen.at(-1)).toMatchObject({ stage: 'done', fraction: 1 });
    expect(r.timings.modelRunMs).toBe(160);

    const controller = { aborted: false };
    let calls = 0;
    const stopping: ModelRunner = async (x, s) => {
      if (++calls === 2) controller.aborted = true;
      return constantRunner([0])(x, s);
    };
    await expect(
      runSegmentation({
        manifest: manifest(),
        runners: [stopping],
        dims,
        spacingMm: [1, 1, 1],
        sources: { images: { t1: new Float32Array(3200) } },
        signal: controller,
      }),
    ).rejects.toBeInstanceOf(InferenceCancelledError);
    expect(calls).toBe(2);
  });

  it('thresholds strictly: p = 0.5 is background', () => {
    expect([...labelMask([new Float32Array([0.5, 0.5000001, 0.49, 1])], 'sigmoid')]).toEqual([0, 1, 0, 1]);
    expect([...labelMask([new Float32Array([0.2, 0.7]), new Float32Array([0.6, 0.6])], 'sigmoid')]).toEqual([2, 1]);
    // A user threshold: strict as well.
    expect([...labelMask([new Float32Array([0.25, 0.26, 0.9])], 'sigmoid', 0.25)]).toEqual([0, 1, 1]);
  });

  it('softmax: the argmax class, background where its p is at or below the threshold (issue 14)', () => {
    // Voxels: background wins; core 0.45 (argmax, under 0.5); penumbra 0.5 (at it); core 0.7.
    const p = [new Float32Array([0.6, 0.3, 0.2, 0.1]), new Float32Array([0.3, 0.45, 0.3, 0.7]), new Float32Array([0.1, 0.25, 0.5, 0.2])];
    expect([...labelMask(p, 'softmax', 0.5)]).toEqual([0, 0, 0, 1]);
    expect([...labelMask(p, 'softmax', 0.4)]).toEqual([0, 1, 2, 1]);
    // Threshold 0 is the plain argmax, as the pipeline's own mask.
    expect([...labelMask(p, 'softmax', 0)]).toEqual([0, 1, 2, 1]);
  });
});

describe('provenance', () => {
  it('records model, member hashes, EP, settings and timings, and survives its own schema', async () => {
    const m = manifest({ ttaFlipAxes: [0] });
    const r = await runSegmentation({
      manifest: m,
      runners: [constantRunner([2])],
      dims: [8, 8, 8],
      spacingMm: [1, 1, 1],
      sources: { images: { t1: new Float32Array(512) } },
    });
    const p = inferenceProvenance(m, r, {
      executionProvider: 'wasm',
      fallbackReason: 'WebGPU unavailable',
      startedAt: '2026-11-27T01:00:00Z',
    });
    expect(inferenceProvenanceSchema.parse(JSON.parse(JSON.stringify(p)))).toEqual(p);
    expect(p.members).toEqual([{ file: 'a.onnx', sha256: 'a'.repeat(64) }]);
    expect(p.settings).toEqual({ targetSpacingMm: [1, 1, 1], patchSize: [8, 8, 8], overlap: 0.5, ttaFlipAxes: [0], threshold: 0.5 });
    expect(p.samples).toEqual({ kind: 'tta', count: 2 });
    expect(Object.keys(p.timingsMs)).toContain('modelRunMs');
  });
});

describe('result NIfTIs', () => {
  it('write probability, mask and uncertainty on the case grid, readable back', async () => {
    const m = manifest({ members: [1, 2].map((i) => ({ file: `${i}.onnx`, sha256: 'e'.repeat(64) })) });
    const dims: Vec3 = [6, 5, 4];
    const r = await runSegmentation({
      manifest: m,
      runners: [constantRunner([logit(0.7)]), constantRunner([logit(0.9)])],
      dims,
      spacingMm: [1, 1, 1],
      sources: { images: { t1: new Float32Array(120) } },
    });
    const geometry = {
      dims,
      spacingMm: [1.5, 1.5, 2] as Vec3,
      originLps: [10, -20, 30] as Vec3,
      direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] as const,
    };
    const files = resultNiftis(r, geometry, m);
    const p = readNifti(files.probability);
    expect(p.geometry.dims).toEqual(dims);
    expect(p.geometry.originLps.map((x) => +x.toFixed(4))).toEqual([10, -20, 30]);
    expect(p.data[7]).toBeCloseTo(0.8, 5);
    expect(p.header.description).toBe('probability t 1');
    const mask = readNifti(files.mask);
    expect(mask.dataType).toBe('uint8');
    expect(mask.data[0]).toBe(1);
    const u = readNifti(files.uncertainty);
    expect(u.volumeCount).toBe(3);
    expect(files.uncertaintyVolumes).toEqual(['entropy (bits)', 'mutual information (bits)', 'variance of p (lesion)']);
    expect(u.data[120 * 2]).toBeCloseTo(0.01, 5); // variance of {0.7, 0.9}
  });
});
