import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { offeredChannels, whyModelRefusesCase, type CaseMetadata } from './caseFit';
import { buildChannels } from './channels';
import { dwiChannelSources } from './dwiSources';
import { parseManifest, type ChannelSpec } from './manifest';

const demo = parseManifest(readFileSync(path.resolve(import.meta.dirname, '../../models/demo-dwi-lesion/model.json'), 'utf8'));

const dwi = (...bValues: number[]): CaseMetadata => ({ modality: 'MR', volumes: bValues.map((bValue) => ({ bValue })) });
const ct: CaseMetadata = { modality: 'CT', volumes: [{ bValue: null }] };
const t1: CaseMetadata = { modality: 'MR', volumes: [{ bValue: null }] };

/** What the run does with the same case: the channels built from real (tiny) arrays, or the error it throws. */
function runAccepts(channels: readonly ChannelSpec[], c: CaseMetadata): boolean {
  const voxels = new Float32Array([100, 80]);
  const withB = c.volumes.some((v) => v.bValue !== null);
  try {
    const sources = withB
      ? dwiChannelSources(c.volumes.map((v) => ({ bValue: v.bValue, data: voxels })))
      : { images: c.modality === 'CT' ? { ct: voxels } : {} };
    buildChannels(channels, sources, voxels.length);
    return true;
  } catch {
    return false;
  }
}

const cases: Array<[string, CaseMetadata]> = [
  ['the demo DWI (b = 5, 5, 1500)', dwi(5, 5, 1500)],
  ['a DWI with b = 0 and 1000', dwi(0, 1000)],
  ['a DWI with only b = 1000', dwi(1000)],
  ['a DWI with only b = 0', dwi(0, 0)],
  ['a CT', ct],
  ['a T1', t1],
];
const adcRequired: ChannelSpec[] = [
  { id: 'dwi_b1000', ifMissing: 'error', clampMm2PerS: [0, 0.005] },
  { id: 'adc', ifMissing: 'error', clampMm2PerS: [0, 0.005] },
];
const ctModel: ChannelSpec[] = [{ id: 'ct', ifMissing: 'error', clampMm2PerS: [0, 0.005] }];

describe('which cases a model accepts', () => {
  for (const [label, c] of cases) {
    for (const [model, channels] of [
      ['the demo model', demo.channels],
      ['a model that needs a given ADC', adcRequired],
      ['a CT model', ctModel],
    ] as const) {
      it(`decides ${model} on ${label} as the run does`, () => {
        const refusal = whyModelRefusesCase({ name: 'M', channels }, offeredChannels(c));
        expect(refusal === null).toBe(runAccepts(channels, c));
      });
    }
  }

  it('names the model, what it needs and what the case is', () => {
    const name = demo.name;
    expect(whyModelRefusesCase(demo, offeredChannels(ct))).toBe(
      `${name} needs a DWI with a high b-value (b > 50 s/mm², nominally b = 1000) and an ADC map, or a DWI with b ≈ 0 (b ≤ 50 s/mm²) and high-b images to compute it; this case is a CT.`,
    );
    expect(whyModelRefusesCase(demo, offeredChannels(dwi(1000)))).toBe(
      `${name} needs an ADC map, or a DWI with b ≈ 0 (b ≤ 50 s/mm²) and high-b images to compute it; this case is a DWI with b = 1000 s/mm².`,
    );
    expect(whyModelRefusesCase({ name: 'CT model', channels: ctModel }, offeredChannels(t1))).toBe(
      'CT model needs a CT; this case is an MR image with no b-values (Quorum gives a model DWI or CT inputs only).',
    );
  });
});
