/**
 * The manifest options that describe nnU-Net and MONAI exports (issue 14): per-channel
 * normalisation, axis order, crop to the non-zero box, graph outputs that are already
 * probabilities, ensembles averaged as logits, and nnU-Net's resampling back. Expected values are
 * derived by hand in each test, not by calling the code under test.
 */
import { describe, expect, it } from 'vitest';
import type { Direction, Vec3 } from '../volume/types';
import { ModelManifestError, parseManifest, type ModelManifest } from './manifest';
import { cropToBox, fromModelGrid, modelGrid, nonzeroBox, toModelGrid, uncropFromBox } from './modelGrid';
import { normaliseChannels } from './normalise';
import { runSegmentation } from './pipeline';
import type { ModelRunner } from './predict';
import { resampleAnisotropic, resampleAxis, resampleTrilinear } from './resample';

const base = {
  schemaVersion: 1,
  id: 't',
  name: 't',
  version: '1',
  license: 'x',
  intendedUse: 'tests',
  modality: 'MR',
  channels: [{ id: 't1' }],
  targetSpacingMm: [1, 1, 1],
  normalisation: { kind: 'none' },
  patchSize: [8, 8, 8],
  overlap: 0.5,
  output: { activation: 'sigmoid', labels: ['lesion'] },
  members: [{ file: 'a.onnx', sha256: 'a'.repeat(64) }],
};
const manifest = (over: Record<string, unknown> = {}): ModelManifest => parseManifest(JSON.stringify({ ...base, ...over }));
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const constantRunner =
  (values: number[]): ModelRunner =>
  async (_x, shape) => {
    const per = shape[2] * shape[3] * shape[4];
    const out = new Float32Array(per * values.length);
    values.forEach((l, c) => out.fill(l, c * per, (c + 1) * per));
    return out;
  };
const IDENTITY: Direction = [1, 0, 0, 0, 1, 0, 0, 0, 1];

function fill(dims: Vec3, f: (i: number, j: number, k: number) => number): Float32Array {
  const out = new Float32Array(dims[0] * dims[1] * dims[2]);
  for (let k = 0, o = 0; k < dims[2]; k++) for (let j = 0; j < dims[1]; j++) for (let i = 0; i < dims[0]; i++, o++) out[o] = f(i, j, k);
  return out;
}

describe('manifest fields for exported models', () => {
  it('defaults to the behaviour of earlier manifests', () => {
    const m = manifest();
    expect(m.axisOrder).toBe('nnunet');
    expect(m.cropToNonzero).toBe(false);
    expect(m.output.values).toBe('logits');
    expect(m.ensembleAverage).toBe('probabilities');
    expect(m.resampleBack).toEqual({ kind: 'trilinear' });
  });

  it('refuses logit averaging and calibration when the graph already outputs probabilities', () => {
    const probs = { activation: 'sigmoid', labels: ['lesion'], values: 'probabilities' };
    expect(() => manifest({ output: probs, ensembleAverage: 'logits' })).toThrow(
      /ensembleAverage: logits cannot be averaged: the graph outputs probabilities/,
    );
    expect(() => manifest({ output: probs })).not.toThrow();
  });

  it('refuses a per-channel normalisation list that does not match the channels', () => {
    const e = (() => {
      try {
        manifest({ normalisation: [{ kind: 'none' }, { kind: 'rescale' }] });
      } catch (x) {
        return x;
      }
    })();
    expect(e).toBeInstanceOf(ModelManifestError);
    expect((e as Error).message).toMatch(/normalisation: 2 normalisation schemes for 1 channels/);
    expect(() => manifest({ normalisation: [{ kind: 'zscore', foreground: 'nonzero', maskChannel: 1 }] })).toThrow(
      /maskChannel 1 does not exist/,
    );
  });
});

describe('per-channel normalisation', () => {
  it('rescales to [0, 1], leaves "none" alone and z-scores another channel by its own scheme', () => {
    const a = new Float32Array([2, 4, 6, 10]);
    const b = new Float32Array([7, -3, 0, 1]);
    const c = new Float32Array([0, 2, 0, 4]);
    normaliseChannels([{ kind: 'rescale' }, { kind: 'none' }, { kind: 'zscore', foreground: 'nonzero', maskChannel: 2 }], [a, b, c]);
    expect([...a]).toEqual([0, 0.25, 0.5, 1]); // (x − 2) / 8
    expect([...b]).toEqual([7, -3, 0, 1]);
    expect([...c]).toEqual([0, -1, 0, 1]); // non-zero {2, 4}: mean 3, std 1
  });

  it('turns a constant channel into zeros when rescaling', () => {
    const a = new Float32Array([5, 5, 5]);
    normaliseChannels({ kind: 'rescale' }, [a]);
    expect([...a]).toEqual([0, 0, 0]);
  });
});

