/**
 * Measures a core/penumbra model folder on the multi-class demo case (data-cache/demo-core-penumbra,
 * made by scripts/demo-core-penumbra/) through the app's own loader and pipeline on
 * onnxruntime-node, as the app runs it: the volume of each class and its Dice against the case's
 * truth mask. The case derives from the GPL demo head CT, so it is never committed or trained on;
 * only these figures go into the model's README.
 *
 *   npx tsx scripts/eval-core-penumbra-model.ts [--model DIR] [--case DIR]
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as ortNode from 'onnxruntime-node';
import { loadModelFolder, ortRunner, runSegmentation } from '../src-shared/inference/index';
import { caseChannelSources } from '../src-shared/inference/caseSources';
import { readNifti } from '../src-shared/nifti/index';

const repo = path.resolve(import.meta.dirname, '..');

function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function readVolume(file: string) {
  return readNifti(new Uint8Array(readFileSync(file)), { fileName: path.basename(file) });
}

async function main(): Promise<void> {
  const modelDir = path.resolve(argValue('--model') ?? path.join(repo, 'models', 'demo-ct-core-penumbra'));
  const caseDir = path.resolve(argValue('--case') ?? path.join(repo, 'data-cache', 'demo-core-penumbra'));
  const model = await loadModelFolder(async (name) => {
    try {
      return new Uint8Array(readFileSync(path.join(modelDir, name)));
    } catch {
      return undefined;
    }
  }, modelDir);
  const image = readVolume(path.join(caseDir, 'ct-core-penumbra.nii.gz'));
  const truth = readVolume(path.join(caseDir, 'truth.nii.gz')).data;
  const runners = [];
  for (const m of model.members) {
    const s = await ortNode.InferenceSession.create(m.bytes, { intraOpNumThreads: 1 });
    runners.push(ortRunner(s, (d, shape) => new ortNode.Tensor('float32', d, shape), m.inputName, m.outputName));
  }
  const { dims, spacingMm } = image.geometry;
  const r = await runSegmentation({
    manifest: model.manifest,
    runners,
    dims,
    spacingMm,
    sources: caseChannelSources('CT', [{ bValue: null, data: image.data }]),
  });
  const voxelMl = (spacingMm[0] * spacingMm[1] * spacingMm[2]) / 1000;
  // Class c of the softmax is written as label value c in the core/penumbra preset (1 Core, 2 Penumbra).
  model.manifest.output.labels.slice(1).forEach((name, index) => {
    const c = index + 1;
    let predicted = 0;
    let reference = 0;
    let both = 0;
    for (let v = 0; v < r.mask.length; v++) {
      const a = r.mask[v] === c;
      const b = truth[v] === c;
      predicted += Number(a);
      reference += Number(b);
      both += Number(a && b);
    }
    const dice = predicted + reference === 0 ? 1 : (2 * both) / (predicted + reference);
    console.log(
      `${name}: predicted ${(predicted * voxelMl).toFixed(2)} ml, truth ${(reference * voxelMl).toFixed(2)} ml, Dice ${dice.toFixed(3)}`,
    );
  });
}

await main();
