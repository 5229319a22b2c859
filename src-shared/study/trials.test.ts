import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findLeaks, studyIdentifiers } from './blinding';
import type { StudyConfig, StudySource } from './design';
import { CONSENSUS_SOURCE, countingTrialIds, MODEL_SOURCE, pairedStudy, RATER_SOURCE } from './testFixtures';
import { planStudy, readerTrialSchema, type ServerTrial, toReaderTrial } from './trials';

function byReader(trials: ServerTrial[]): Map<string, ServerTrial[]> {
  const m = new Map<string, ServerTrial[]>();
  for (const t of trials) m.set(t.readerId, [...(m.get(t.readerId) ?? []), t]);
  return m;
}

const extraModel: StudySource = { sourceId: 'src-m2', ref: { kind: 'model', modelId: 'other-net', version: 'v9' }, label: 'Other' };

describe('planStudy (paired)', () => {
  it('gives each reader every (case, source pair) once, with the trial ids the caller draws', () => {
    const config = pairedStudy({ sources: [MODEL_SOURCE, RATER_SOURCE, CONSENSUS_SOURCE] });
    const trials = planStudy(config, countingTrialIds());
    // 4 cases × 3 pairs × 2 readers
    expect(trials).toHaveLength(24);
    expect(new Set(trials.map((t) => t.trialId)).size).toBe(24);
    // Ids are the caller's (the server's are random UUIDs), drawn once per trial in plan order.
    expect(trials.map((t) => t.trialId)).toEqual(trials.map((_, i) => `trial-${i + 1}`));
    for (const [, list] of byReader(trials)) {
      expect(list.map((t) => t.position)).toEqual([...Array(12).keys()]);
      const combos = list.map((t) => `${t.caseId}:${[t.sourceA, t.sourceB].sort().join('+')}`);
      expect(new Set(combos).size).toBe(12);
    }
  });

  it('is reproducible from the configuration, whatever order the cases were chosen in', () => {
    const config = pairedStudy();
    expect(planStudy(config, countingTrialIds())).toEqual(planStudy(config, countingTrialIds()));
    expect(planStudy({ ...config, caseIds: [...config.caseIds].reverse() }, countingTrialIds())).toEqual(
      planStudy(config, countingTrialIds()),
    );
    expect(planStudy({ ...config, seed: 'another' }, countingTrialIds())).not.toEqual(planStudy(config, countingTrialIds()));
  });

  it('gives different readers different case orders', () => {
    const config = pairedStudy({ readerIds: ['r1', 'r2', 'r3', 'r4', 'r5'] });
    const orders = [...byReader(planStudy(config, countingTrialIds())).values()].map((l) => l.map((t) => t.caseId).join(','));
    expect(new Set(orders).size).toBe(5);
  });

  it('balances left/right placement of each source pair within ±1 per reader, for any seed and size', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1 }),
        fc.integer({ min: 1, max: 15 }),
        fc.integer({ min: 2, max: 4 }),
        fc.integer({ min: 1, max: 4 }),
        (seed, nCases, nSources, nReaders) => {
          const sources = [MODEL_SOURCE, RATER_SOURCE, CONSENSUS_SOURCE, extraModel].slice(0, nSources);
          const config: StudyConfig = pairedStudy({
            seed,
            sources,
            caseIds: Array.from({ length: nCases }, (_, i) => `c${i}`),
            readerIds: Array.from({ length: nReaders }, (_, i) => `r${i}`),
          });
          for (const [, list] of byReader(planStudy(config, countingTrialIds()))) {
            for (let i = 0; i < sources.length; i++) {
              for (let j = i + 1; j < sources.length; j++) {
                const [x, y] = [sources[i].sourceId, sources[j].sourceId];
                const ofPair = list.filter((t) => [t.sourceA, t.sourceB].sort().join() === [x, y].sort().join());
                const xLeft = ofPair.filter((t) => t.sourceA === x).length;
                expect(ofPair).toHaveLength(nCases);
                expect(Math.abs(xLeft - (nCases - xLeft))).toBeLessThanOrEqual(1);
              }
            }
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('planStudy (single)', () => {
  it('shows each (case, source) once per reader, as A only', () => {
    const config = pairedStudy({ mode: 'single', questions: { preference: false, acceptability: true, whichIsAi: true, comment: false } });
    const trials = planStudy(config, countingTrialIds());
    expect(trials).toHaveLength(4 * 2 * 2);
    for (const t of trials) expect(t.sourceB).toBeNull();
    for (const [, list] of byReader(trials)) {
      expect(new Set(list.map((t) => `${t.caseId}:${t.sourceA}`)).size).toBe(8);
    }
  });
});

describe('toReaderTrial', () => {
  const config = pairedStudy();
  const trial = planStudy(config, countingTrialIds())[0];

  it('carries only opaque ids, labels and questions, and passes the leak check', () => {
    const rt = toReaderTrial(trial, config, 4, false);
    expect(Object.keys(rt).sort()).toEqual(
      ['allowRevisit', 'display', 'labels', 'position', 'questions', 'submitted', 'total', 'trialId'].sort(),
    );
    expect(rt.labels).toEqual(['A', 'B']);
    expect(findLeaks(rt, studyIdentifiers(config))).toEqual([]);
    // Not even the case id reaches the reader.
    expect(JSON.stringify(rt)).not.toContain(trial.caseId);
  });

  it('has a strict schema, so a provenance field added by mistake is refused', () => {
    const rt = toReaderTrial(trial, config, 4, true);
    expect(() => readerTrialSchema.parse({ ...rt, sourceA: trial.sourceA })).toThrow();
    expect(() => readerTrialSchema.parse({ ...rt, questions: { ...rt.questions, aiSource: 'A' } })).toThrow();
  });
});
