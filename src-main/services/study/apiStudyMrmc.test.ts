/**
 * The multi-reader multi-case analysis in the report, through the real validating dispatcher: two
 * readers score the model and the rater on four cases (which case a trial shows is read off the
 * masks: the rater's starts at voxel n on case n, the model's one voxel later), and the report's OR
 * figures are worked out independently from those scores. For the mean-score figure of merit the
 * jackknife covariance has a closed form: leaving case k out moves a reader's mean by
 * −(x_k − x̄)/(K − 1), so Cov(θ, θ') = Σ (x_k − x̄)(y_k − ȳ) / (K(K − 1)), the sample covariance / K.
 */
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { ResultOf } from '../../../src-shared/api/contract';
import type { ReaderTrialPayload, StudySummary } from '../../../src-shared/api/studyChannels';
import { must, pairedDraft, studyFixture, type StudyFixture } from './studyTestSupport';

let f: StudyFixture;
beforeEach(async () => {
  f = await studyFixture();
});
afterEach(() => f.close());

const firstVoxel = (mask: Uint8Array): number => mask.findIndex((v) => v !== 0);

// [reader][case 1..4]
const MODEL = [
  [5, 4, 4, 3],
  [3, 5, 4, 4],
];
const RATER = [
  [3, 3, 4, 2],
  [4, 2, 2, 3],
];

const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
const sampleCov = (x: number[], y: number[]) => x.reduce((s, xi, k) => s + (xi - mean(x)) * (y[k] - mean(y)), 0) / (x.length - 1);

it('reports the OR analysis of acceptability, model vs rater, from the scores the readers gave', async () => {
  const created = await must<StudySummary>(f.dispatch, 'quorum:study.create', { session: f.admin, draft: pairedDraft(f) });
  const { studyId } = await must<StudySummary>(f.dispatch, 'quorum:study.open', { session: f.admin, studyId: created.studyId });
  for (const [k, session] of f.readers.entries()) {
    for (;;) {
      const p = await must<ReaderTrialPayload>(f.dispatch, 'quorum:study.next', { session, studyId });
      if (p.trial === null) break;
      const [a, b] = p.overlays.map((o) => firstVoxel(o.mask));
      const modelLabel = a > b ? 'A' : 'B';
      const caseNo = Math.min(a, b);
      const acceptability =
        modelLabel === 'A' ? { A: MODEL[k][caseNo - 1], B: RATER[k][caseNo - 1] } : { A: RATER[k][caseNo - 1], B: MODEL[k][caseNo - 1] };
      await must(f.dispatch, 'quorum:study.answer', {
        session,
        studyId,
        answer: { trialId: p.trial.trialId, preference: 'none', acceptability, aiChoice: 'A' },
      });
    }
  }
  await must(f.dispatch, 'quorum:study.close', { session: f.admin, studyId });
  const report = await must<ResultOf<'quorum:study.report'>>(f.dispatch, 'quorum:study.report', { session: f.admin, studyId });

  const [c] = report.mrmc?.comparisons ?? [];
  expect([c.first, c.second, c.readerIds, c.caseIds.length, c.casesLeftOut]).toEqual(['source-model', 'source-rater', f.readerIds, 4, 0]);
  const or = c.analysis;
  expect(or?.foms[0]).toEqual(MODEL.map(mean));
  expect(or?.foms[1]).toEqual(RATER.map(mean));

  // RRFC = paired t-test on the readers' mean differences, df J − 1 = 1.
  const d = MODEL.map((m, r) => mean(m) - mean(RATER[r]));
  const sd = Math.sqrt(sampleCov(d, d));
  expect(or?.difference).toBeCloseTo(mean(d), 14);
  expect(or?.rrfc?.stdErr).toBeCloseTo(sd / Math.sqrt(2), 12);

  // FRRC from the closed-form covariances: Var over (source, reader), Cov1 same reader, Cov2 same source.
  const series = [MODEL, RATER];
  const cov = (t1: number, r1: number, t2: number, r2: number) => sampleCov(series[t1][r1], series[t2][r2]) / 4;
  const v = mean([cov(0, 0, 0, 0), cov(0, 1, 0, 1), cov(1, 0, 1, 0), cov(1, 1, 1, 1)]);
  const cov1 = mean([cov(0, 0, 1, 0), cov(0, 1, 1, 1)]);
  const cov2 = mean([cov(0, 0, 0, 1), cov(1, 0, 1, 1)]);
  const cov3 = mean([cov(0, 0, 1, 1), cov(0, 1, 1, 0)]);
  expect(or?.covariances.var).toBeCloseTo(v, 14);
  expect(or?.covariances.cov1).toBeCloseTo(cov1, 14);
  expect(or?.covariances.cov2).toBeCloseTo(cov2, 14);
  expect(or?.covariances.cov3).toBeCloseTo(cov3, 14);
  expect(or?.frrc?.stdErr).toBeCloseTo(Math.sqrt((2 / 2) * (v - cov1 + Math.max(cov2 - cov3, 0))), 12);
  expect(report.mrmc?.methods.join(' ')).toContain('Obuchowski–Rockette');
});

