import { describe, expect, it } from 'vitest';
import { analyseStudy, type AnalysisInput } from './analysis';
import type { StoredAnswer } from './answers';
import { StudyNotClosedError } from './decode';
import type { StudyConfig } from './design';
import { CONSENSUS_SOURCE, countingTrialIds, MODEL_SOURCE, must, pairedStudy, RATER_SOURCE } from './testFixtures';
import { planStudy, type ServerTrial } from './trials';

const M = MODEL_SOURCE.sourceId;
const R = RATER_SOURCE.sourceId;

/** What a reader meant, in sources; turned into labels by looking the trial's placement up. */
interface Intent {
  prefer?: string | 'none';
  aiPick?: string;
  aiJudgement?: 'ai' | 'human';
  scores?: Record<string, number>;
}

function label(t: ServerTrial, sourceId: string): 'A' | 'B' {
  if (t.sourceA === sourceId) return 'A';
  if (t.sourceB === sourceId) return 'B';
  throw new Error(`${sourceId} is not in trial ${t.trialId}`);
}

function answerTo(t: ServerTrial, intent: Intent): StoredAnswer {
  const scoreOf = (id: string | null): number | undefined => (id === null ? undefined : intent.scores?.[id]);
  const a = scoreOf(t.sourceA);
  const b = scoreOf(t.sourceB);
  return {
    trialId: t.trialId,
    readerId: t.readerId,
    ...(intent.prefer !== undefined ? { preference: intent.prefer === 'none' ? 'none' : label(t, intent.prefer) } : {}),
    ...(intent.aiPick !== undefined ? { aiChoice: label(t, intent.aiPick) } : {}),
    ...(intent.aiJudgement !== undefined ? { aiJudgement: intent.aiJudgement } : {}),
    ...(a !== undefined || b !== undefined
      ? { acceptability: { ...(a !== undefined ? { A: a } : {}), ...(b !== undefined ? { B: b } : {}) } }
      : {}),
    startedAt: '2025-01-02T10:00:00.000Z',
    submittedAt: '2025-01-02T10:00:30.000Z',
    timeTakenMs: 30_000,
    revision: 0,
  };
}

function caseNo(t: ServerTrial): number {
  return Number(t.caseId.slice(1));
}

// Ten cases c1..c10, the model first in config order, two readers.
const config: StudyConfig = pairedStudy({ caseIds: Array.from({ length: 10 }, (_, i) => `c${i + 1}`), readerIds: ['r1', 'r2'] });
const trials = planStudy(config, countingTrialIds());
const M_SCORES = [5, 5, 4, 4, 4, 3, 5, 4, 4, 2];
const R_SCORES = [3, 4, 4, 2, 3, 3, 4, 5, 1, 2];

const answers = trials.map((t) => {
  const c = caseNo(t);
  if (t.readerId === 'r1') {
    // Prefers the model on c1..c9; picks the model as AI on c1..c5 only (5/10).
    return answerTo(t, { prefer: c <= 9 ? M : R, aiPick: c <= 5 ? M : R, scores: { [M]: M_SCORES[c - 1], [R]: R_SCORES[c - 1] } });
  }
  // r2: model on c1..c6, rater on c7, c8, no preference on c9, c10; always spots the model; all 3s.
  return answerTo(t, { prefer: c <= 6 ? M : c <= 8 ? R : 'none', aiPick: M, scores: { [M]: 3, [R]: 3 } });
});
const input: AnalysisInput = { config, state: 'closed', trials, answers };

