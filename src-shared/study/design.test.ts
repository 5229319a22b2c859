import { describe, expect, it } from 'vitest';
import { type StudySource, sourcePairs, validateStudySetup } from './design';
import { CONSENSUS_SOURCE, MODEL_SOURCE, pairedStudy, RATER_SOURCE } from './testFixtures';

const everything = (): boolean => true;

describe('validateStudySetup', () => {
  it('accepts a complete study', () => {
    expect(validateStudySetup(pairedStudy(), everything)).toEqual({ ok: true });
  });

  it('refuses a study whose cases lack sources, listing every missing (case, source) pair', () => {
    // case-2 has no model segmentation; case-4 has neither.
    const has = (caseId: string, s: StudySource): boolean =>
      !(caseId === 'case-4' || (caseId === 'case-2' && s.sourceId === MODEL_SOURCE.sourceId));
    const r = validateStudySetup(pairedStudy(), has);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.missing).toEqual([
      { caseId: 'case-2', sourceId: 'src-demo-model' },
      { caseId: 'case-4', sourceId: 'src-demo-model' },
      { caseId: 'case-4', sourceId: 'src-alice' },
    ]);
    expect(r.errors.join('\n')).toMatch(
      /3 case\/source segmentation\(s\) missing: case-2\/src-demo-model, case-4\/src-demo-model, case-4\/src-alice/,
    );
  });

  it('needs two sources, a case, a reader and a question', () => {
    const r = validateStudySetup(
      pairedStudy({
        sources: [MODEL_SOURCE],
        caseIds: [],
        readerIds: [],
        questions: { preference: false, acceptability: false, whichIsAi: false, comment: false },
      }),
      everything,
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors).toEqual(
      expect.arrayContaining([
        'choose at least one case',
        'choose at least two sources (got 1)',
        'choose at least one reader',
        'choose at least one question',
      ]),
    );
  });

  it('refuses duplicates, preference in single mode, and an AI question without both kinds of source', () => {
    const r = validateStudySetup(
      pairedStudy({
        mode: 'single',
        caseIds: ['c', 'c'],
        readerIds: ['r', 'r'],
        sources: [RATER_SOURCE, CONSENSUS_SOURCE, { ...CONSENSUS_SOURCE, sourceId: 'again' }],
      }),
      everything,
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const text = r.errors.join('\n');
    expect(text).toMatch(/case "c" is listed more than once/);
    expect(text).toMatch(/reader "r" is listed more than once/);
    expect(text).toMatch(/the same segmentation source is listed twice/);
    expect(text).toMatch(/preference question needs two segmentations side by side/);
    expect(text).toMatch(/needs at least one model source and one rater or consensus source/);
  });

  it('reports schema problems with their path instead of throwing', () => {
    const r = validateStudySetup({ ...pairedStudy(), seed: '' }, everything);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors[0]).toMatch(/^seed:/);
    const bad = validateStudySetup('not a study', everything);
    expect(bad.ok).toBe(false);
  });
});

describe('sourcePairs', () => {
  it('lists the k(k−1)/2 unordered pairs in config order', () => {
    const pairs = sourcePairs({ sources: [MODEL_SOURCE, RATER_SOURCE, CONSENSUS_SOURCE] });
    expect(pairs.map(([a, b]) => `${a.sourceId}|${b.sourceId}`)).toEqual([
      'src-demo-model|src-alice',
      'src-demo-model|src-staple',
      'src-alice|src-staple',
    ]);
  });
});
