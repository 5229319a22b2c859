/**
 * The "made by AI?" AUC of a reader study rated with confidence: which trials are ROC positives and
 * negatives, each reader's AUC, and the OR analysis against chance. The expected values are worked
 * out here from the stored answers and the trials' sources by brute force (every AI-rated trial
 * against every human-rated one, ties ½), and RRFC and FRRC from their single-treatment formulas
 * with an inline jackknife; the OR arithmetic itself is checked on the Van Dyke data (mrmc.test.ts).
 */
import { describe, expect, it } from 'vitest';
import type { StoredAnswer } from './answers';
import { analyseStudy } from './analysis';
import { mrmcOfStudy } from './mrmcStudy';
import { Z_975 } from './statistics/normal';
import { CONSENSUS_SOURCE, countingTrialIds, MODEL_SOURCE, must, pairedStudy, RATER_SOURCE } from './testFixtures';
import { planStudy, type ServerTrial } from './trials';

const M = MODEL_SOURCE.sourceId;
const C = CONSENSUS_SOURCE.sourceId;
const CASES = ['c0', 'c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7'];
const config = pairedStudy({
  sources: [MODEL_SOURCE, RATER_SOURCE, CONSENSUS_SOURCE],
  caseIds: CASES,
  readerIds: ['r0', 'r1', 'r2'],
  questions: { preference: false, acceptability: false, whichIsAi: 'confidence', comment: false },
});
const trials = planStudy(config, countingTrialIds());
const idx = (id: string) => Number(id.slice(1));

/** How sure reader r is, 1–5, that the model's contour is the AI one on case c beside `other`. */
function belief(r: number, c: number, other: string | null): number {
  return 1 + ((c * (r + 2) + r + (other === C ? 1 : 0)) % 5);
}

/** The rating the reader gives B (1 surely A … 5 surely B): the belief turned to the model's side. */
function answer(t: ServerTrial): StoredAnswer {
  const [r, c] = [idx(t.readerId), idx(t.caseId)];
  const rating = t.sourceB === M ? belief(r, c, t.sourceA) : t.sourceA === M ? 6 - belief(r, c, t.sourceB) : 3;
  return {
    trialId: t.trialId,
    readerId: t.readerId,
    aiRating: rating,
    startedAt: '2025-01-02T10:00:00.000Z',
    submittedAt: '2025-01-02T10:00:30.000Z',
    timeTakenMs: 30_000,
    revision: 0,
  };
}
const answers = trials.map(answer);

/** Brute-force AUC of one reader on some cases, straight from the answers and the trials' sources. */
function expectedAuc(readerId: string, cases: readonly string[]): number {
  const mine = trials.filter((t) => t.readerId === readerId && cases.includes(t.caseId) && (t.sourceA === M || t.sourceB === M));
  const rating = (t: ServerTrial) => must(answers.find((a) => a.trialId === t.trialId)?.aiRating);
  const pos = mine.filter((t) => t.sourceB === M).map(rating);
  const neg = mine.filter((t) => t.sourceA === M).map(rating);
  let s = 0;
  for (const p of pos) for (const n of neg) s += p > n ? 1 : p === n ? 0.5 : 0;
  return s / (pos.length * neg.length);
}
const mean = (v: readonly number[]) => v.reduce((a, b) => a + b, 0) / v.length;