describe('analyseStudy (paired)', () => {
  const result = analyseStudy(input);

  it('computes preference rates per reader and pooled, with ties reported separately', () => {
    const [r1, r2, pooled] = result.preference;
    // r1: 9 of 10 → p = 22/1024, Wilson [0.5958, 0.9821] (see statistics/wilson.test.ts)
    expect(r1).toMatchObject({ readerId: 'r1', first: M, second: R, preferFirst: 9, preferSecond: 1, noPreference: 0 });
    expect(r1.firstPreferred.pValue).toBeCloseTo(22 / 1024, 12);
    expect(r1.firstPreferred.ciLower).toBeCloseTo(0.59585, 5);
    // r2: 6 of 8 (2 ties excluded from the denominator): 2·P(X ≥ 6 | 8) = 2·(28 + 8 + 1)/256 = 74/256
    expect(r2).toMatchObject({ readerId: 'r2', preferFirst: 6, preferSecond: 2, noPreference: 2 });
    expect(r2.firstPreferred.rate).toBe(0.75);
    expect(r2.firstPreferred.pValue).toBeCloseTo(74 / 256, 12);
    // pooled: 15 of 18 → 2·(C(18,15) + C(18,16) + C(18,17) + 1)/2¹⁸ = 2·(816 + 153 + 18 + 1)/262144
    expect(pooled).toMatchObject({ readerId: null, preferFirst: 15, preferSecond: 3, noPreference: 2 });
    expect(pooled.firstPreferred.pValue).toBeCloseTo(1976 / 262144, 12);
  });

  it('tests AI identification against chance, with its power, and never calls a non-significant result a pass', () => {
    const [r1, r2, pooled] = result.aiIdentification;
    expect(r1.accuracy).toMatchObject({ successes: 5, trials: 10, rate: 0.5 });
    expect(r1.accuracy.pValue).toBeCloseTo(1, 12);
    // 10 answers reject only k ≤ 1 or k ≥ 9 (2·11/1024 = 0.021; k = 8 gives 2·56/1024 = 0.109), so the
    // power against ¾ is P(X ≥ 9) + P(X ≤ 1) = (10·3⁹ + 3¹⁰ + 1 + 10·3)/4¹⁰: far below 80%.
    expect(r1).toMatchObject({ verdict: 'not-enough-answers', designAccuracy: 0.75, answersNeeded: 30 });
    expect(r1.power).toBeCloseTo((10 * 3 ** 9 + 3 ** 10 + 1 + 30) / 4 ** 10, 12);
    // r2: 10/10 → 2/1024
    expect(r2.accuracy.pValue).toBeCloseTo(2 / 1024, 12);
    expect(r2.verdict).toBe('readers-beat-chance');
    // pooled 15/20: 2·(C(20,15) + C(20,16) + … + 1)/2²⁰ = 2·(15504 + 4845 + 1140 + 190 + 20 + 1)/1048576
    expect(pooled).toMatchObject({ readerId: null, pair: [M, R] });
    expect(pooled.accuracy.pValue).toBeCloseTo(43400 / 1048576, 12);
    expect(pooled.verdict).toBe('readers-beat-chance');
  });

  it('calls a non-significant result with at least 80% power "no evidence", not a pass', () => {
    const forty = pairedStudy({
      caseIds: Array.from({ length: 40 }, (_, i) => `c${i + 1}`),
      readerIds: ['r1'],
      questions: { preference: false, acceptability: false, whichIsAi: true, comment: false },
    });
    const t = planStudy(forty, countingTrialIds());
    // 24 of 40 right (60%): 2·P(X ≥ 24 | 40) ≈ 0.27, and 40 ≥ the 30 answers 80% power needs.
    const r = analyseStudy({
      config: forty,
      state: 'closed',
      trials: t,
      answers: t.map((x) => answerTo(x, { aiPick: caseNo(x) <= 24 ? M : R })),
    });
    const pooled = must(r.aiIdentification.find((x) => x.readerId === null));
    expect(pooled.accuracy.successes).toBe(24);
    expect(pooled.accuracy.pValue).toBeGreaterThan(0.05);
    expect(pooled.power).toBeGreaterThanOrEqual(0.8);
    expect(pooled.verdict).toBe('no-evidence');
    expect(pooled.detectableAccuracy).toBeLessThan(0.75);
  });

  it('says "not enough answers to conclude" for 4 of 5 correct (80%), where no outcome could be significant', () => {
    const five = pairedStudy({
      caseIds: ['c1', 'c2', 'c3', 'c4', 'c5'],
      readerIds: ['r1'],
      questions: { preference: false, acceptability: false, whichIsAi: true, comment: false },
    });
    const t = planStudy(five, countingTrialIds());
    const r = analyseStudy({
      config: five,
      state: 'closed',
      trials: t,
      answers: t.map((x) => answerTo(x, { aiPick: caseNo(x) <= 4 ? M : R })),
    });
    const pooled = must(r.aiIdentification.find((x) => x.readerId === null));
    // 2·P(X ≥ 4 | 5) = 2·(5 + 1)/32 = 0.375; the smallest possible p with 5 answers is 2/32 > 0.05.
    expect(pooled.accuracy).toMatchObject({ successes: 4, trials: 5, rate: 0.8 });
    expect(pooled.accuracy.pValue).toBeCloseTo(12 / 32, 12);
    expect(pooled).toMatchObject({ verdict: 'not-enough-answers', power: 0, detectableAccuracy: null, answersNeeded: 30 });
  });

  it('summarises acceptability per source and compares the sources with Wilcoxon', () => {
    const r1m = must(result.acceptability.find((a) => a.readerId === 'r1' && a.sourceId === M));
    const r1r = must(result.acceptability.find((a) => a.readerId === 'r1' && a.sourceId === R));
    // M: 5,5,4,4,4,3,5,4,4,2 → one 2, one 3, five 4s, three 5s; mean 40/10; median 4
    expect(r1m).toMatchObject({ counts: [0, 1, 1, 5, 3], n: 10, mean: 4, median: 4 });
    // R: 3,4,4,2,3,3,4,5,1,2 → mean 31/10; sorted 1,2,2,3,3,3,4,4,4,5 → median 3
    expect(r1r).toMatchObject({ counts: [1, 2, 3, 3, 1], n: 10, median: 3 });
    expect(r1r.mean).toBeCloseTo(3.1, 12);
    const [w1, w2, wPooled] = result.acceptabilityComparisons;
    // d = M − R: 2,1,0,2,1,0,1,−1,3,0 → 3 zeros dropped, n = 7; |d| 1,1,1,1,2,2,3 → ranks 2.5×4, 5.5×2, 7
    // V = 5.5 + 2.5 + 5.5 + 2.5 + 2.5 + 7 = 25.5; Var = 35 − ((4³−4) + (2³−2))/48 = 33.625
    // z = (25.5 − 14 − 0.5)/√33.625 = 1.896975 → p = 0.057831 (scipy, correction=True: 0.0578313)
    expect(w1).toMatchObject({ readerId: 'r1', first: M, second: R });
    expect(w1.wilcoxon).toMatchObject({ statistic: 25.5, n: 7, zeros: 3, ties: true, method: 'normal-approximation' });
    expect(w1.wilcoxon?.pValue).toBeCloseTo(0.0578313, 6);
    // r2 gave equal scores everywhere: no non-zero difference, no p-value.
    expect(w2.wilcoxon?.pValue).toBeNull();
    // Pooled adds r2's ten zeros, which are dropped: same V and p, 13 zeros.
    expect(wPooled.readerId).toBeNull();
    expect(wPooled.wilcoxon).toMatchObject({ statistic: 25.5, zeros: 13 });
    expect(wPooled.wilcoxon?.pValue).toBeCloseTo(0.0578313, 6);
  });

  it("measures inter-reader agreement on preferences with Fleiss' kappa", () => {
    // (first, second, none) per case: c1..c6 [2,0,0]; c7, c8 [1,1,0]; c9 [1,0,1]; c10 [0,1,1].
    // P_i = 1 on six cases, 0 on four → P̄ = 0.6. p = (15, 3, 2)/20 → P̄e = (225 + 9 + 4)/400 = 0.595.
    // κ = (0.6 − 0.595)/(1 − 0.595) = 0.005/0.405 = 1/81.
    expect(result.agreement).toHaveLength(1);
    expect(result.agreement[0].fleiss?.kappa).toBeCloseTo(1 / 81, 12);
  });

  it('counts what was planned and answered and states its methods', () => {
    expect(result.trialsPlanned).toBe(20);
    expect(result.answers).toBe(20);
    expect(result.methods.join(' ')).toMatch(/excluded from the denominator/);
  });

  it('refuses to unblind a study that is not closed', () => {
    expect(() => analyseStudy({ ...input, state: 'open' })).toThrow(StudyNotClosedError);
    expect(() => analyseStudy({ ...input, state: 'draft' })).toThrow(/only after it is closed/);
  });

  it('refuses answers that do not fit the plan', () => {
    const stray = { ...answers[0], trialId: 'tnope' };
    expect(() => analyseStudy({ ...input, answers: [stray] })).toThrow(/unknown trial "tnope"/);
    const wrongReader = { ...answers[0], readerId: 'someone' };
    expect(() => analyseStudy({ ...input, answers: [wrongReader] })).toThrow(/not its reader/);
    expect(() => analyseStudy({ ...input, answers: [answers[0], answers[0]] })).toThrow(/more than one stored answer/);
  });
});

