/**
 * A model folder on disk run by onnxruntime-node on one thread: the reference the e2e specs set the
 * app's own run against (same manifest, same pipeline, another runtime).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as ortNode from 'onnxruntime-node';
import { loadModelFolder, ortRunner, type LoadedModel, type ModelRunner } from '../../src-shared/inference';

export async function modelOnNode(dir: string): Promise<{ model: LoadedModel; runners: ModelRunner[] }> {
  const model = await loadModelFolder(async (name) => {
    try {
      return new Uint8Array(readFileSync(path.join(dir, name)));
    } catch {
      // Absent: loadModelFolder names the missing file.
      return undefined;
    }
  });
  const runners: ModelRunner[] = [];
  for (const m of model.members) {
    const s = await ortNode.InferenceSession.create(m.bytes, { intraOpNumThreads: 1 });
    runners.push(ortRunner(s, (d, shape) => new ortNode.Tensor('float32', d, shape), m.inputName, m.outputName));
  }
  return { model, runners };
}