describe('crop to the non-zero box', () => {
  it('finds the box over all channels and puts the crop back with a fill value', () => {
    const dims: Vec3 = [5, 4, 3];
    const a = fill(dims, (i, j, k) => (i === 1 && j === 2 && k === 0 ? 3 : 0));
    const b = fill(dims, (i, j, k) => (i === 3 && j === 1 && k === 2 ? -1 : 0));
    const box = nonzeroBox([a, b], dims);
    expect(box).toEqual({ start: [1, 1, 0], dims: [3, 2, 3] });
    const cropped = cropToBox(a, dims, box);
    expect(cropped[0 + 1 * 3 + 0 * 6]).toBe(3); // (1,2,0) is (0,1,0) in the box
    const back = uncropFromBox(cropped, dims, box, 9);
    expect(back[1 + 2 * 5]).toBe(3);
    expect(back[0]).toBe(9);
    expect(nonzeroBox([new Float32Array(60)], dims)).toEqual({ start: [0, 0, 0], dims });
  });

  it('runs the model on the box only and gives certain background outside it', async () => {
    const dims: Vec3 = [12, 10, 6];
    const t1 = fill(dims, (i, j, k) => (i >= 3 && i <= 7 && j >= 2 && j <= 5 && k >= 1 && k <= 3 ? 1 + i : 0));
    const shapes: number[][] = [];
    const runner: ModelRunner = async (x, shape) => {
      shapes.push([...shape]);
      return constantRunner([2, -1])(x, shape);
    };
    const r = await runSegmentation({
      manifest: manifest({ cropToNonzero: true, patchSize: [4, 4, 4], output: { activation: 'softmax', labels: ['bg', 'lesion'] } }),
      runners: [runner],
      dims,
      spacingMm: [1, 1, 1],
      sources: { images: { t1 } },
    });
    // Box 5 × 4 × 3: windows of 4 with step 2 → 2 along i, 1 along j, 1 along k (padded to 4).
    expect(shapes).toEqual([
      [1, 1, 4, 4, 4],
      [1, 1, 4, 4, 4],
    ]);
    const inside = 3 + 2 * 12 + 1 * 120;
    const pLesion = Math.exp(-1) / (Math.exp(2) + Math.exp(-1));
    expect(r.probabilities[1][inside]).toBeCloseTo(pLesion, 6);
    expect(r.probabilities[0][0]).toBe(1);
    expect(r.probabilities[1][0]).toBe(0);
    expect(r.entropy[0]).toBe(0);
  });
});

describe('outputs and ensembles', () => {
  it('takes a graph that ends in its activation as probabilities', async () => {
    const r = await runSegmentation({
      manifest: manifest({ output: { activation: 'sigmoid', labels: ['lesion'], values: 'probabilities' } }),
      runners: [constantRunner([0.3])],
      dims: [8, 8, 8],
      spacingMm: [1, 1, 1],
      sources: { images: { t1: new Float32Array(512) } },
    });
    expect(r.probabilities[0][100]).toBeCloseTo(0.3, 6);
  });

  it('averages members as logits (nnU-Net v2) or as probabilities', async () => {
    const run = (ensembleAverage: string) =>
      runSegmentation({
        manifest: manifest({ ensembleAverage, members: [1, 2].map((n) => ({ file: `${n}.onnx`, sha256: `${n}`.repeat(64) })) }),
        runners: [constantRunner([Math.log(0.25)]), constantRunner([Math.log(1.5)])],
        dims: [8, 8, 8],
        spacingMm: [1, 1, 1],
        sources: { images: { t1: new Float32Array(512) } },
      });
    // Odds 0.25 and 1.5 → p 0.2 and 0.6. Mean logit = ln √(0.25 · 1.5); mean probability = 0.4.
    const odds = Math.sqrt(0.25 * 1.5);
    expect((await run('logits')).probabilities[0][7]).toBeCloseTo(odds / (1 + odds), 6);
    expect((await run('probabilities')).probabilities[0][7]).toBeCloseTo(0.4, 6);
  });
});