// [reader][case 1..4]: how sure the reader is, 1–5, that the model's contour is the AI one. The
// left/right placements depend on the readers' (random) ids, so the AUCs must differ whatever they
// are: the first reader's are always 1 (beliefs ≥ 4), the second's at most ½ (beliefs ≤ 3).
const BELIEF = [
  [5, 4, 4, 5],
  [3, 1, 2, 3],
];

it('reports the "made by AI?" AUC per reader and against chance, from the confidence ratings the readers gave', async () => {
  const questions = { preference: false, acceptability: false, whichIsAi: 'confidence' as const, comment: false };
  const created = await must<StudySummary>(f.dispatch, 'quorum:study.create', { session: f.admin, draft: pairedDraft(f, { questions }) });
  const { studyId } = await must<StudySummary>(f.dispatch, 'quorum:study.open', { session: f.admin, studyId: created.studyId });
  // Per reader, the ratings of trials with the model on the right (ROC positives) and on the left.
  const given = f.readers.map(() => ({ modelRight: [] as number[], modelLeft: [] as number[] }));
  for (const [k, session] of f.readers.entries()) {
    for (;;) {
      const p = await must<ReaderTrialPayload>(f.dispatch, 'quorum:study.next', { session, studyId });
      if (p.trial === null) break;
      const [a, b] = p.overlays.map((o) => firstVoxel(o.mask));
      const belief = BELIEF[k][Math.min(a, b) - 1];
      const modelRight = b > a;
      // The rating is of "B is the AI's": the belief itself when the model is B, mirrored when it is A.
      const aiRating = modelRight ? belief : 6 - belief;
      (modelRight ? given[k].modelRight : given[k].modelLeft).push(aiRating);
      await must(f.dispatch, 'quorum:study.answer', { session, studyId, answer: { trialId: p.trial.trialId, aiRating } });
    }
  }
  await must(f.dispatch, 'quorum:study.close', { session: f.admin, studyId });
  const report = await must<ResultOf<'quorum:study.report'>>(f.dispatch, 'quorum:study.report', { session: f.admin, studyId });

  const auc = report.mrmc?.aiIdentificationAuc;
  expect(report.mrmc?.comparisons).toEqual([]);
  expect(auc?.readerIds).toEqual(f.readerIds);
  const expected = given.map(({ modelRight, modelLeft }) => {
    let wins = 0;
    for (const p of modelRight) for (const n of modelLeft) wins += p > n ? 1 : p === n ? 0.5 : 0;
    return wins / (modelRight.length * modelLeft.length);
  });
  expect(auc?.readers.map((r) => r.auc)).toEqual(expected);
  expect(auc?.readers.map((r) => [r.aiRated, r.humanRated])).toEqual(given.map((g) => [g.modelRight.length, g.modelLeft.length]));
  const or = auc?.analysis;
  expect(or?.difference).toBeCloseTo(mean(expected) - 0.5, 14);
  // RRFC: the one-sample t-test of the readers' AUCs against ½ on J − 1 = 1 df.
  const sd = Math.sqrt(sampleCov(expected, expected));
  expect(or?.rrfc?.stdErr).toBeCloseTo(sd / Math.sqrt(2), 12);
  expect(or?.rrfc?.ddf).toBe(1);
  expect(report.mrmc?.methods.join(' ')).toContain('Wilcoxon–Mann–Whitney');
});
