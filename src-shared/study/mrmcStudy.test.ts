/**
 * The study side of the MRMC analysis: which sources are compared, how a reader's scores become the
 * figure of merit, and which readers and cases enter. The OR arithmetic itself is checked on the
 * Van Dyke data (mrmc.test.ts); here RRFC, which for two sources is the paired t-test on the
 * readers' mean scores, is worked out independently from the scores the test gave.
 */
import { describe, expect, it } from 'vitest';
import type { StoredAnswer } from './answers';
import { mrmcOfStudy } from './mrmcStudy';
import { CONSENSUS_SOURCE, countingTrialIds, MODEL_SOURCE, must, pairedStudy, RATER_SOURCE } from './testFixtures';
import { planStudy, type ServerTrial } from './trials';

const M = MODEL_SOURCE.sourceId;
const R = RATER_SOURCE.sourceId;
const C = CONSENSUS_SOURCE.sourceId;
const config = pairedStudy({
  sources: [MODEL_SOURCE, RATER_SOURCE, CONSENSUS_SOURCE],
  caseIds: ['c0', 'c1', 'c2', 'c3', 'c4', 'c5'],
  readerIds: ['r0', 'r1', 'r2'],
  questions: { preference: false, acceptability: true, whichIsAi: false, comment: false },
});
const trials = planStudy(config, countingTrialIds());

/**
 * The score reader r gives source s on case c when shown beside `other`. The model gets one point
 * more beside the consensus than beside the rater, so its per-case score is the mean of the two.
 */
function score(r: number, c: number, s: string, other: string): number {
  if (s === M) return 1 + ((r + 2 * c) % 4) + (other === C ? 1 : 0);
  if (s === R) return 1 + ((3 * r + c) % 5);
  return 1 + ((r + c + 1) % 5);
}
const idx = (id: string) => Number(id.slice(1));

function answer(t: ServerTrial): StoredAnswer {
  const b = must(t.sourceB, 'paired trial');
  const [r, c] = [idx(t.readerId), idx(t.caseId)];
  return {
    trialId: t.trialId,
    readerId: t.readerId,
    acceptability: { A: score(r, c, t.sourceA, b), B: score(r, c, b, t.sourceA) },
    startedAt: '2025-01-02T10:00:00.000Z',
    submittedAt: '2025-01-02T10:00:30.000Z',
    timeTakenMs: 30_000,
    revision: 0,
  };
}

const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;

describe('MRMC analysis of a reader study', () => {
  it('compares the model with each other source, model first, and not the humans with each other', () => {
    const mrmc = must(mrmcOfStudy({ config, state: 'closed', trials, answers: trials.map(answer) }));
    expect(mrmc.comparisons.map((c) => [c.first, c.second])).toEqual([
      [M, R],
      [M, C],
    ]);
  });

  it('uses each reader’s mean score as the figure of merit and gives RRFC as the paired t-test on them', () => {
    const mrmc = must(mrmcOfStudy({ config, state: 'closed', trials, answers: trials.map(answer) }));
    const vsRater = must(mrmc.comparisons[0].analysis);
    const cases = [0, 1, 2, 3, 4, 5];
    const fomModel = [0, 1, 2].map((r) => mean(cases.map((c) => (score(r, c, M, R) + score(r, c, M, C)) / 2)));
    const fomRater = [0, 1, 2].map((r) => mean(cases.map((c) => score(r, c, R, M))));
    fomModel.forEach((v, r) => expect(vsRater.foms[0][r]).toBeCloseTo(v, 14));
    fomRater.forEach((v, r) => expect(vsRater.foms[1][r]).toBeCloseTo(v, 14));

    const d = fomModel.map((v, r) => v - fomRater[r]);
    const sd = Math.sqrt(d.reduce((s, x) => s + (x - mean(d)) ** 2, 0) / (d.length - 1));
    const t = mean(d) / (sd / Math.sqrt(3));
    expect(vsRater.difference).toBeCloseTo(mean(d), 14);
    expect(vsRater.rrfc?.f).toBeCloseTo(t * t, 10);
    expect(vsRater.rrfc?.ddf).toBe(2);
    expect(vsRater.rrfc?.stdErr).toBeCloseTo(sd / Math.sqrt(3), 12);
  });

  it('leaves out a case one reader did not score, and says so', () => {
    const answers = trials.filter((t) => !(t.readerId === 'r1' && t.caseId === 'c4')).map(answer);
    const [vsRater] = must(mrmcOfStudy({ config, state: 'closed', trials, answers })).comparisons;
    expect(vsRater.readerIds).toEqual(['r0', 'r1', 'r2']);
    expect(vsRater.caseIds).toEqual(['c0', 'c1', 'c2', 'c3', 'c5']);
    expect(vsRater.casesLeftOut).toBe(1);
    expect(vsRater.analysis?.cases).toBe(5);
  });

  it('gives no analysis, with the reason, below two readers, and none at all without acceptability', () => {
    const answers = trials.filter((t) => t.readerId === 'r0').map(answer);
    const [vsRater] = must(mrmcOfStudy({ config, state: 'closed', trials, answers })).comparisons;
    expect(vsRater.analysis).toBeNull();
    expect(vsRater.note).toContain('has 1 and 6');
    const noScores = { ...config, questions: { ...config.questions, acceptability: false, comment: true } };
    expect(mrmcOfStudy({ config: noScores, state: 'closed', trials, answers: [] })).toBeNull();
  });
});
