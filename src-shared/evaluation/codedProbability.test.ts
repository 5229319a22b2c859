/**
 * A model's stored map kept as its codes q = round(255 p) with the table q / 255 (issue 15: 75 MiB
 * instead of a 300 MiB Float32 copy on a 512×512×300 CT) gives the same case evaluation, bit for
 * bit, as the Float32 map p[i] = q[i] / 255 the renderer built before.
 */
import { describe, expect, it } from 'vitest';
import { evaluateCase } from './caseEvaluation';
import { syntheticCaseInput, syntheticCohort } from './datasetSynthetic';
import { checkSources, thresholdProbability } from './sources';
import type { CaseSourcesInput, EvaluationOptions } from './types';

const options: EvaluationOptions = { conventions: ['use', 'isles22', 'metricsreloaded'], uncertainAs: 'background' };

/** The case's model map quantised once as stored, as a Float32 map of q / 255 and as codes with a table. */
function bothForms(input: CaseSourcesInput): { float: CaseSourcesInput; coded: CaseSourcesInput } {
  const m = input.model;
  if (!(m?.probability instanceof Float32Array)) throw new Error('the synthetic case has no Float32 model map');
  const codes = Uint8Array.from(m.probability, (p) => Math.round(p * 255));
  const float = Float32Array.from(codes, (q) => q / 255);
  const values = new Float32Array(256);
  for (let q = 0; q < 256; q++) values[q] = q / 255;
  return {
    float: { ...input, model: { ...m, probability: float } },
    coded: { ...input, model: { ...m, probability: { codes, values } } },
  };
}

const withoutTiming = <T extends { computed: object }>(ev: T) => ({ ...ev, computed: { ...ev.computed, ms: 0 } });

describe('a coded probability map', () => {
  it('evaluates bit for bit like its Float32 decoding (volumes, soft Dice, calibration, masks)', () => {
    for (const spec of syntheticCohort({ cases: 2, seed: 3 })) {
      const { float, coded } = bothForms(syntheticCaseInput(spec));
      const a = evaluateCase(float, options);
      const b = evaluateCase(coded, options);
      expect(withoutTiming(b)).toEqual(withoutTiming(a));
      const p = float.model?.probability as Float32Array;
      const codedP = coded.model?.probability ?? p;
      for (const t of [0, 0.2, 0.5, 0.8])
        expect(Array.from(thresholdProbability(codedP, t))).toEqual(Array.from(thresholdProbability(p, t)));
    }
  });

  it('refuses a table with a value outside [0, 1]', () => {
    const { coded } = bothForms(syntheticCaseInput(syntheticCohort({ cases: 1, seed: 3 })[0]));
    const m = coded.model;
    const p = m?.probability;
    if (!m || !p || p instanceof Float32Array) throw new Error('not coded');
    const values = p.values.slice();
    values[7] = 1.5;
    expect(() => checkSources({ ...coded, model: { ...m, probability: { codes: p.codes, values } } })).toThrow(/1\.5 at code 7/);
  });
});
