/**
 * The shipped multi-class demo model (models/demo-ct-core-penumbra, issue 14) through the app's own
 * loader and pipeline on onnxruntime-node: its manifest validates, it accepts a CT case, and on a
 * head CT phantom built here (not by the training script: its own shapes, grid and noise) it finds
 * the infarct core and the penumbra around it. The Dice floors are below what was measured (see the
 * model's README), so the test checks the model works without pinning its last decimals.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ortNode from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { LABEL_PRESETS } from '../project/labelTable';
import { mulberry32 } from '../random/mulberry32';
import type { Vec3 } from '../volume/types';
import { offeredChannels, whyModelRefusesCase } from './caseFit';
import { classValues } from './classLabels';
import { loadModelFolder, type LoadedModel } from './modelFolder';
import { ortRunner } from './ortRunner';
import { runSegmentation } from './pipeline';

const modelDir = join(import.meta.dirname, '..', '..', 'models', 'demo-ct-core-penumbra');

let model: LoadedModel;

beforeAll(async () => {
  model = await loadModelFolder(async (name) => {
    try {
      return new Uint8Array(readFileSync(join(modelDir, name)));
    } catch {
      return undefined;
    }
  }, 'models/demo-ct-core-penumbra');
}, 60_000);

/** A head CT on a 1 × 1 × 1.5 mm grid (i fastest) with an infarct; labels 1 core, 2 penumbra. */
function phantom(): { dims: Vec3; spacingMm: Vec3; hu: Float32Array; label: Uint8Array } {
  const dims: Vec3 = [160, 200, 100];
  const spacingMm: Vec3 = [1, 1, 1.5];
  const n = dims[0] * dims[1] * dims[2];
  const hu = new Float32Array(n);
  const label = new Uint8Array(n);
  const random = mulberry32(14);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const c = [80, 100, 75]; // mm
  const r2 = (x: number, y: number, z: number, cx: number, cy: number, cz: number, a: number, b: number, d: number) =>
    ((x - cx) / a) ** 2 + ((y - cy) / b) ** 2 + ((z - cz) / d) ** 2;
  let v = 0;
  for (let k = 0; k < dims[2]; k++)
    for (let j = 0; j < dims[1]; j++)
      for (let i = 0; i < dims[0]; i++, v++) {
        const x = i * spacingMm[0];
        const y = j * spacingMm[1];
        const z = k * spacingMm[2];
        const head = (a: number) => r2(x, y, z, c[0], c[1], c[2], 68 - a, 88 - a, 62 - a) < 1;
        let h = -1000;
        if (head(0)) h = 45; // scalp
        if (head(4)) h = 1100; // skull
        if (head(10)) h = 6; // CSF rim
        if (head(12)) {
          h = 33 + 4 * Math.sin(x / 6) * Math.sin(y / 7) * Math.sin(z / 5); // grey-white pattern
          const ventricle = r2(Math.abs(x - c[0]), y, z, 7, c[1] - 5, c[2] + 5, 4, 16, 8) < 1;
          if (ventricle) h = 4;
          else {
            // The infarct: a penumbra (−4 HU) around a core (−10 HU), left of the midline.
            const core = r2(x, y, z, 112, 80, 90, 9, 8, 8) < 1;
            const pen = r2(x, y, z, 110, 82, 88, 20, 17, 15) < 1;
            if (core) {
              h -= 10;
              label[v] = 1;
            } else if (pen) {
              h -= 4;
              label[v] = 2;
            }
          }
        }
        hu[v] = h + 3 * gauss();
      }
  return { dims, spacingMm, hu, label };
}

function dice(mask: Uint8Array, label: Uint8Array, c: number): number {
  let both = 0;
  let sum = 0;
  for (let v = 0; v < mask.length; v++) {
    const a = mask[v] === c;
    const b = label[v] === c;
    if (a && b) both++;
    sum += Number(a) + Number(b);
  }
  return sum === 0 ? 1 : (2 * both) / sum;
}

describe('the multi-class demo CT model', () => {
  it("validates, takes one CT channel and names the core/penumbra preset's labels", () => {
    expect(model.manifest.intendedUse).toMatch(/^demo model, not for clinical use/);
    expect(model.manifest.output).toMatchObject({ activation: 'softmax', labels: ['background', 'Core', 'Penumbra'] });
    expect(model.webgpu.canRunOnWebGpu).toBe(true);
    expect(whyModelRefusesCase(model.manifest, offeredChannels({ modality: 'CT', volumes: [{ bValue: null }] }))).toBeNull();
    // Every foreground class has a label of its name in the preset, so a result can be saved there.
    expect(classValues(['Core', 'Penumbra'], LABEL_PRESETS['core-penumbra'].labels)).toEqual({ ok: true, values: [1, 2] });
  });

  it('finds the core and the penumbra on a head CT phantom', async () => {
    const p = phantom();
    const runners = [];
    for (const m of model.members) {
      const s = await ortNode.InferenceSession.create(m.bytes, { intraOpNumThreads: 1 });
      runners.push(ortRunner(s, (d, shape) => new ortNode.Tensor('float32', d, shape), m.inputName, m.outputName));
    }
    const r = await runSegmentation({
      manifest: model.manifest,
      runners,
      dims: p.dims,
      spacingMm: p.spacingMm,
      sources: { images: { ct: p.hu } },
    });
    const core = dice(r.mask, p.label, 1);
    const penumbra = dice(r.mask, p.label, 2);
    console.log(`phantom Dice: core ${core.toFixed(3)}, penumbra ${penumbra.toFixed(3)}`);
    expect(core).toBeGreaterThan(0.4);
    expect(penumbra).toBeGreaterThan(0.6);
  }, 240_000);
});