describe('MONAI axis order', () => {
  it('reorients an LPS-identity case to RAS and hands the model [C, x, y, z] with z fastest', async () => {
    const dims: Vec3 = [4, 3, 2];
    const f = (i: number, j: number, k: number) => (i + 10 * j + 100 * k) / 1000;
    const t1 = fill(dims, f);
    let seen: { x: Float32Array; shape: number[] } | null = null;
    const echo: ModelRunner = async (x, shape) => {
      seen = { x: Float32Array.from(x), shape: [...shape] };
      return Float32Array.from(x);
    };
    const r = await runSegmentation({
      // patchSize is MONAI's roi_size (x, y, z): the whole case in one window.
      manifest: manifest({ axisOrder: 'monai', patchSize: [4, 3, 2] }),
      runners: [echo],
      dims,
      spacingMm: [1, 1, 1],
      direction: IDENTITY,
      sources: { images: { t1 } },
    });
    const got = seen as unknown as { x: Float32Array; shape: number[] };
    expect(got.shape).toEqual([1, 1, 4, 3, 2]);
    // Identity LPS: i runs to the Left and j to Posterior, so x = R is i reversed and y = A is j reversed.
    for (let x = 0; x < 4; x++)
      for (let y = 0; y < 3; y++) for (let z = 0; z < 2; z++) expect(got.x[(x * 3 + y) * 2 + z]).toBeCloseTo(f(3 - x, 2 - y, z), 6);
    // And the output comes back to the case's own grid.
    for (const [i, j, k] of [
      [0, 0, 0],
      [3, 1, 1],
      [2, 2, 0],
    ])
      expect(r.probabilities[0][i + 4 * j + 12 * k]).toBeCloseTo(sigmoid(f(i, j, k)), 6);
  });

  it('needs the orientation, and maps an axial-RAS file to itself up to the transpose', () => {
    expect(() => modelGrid('monai', [2, 2, 2], [1, 1, 1])).toThrow(/no orientation to reorient it by/);
    // NIfTI RAS file: i → R (LPS −x), j → A (−y), k → S.
    const g = modelGrid('monai', [3, 2, 2], [0.5, 0.7, 3], [-1, 0, 0, 0, -1, 0, 0, 0, 1]);
    expect(g.flip).toEqual([false, false, false]);
    expect(g.perm).toEqual([2, 1, 0]);
    expect(g.spacingMm).toEqual([3, 0.7, 0.5]);
    const src = fill([3, 2, 2], (i, j, k) => i + 10 * j + 100 * k);
    expect(fromModelGrid(toModelGrid(src, [3, 2, 2], g), [3, 2, 2], g)).toEqual(src);
  });
});

describe('resampling back', () => {
  it('cubic B-spline: exact at the samples, and reproduces a cubic polynomial away from the edges', () => {
    const line = fill([40, 1, 1], (i) => Math.cos(i));
    const same = resampleAxis(line, [40, 1, 1], 0, 40, 'cubic');
    for (let i = 0; i < 40; i++) expect(same[i]).toBeCloseTo(line[i], 5);
    const p = (x: number) => {
      const t = x / 40;
      return t * t * t - 2 * t * t + 0.5 * t + 1;
    };
    const up = resampleAxis(fill([40, 1, 1], p), [40, 1, 1], 0, 100, 'cubic');
    // Output x samples input (x + 0.5) · 0.4 − 0.5; far from the boundary the mirror extension has decayed.
    for (let x = 30; x < 70; x++) expect(up[x]).toBeCloseTo(p((x + 0.5) * 0.4 - 0.5), 5);
  });

  it('anisotropic: nearest across thick slices, cubic in plane; isotropic grids get cubic on every axis', () => {
    const dims: Vec3 = [4, 4, 3];
    const src = fill(dims, (i, j, k) => i + 10 * j + 100 * k);
    const out = resampleAnisotropic(src, dims, [4, 4, 6], [1, 1, 5], 'nearest', 3);
    // Output slice z samples input (z + 0.5) / 2 − 0.5 = −0.25, 0.25, 0.75, 1.25, 1.75, 2.25 → rounded.
    const from = [0, 0, 1, 1, 2, 2];
    for (let z = 0; z < 6; z++) expect(out[5 + 16 * z]).toBe(src[5 + 16 * from[z]]);
    const lin = resampleAnisotropic(src, dims, [4, 4, 6], [1, 1, 5], 'linear', 3);
    expect(lin).toEqual(resampleTrilinear(src, dims, [4, 4, 6]));
    const iso = resampleAnisotropic(src, dims, [4, 4, 6], [1, 1, 2], 'nearest', 3);
    expect(iso).toEqual(resampleAxis(src, dims, 2, 6, 'cubic'));
  });
});
