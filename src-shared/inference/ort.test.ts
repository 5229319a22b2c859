/**
 * The shipped demo model on real runtimes: onnxruntime-web's WASM EP (run in Node, 1 thread) must
 * match onnxruntime-node's CPU EP within 1e-4, on a raw forward pass and through the whole pipeline
 * on the real demo DWI. Also checks the committed folder (hashes, ops) and that the model stays
 * quiet on the lesion-free scan.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ortNode from 'onnxruntime-node';
import * as ortWeb from 'onnxruntime-web';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Vec3 } from '../volume/types';
import { parseBval, readNifti, splitByBValue } from '../nifti/index';
import type { ChannelSources } from './channels';
import { dwiChannelSources } from './dwiSources';
import { loadModelFolder, type LoadedModel } from './modelFolder';
import { ortRunner } from './ortRunner';
import { runSegmentation } from './pipeline';
import type { ModelRunner } from './predict';

const root = join(import.meta.dirname, '..', '..');
const modelDir = join(root, 'models', 'demo-dwi-lesion');

let model: LoadedModel;
let nodeRunners: ModelRunner[];
let webRunners: ModelRunner[];
let dwi: { dims: Vec3; spacingMm: Vec3; sources: ChannelSources };

beforeAll(async () => {
  model = await loadModelFolder(async (name) => {
    try {
      return new Uint8Array(readFileSync(join(modelDir, name)));
    } catch {
      return undefined;
    }
  }, 'models/demo-dwi-lesion');
  ortWeb.env.wasm.numThreads = 1;
  nodeRunners = [];
  webRunners = [];
  for (const m of model.members) {
    const sn = await ortNode.InferenceSession.create(m.bytes, { intraOpNumThreads: 1 });
    nodeRunners.push(ortRunner(sn, (d, s) => new ortNode.Tensor('float32', d, s), m.inputName, m.outputName));
    const sw = await ortWeb.InferenceSession.create(m.bytes, { executionProviders: ['wasm'] });
    webRunners.push(ortRunner(sw, (d, s) => new ortWeb.Tensor('float32', d, s), m.inputName, m.outputName));
  }
  const image = readNifti(new Uint8Array(readFileSync(join(root, 'demo', 'dwi', 'dwi.nii.gz'))), { fileName: 'dwi.nii.gz' });
  const vols = splitByBValue(image, parseBval(readFileSync(join(root, 'demo', 'dwi', 'dwi.bval'), 'utf8')), []);
  dwi = {
    dims: image.geometry.dims,
    spacingMm: image.geometry.spacingMm,
    sources: dwiChannelSources(vols.map((v) => ({ bValue: v.bValue, data: v.volume.data }))),
  };
}, 120_000);

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
}

describe('the shipped demo model folder', () => {
  it('passes validation: 3 members with matching hashes and WebGPU-safe ops', () => {
    expect(model.manifest.intendedUse).toMatch(/^demo model, not for clinical use/);
    expect(model.members).toHaveLength(3);
    expect(model.webgpu.canRunOnWebGpu).toBe(true);
    expect(model.webgpu.warnings).toEqual([]);
    // As listed by the onnx Python package at export time (models/train/train.py prints them).
    expect([...model.webgpu.opCounts.keys()].sort()).toEqual(['Concat', 'Constant', 'Conv', 'LeakyRelu', 'Resize']);
    for (const m of model.members) expect(m.graph.inputs).toEqual([{ name: 'image', shape: [1, 2, 'd', 'h', 'w'] }]);
  });
});

describe('onnxruntime-web WASM vs onnxruntime-node', () => {
  it('agree within 1e-4 on one forward pass', async () => {
    const shape = [1, 2, 32, 64, 64];
    const x = Float32Array.from({ length: 2 * 32 * 64 * 64 }, (_, i) => Math.sin(i * 0.0013) * 2 + Math.cos(i * 0.00007));
    for (let m = 0; m < 3; m++) {
      const a = await nodeRunners[m](x, shape);
      const b = await webRunners[m](x, shape);
      expect(a.length).toBe(32 * 64 * 64);
      expect(maxAbsDiff(a, b)).toBeLessThan(1e-4);
    }
  });

  it('agree within 1e-4 through the whole pipeline on the real demo DWI', async () => {
    const run = (runners: ModelRunner[]) => runSegmentation({ manifest: model.manifest, runners, ...dwi });
    const a = await run(nodeRunners);
    const b = await run(webRunners);
    expect(a.grid).toEqual({ targetDims: [124, 152, 32], windows: 12, runs: 72, skippedWindows: 0 });
    expect(maxAbsDiff(a.probabilities[0], b.probabilities[0])).toBeLessThan(1e-4);
    expect(maxAbsDiff(a.entropy, b.entropy)).toBeLessThan(1e-3); // entropy is steep near p = 0 and 1
    // On the lesion-free real scan, the demo model should find (almost) nothing.
    expect(a.volumes[0].maskMl).toBeLessThan(1);
  }, 240_000);
});
