/**
 * Real exported architectures through Quorum's pipeline (issue 14): models/train/export_archs.py
 * builds an nnU-Net PlainConvUNet-style and a MONAI BasicUNet-style network (random weights, fixed
 * seed), exports each with a manifest, and computes the lesion probability on the demo DWI with a
 * Python re-implementation of the pipeline its manifest describes. Quorum's pipeline on
 * onnxruntime-node must give the same within 1e-4 — for the nnU-Net-style model also with the
 * ConvTranspose-rewritten graph that WebGPU gets. Needs Debian's python3-torch, python3-onnx and
 * python3-nibabel (models/train/README.md).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseBval, readNifti, splitByBValue } from '../nifti/index';
import type { Vec3 } from '../volume/types';
import { dwiChannelSources } from './dwiSources';
import { loadModelFolder, type LoadedModel } from './modelFolder';
import { ortRunner } from './ortRunner';
import { runSegmentation } from './pipeline';

const root = join(import.meta.dirname, '..', '..');
let out: string;

beforeAll(() => {
  out = mkdtempSync(join(tmpdir(), 'quorum-archs-'));
  // Debian's interpreter: the `python3` on PATH may be another build (environment.md).
  execFileSync('/usr/bin/python3', [join(root, 'models', 'train', 'export_archs.py'), out], {
    env: { ...process.env, OMP_NUM_THREADS: '1' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}, 300_000);
afterAll(() => rmSync(out, { recursive: true, force: true }));

function demoDwi() {
  const image = readNifti(new Uint8Array(readFileSync(join(root, 'demo', 'dwi', 'dwi.nii.gz'))), { fileName: 'dwi.nii.gz' });
  const vols = splitByBValue(image, parseBval(readFileSync(join(root, 'demo', 'dwi', 'dwi.bval'), 'utf8')), []);
  const g = image.geometry;
  return {
    dims: g.dims as Vec3,
    spacingMm: g.spacingMm as Vec3,
    direction: g.direction,
    sources: dwiChannelSources(vols.map((v) => ({ bValue: v.bValue, data: v.volume.data }))),
  };
}

async function load(name: string): Promise<LoadedModel> {
  return loadModelFolder(async (f) => {
    try {
      return new Uint8Array(readFileSync(join(out, name, f)));
    } catch {
      return undefined;
    }
  }, name);
}

async function lesionProbability(model: LoadedModel, bytes: Uint8Array): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1 });
  const m = model.members[0];
  const runner = ortRunner(session, (d, s) => new ort.Tensor('float32', d, s), m.inputName, m.outputName);
  const r = await runSegmentation({ manifest: model.manifest, runners: [runner], ...demoDwi() });
  return r.probabilities[1];
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
}

const reference = (name: string) => new Float32Array(readFileSync(join(out, `${name}.reference.f32`)).buffer.slice(0));

describe('exported architectures equal their Python pipeline', () => {
  it('nnU-Net PlainConvUNet style (ConvTranspose, crop, z-score, logits), original and WebGPU rewrite', async () => {
    const model = await load('nnunet-style');
    const m = model.members[0];
    expect(m.graph.nodes.filter((n) => n.opType === 'ConvTranspose')).toHaveLength(2);
    expect(m.webgpuBytes).not.toBeNull();
    expect(model.webgpu.canRunOnWebGpu).toBe(true);
    const want = reference('nnunet-style');
    expect(maxAbsDiff(await lesionProbability(model, m.bytes), want)).toBeLessThan(1e-4);
    expect(maxAbsDiff(await lesionProbability(model, m.webgpuBytes as Uint8Array), want)).toBeLessThan(1e-4);
  }, 120_000);

  it('MONAI BasicUNet style (RAS, [C, x, y, z], rescale, softmax in the graph)', async () => {
    const model = await load('monai-style');
    const want = reference('monai-style');
    expect(maxAbsDiff(await lesionProbability(model, model.members[0].bytes), want)).toBeLessThan(1e-4);
  }, 120_000);
});