describe('analyseStudy (single)', () => {
  it('grades "was this made by AI?" against the chance level of the design', () => {
    const single = pairedStudy({
      mode: 'single',
      caseIds: ['c1', 'c2'],
      readerIds: ['r1'],
      questions: { preference: false, acceptability: false, whichIsAi: true, comment: false },
    });
    const t = planStudy(single, countingTrialIds());
    // Model judged AI on both cases; rater judged AI on c1 (wrong), human on c2 (right) → 3 of 4.
    const a = t.map((x) => answerTo(x, { aiJudgement: x.sourceA === M || caseNo(x) === 1 ? 'ai' : 'human' }));
    const r = analyseStudy({ config: single, state: 'closed', trials: t, answers: a });
    const pooled = must(r.aiIdentification.find((x) => x.readerId === null));
    // Balanced design: chance ½. 2·P(X ≥ 3 | 4) = 2·5/16 = 0.625.
    expect(pooled.accuracy).toMatchObject({ successes: 3, trials: 4, nullRate: 0.5 });
    expect(pooled.accuracy.pValue).toBeCloseTo(0.625, 12);
    expect(pooled.verdict).toBe('not-enough-answers');
    const bySource = r.aiJudgementBySource.filter((x) => x.readerId === null);
    expect(bySource.map((x) => [x.sourceId, x.judgedAi.successes, x.judgedAi.trials])).toEqual([
      [M, 2, 2],
      [R, 1, 2],
    ]);
    expect(r.preference).toEqual([]);
  });

  it('uses max(π, 1 − π) as chance when AI and human trials are unbalanced', () => {
    const single = pairedStudy({
      mode: 'single',
      caseIds: ['c1', 'c2'],
      readerIds: ['r1'],
      sources: [MODEL_SOURCE, RATER_SOURCE, CONSENSUS_SOURCE],
      questions: { preference: false, acceptability: false, whichIsAi: true, comment: false },
    });
    const t = planStudy(single, countingTrialIds());
    // Always answering "human" is right on 4 of 6: exactly the chance level 2/3, so p = 1.
    const r = analyseStudy({ config: single, state: 'closed', trials: t, answers: t.map((x) => answerTo(x, { aiJudgement: 'human' })) });
    const pooled = must(r.aiIdentification.find((x) => x.readerId === null));
    expect(pooled.accuracy.nullRate).toBeCloseTo(2 / 3, 12);
    expect(pooled.accuracy.pValue).toBeCloseTo(1, 12);
    // Power is measured against 2/3 + (1 − 2/3)/2 = 5/6.
    expect(pooled).toMatchObject({ verdict: 'not-enough-answers' });
    expect(pooled.designAccuracy).toBeCloseTo(5 / 6, 12);
  });
});