describe('the "made by AI?" AUC of a study rated with confidence', () => {
  const auc = must(must(mrmcOfStudy({ config, state: 'closed', trials, answers })).aiIdentificationAuc);
  const readers = ['r0', 'r1', 'r2'];

  it('rates the model-vs-human trials only, B-is-AI as positives, and gives each reader’s AUC and ROC', () => {
    expect(auc.readerIds).toEqual(readers);
    expect(auc.caseIds).toEqual(CASES);
    auc.readers.forEach((r) => {
      // Each case has two model-vs-human pairs; left/right is balanced within ±1 per pair.
      expect(r.aiRated + r.humanRated).toBe(2 * CASES.length);
      expect(Math.abs(r.aiRated - r.humanRated)).toBeLessThanOrEqual(2);
      expect(r.auc).toBeCloseTo(expectedAuc(r.readerId, CASES), 14);
      expect(r.roc[0]).toEqual({ fpf: 0, tpf: 0 });
      expect(r.roc.at(-1)).toEqual({ fpf: 1, tpf: 1 });
    });
    expect(new Set(auc.readers.map((r) => r.auc)).size).toBeGreaterThan(1);
  });

  it('tests the mean AUC against ½: RRFC is the one-sample t-test, FRRC uses the jackknife over cases', () => {
    const or = must(auc.analysis);
    const aucs = readers.map((r) => expectedAuc(r, CASES));
    expect(or.difference).toBeCloseTo(mean(aucs) - 0.5, 14);
    const sd = Math.sqrt(aucs.reduce((s, x) => s + (x - mean(aucs)) ** 2, 0) / (aucs.length - 1));
    const t = (mean(aucs) - 0.5) / (sd / Math.sqrt(3));
    expect(or.rrfc?.ddf).toBe(2);
    expect(or.rrfc?.f).toBeCloseTo(t * t, 10);

    // Jackknife: leave one case (both its trials) out; Var and Cov2 averaged over readers.
    const K = CASES.length;
    const jack = readers.map((r) =>
      CASES.map((c) =>
        expectedAuc(
          r,
          CASES.filter((x) => x !== c),
        ),
      ),
    );
    const cov = (a: number[], b: number[]) => ((K - 1) / K) * a.reduce((s, x, k) => s + (x - mean(a)) * (b[k] - mean(b)), 0);
    const v = mean(jack.map((a) => cov(a, a)));
    const cov2 = mean(jack.flatMap((a, i) => jack.filter((_, j) => j !== i).map((b) => cov(a, b))));
    const se = Math.sqrt((v + 2 * Math.max(cov2, 0)) / 3);
    expect(or.frrc?.stdErr).toBeCloseTo(se, 12);
    expect(or.frrc?.ciLower).toBeCloseTo(mean(aucs) - 0.5 - Z_975 * se, 12);
  });

  it('counts a leaning rating as the choice for the accuracy and "cannot tell" as none', () => {
    const analysis = analyseStudy({ config, state: 'closed', trials, answers });
    const pooled = must(analysis.aiIdentification.find((a) => a.readerId === null && a.pair === null));
    const modelTrials = trials.filter((t) => t.sourceA === M || t.sourceB === M);
    const rating = (t: ServerTrial) => must(answers.find((a) => a.trialId === t.trialId)?.aiRating);
    const decided = modelTrials.filter((t) => rating(t) !== 3);
    const right = decided.filter((t) => rating(t) > 3 === (t.sourceB === M));
    expect(pooled.accuracy.trials).toBe(decided.length);
    expect(pooled.accuracy.successes).toBe(right.length);
  });

  it('needs AI and human contours on two cases per reader, and says so', () => {
    // Each reader's AI-rated (B is the model) trials kept on one case only: leaving it out leaves no AUC.
    const firstPositiveCase = new Map(readers.map((r) => [r, trials.find((t) => t.readerId === r && t.sourceB === M)?.caseId]));
    const kept = trials.filter((t) => t.sourceB !== M || firstPositiveCase.get(t.readerId) === t.caseId);
    const a = must(must(mrmcOfStudy({ config, state: 'closed', trials, answers: kept.map(answer) })).aiIdentificationAuc);
    expect(a.readers.every((r) => r.aiRated <= 2)).toBe(true);
    expect(a.analysis).toBeNull();
    expect(a.note).toMatch(/at least two cases/);
    const one = must(mrmcOfStudy({ config, state: 'closed', trials, answers: answers.filter((x) => x.readerId === 'r0') }));
    expect(one.aiIdentificationAuc?.analysis).toBeNull();
    expect(one.aiIdentificationAuc?.note).toContain('has 1 and 8');
  });

  it('in single mode rates the contour shown: the model’s trials are the positives', () => {
    const single = { ...config, mode: 'single' as const };
    const plan = planStudy(single, countingTrialIds());
    // 1 surely human … 5 surely AI; the belief is turned to the shown source's side.
    const rated = plan.map((t) => {
      const [r, c] = [idx(t.readerId), idx(t.caseId)];
      return { ...answer(t), aiRating: t.sourceA === M ? belief(r, c, null) : 6 - belief(r, c + 1, t.sourceA) };
    });
    const a = must(must(mrmcOfStudy({ config: single, state: 'closed', trials: plan, answers: rated })).aiIdentificationAuc);
    for (const r of a.readers) {
      const mine = plan.filter((t) => t.readerId === r.readerId);
      const rating = (t: ServerTrial) => must(rated.find((x) => x.trialId === t.trialId)?.aiRating);
      const pos = mine.filter((t) => t.sourceA === M).map(rating);
      const neg = mine.filter((t) => t.sourceA !== M).map(rating);
      let wins = 0;
      for (const p of pos) for (const n of neg) wins += p > n ? 1 : p === n ? 0.5 : 0;
      expect([r.aiRated, r.humanRated]).toEqual([CASES.length, 2 * CASES.length]);
      expect(r.auc).toBeCloseTo(wins / (pos.length * neg.length), 14);
    }
    expect(a.analysis).not.toBeNull();
  });

  it('gives no AUC for a study that asked the binary choice (every study made before the rating)', () => {
    const binary = { ...config, questions: { ...config.questions, whichIsAi: true, acceptability: true } };
    const plan = planStudy(binary, countingTrialIds());
    const binaryAnswers = plan.map((t) => ({ ...answer(t), aiRating: undefined, aiChoice: 'A' as const, acceptability: { A: 3, B: 4 } }));
    const mrmc = must(mrmcOfStudy({ config: binary, state: 'closed', trials: plan, answers: binaryAnswers }));
    expect(mrmc.aiIdentificationAuc).toBeNull();
    expect(mrmc.methods.join(' ')).toMatch(/not computed: this study asked it as a binary choice/);
  });
});
