/**
 * The demo model's result on a cohort case, through the same pipeline the app runs
 * (src-shared/inference: channels, resampling, normalisation, sliding window with the manifest's TTA,
 * ensemble average), on onnxruntime-node's CPU EP (a devDependency; the app runs onnxruntime-web,
 * which ort.test.ts shows agrees within 1e-4). Returns what "Save as rater" stores: the mask at
 * p > 0.5, the quantised probabilities and the provenance with the float map's volumes.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import {
  dwiChannelSources,
  inferenceProvenance,
  loadModelFolder,
  ortRunner,
  runSegmentation,
  type InferenceProvenance,
  type LoadedModel,
  type ModelRunner,
} from '../../src-shared/inference/index';
import { quantiseProbabilities } from '../../src-shared/inference/quantise';
import type { Vec3 } from '../../src-shared/volume/types';

export interface DemoModel {
  model: LoadedModel;
  runners: ModelRunner[];
}

export async function loadDemoModel(modelDir: string): Promise<DemoModel> {
  const model = await loadModelFolder(async (name) => {
    try {
      return new Uint8Array(readFileSync(path.join(modelDir, name)));
    } catch {
      return undefined;
    }
  }, modelDir);
  const runners: ModelRunner[] = [];
  for (const m of model.members) {
    // One thread: the cohort is made at set-up on a shared machine, and one thread keeps it reproducible.
    const session = await ort.InferenceSession.create(m.bytes, { intraOpNumThreads: 1, interOpNumThreads: 1 });
    runners.push(ortRunner(session, (d, s) => new ort.Tensor('float32', d, s), m.inputName, m.outputName));
  }
  return { model, runners };
}

export interface ModelOutput {
  mask: Uint8Array;
  probability: Uint8Array;
  provenance: InferenceProvenance;
}

export async function runDemoModel(
  demo: DemoModel,
  dims: Vec3,
  spacingMm: Vec3,
  volumes: ReadonlyArray<{ bValue: number | null; data: ArrayLike<number> & { length: number } }>,
): Promise<ModelOutput> {
  const startedAt = new Date().toISOString();
  const sources = dwiChannelSources(volumes.map((v) => ({ bValue: v.bValue, data: Float32Array.from(v.data) })));
  const result = await runSegmentation({ manifest: demo.model.manifest, runners: demo.runners, dims, spacingMm, sources });
  const threshold = 0.5;
  const p = result.probabilities[0];
  // The mask from the float map (strict p > t), as "Save as rater" does before quantising.
  const mask = new Uint8Array(p.length);
  for (let v = 0; v < p.length; v++) mask[v] = p[v] > threshold ? 1 : 0;
  const base = inferenceProvenance(demo.model.manifest, result, { executionProvider: 'cpu-native', startedAt });
  const volumesMl = result.volumes.map((v) => ({ label: v.label, expectedMl: v.expectedMl, maskMl: v.maskMl }));
  const provenance: InferenceProvenance = { ...base, settings: { ...base.settings, threshold }, volumes: volumesMl };
  return { mask, probability: quantiseProbabilities(result.probabilities), provenance };
}
