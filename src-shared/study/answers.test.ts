import { describe, expect, it } from 'vitest';
import { type AnswerCheckInput, checkAnswer, refuseUnlessOpen } from './answers';
import { countingTrialIds, must, pairedStudy } from './testFixtures';
import { planStudy } from './trials';

const config = pairedStudy();
const trial = must(planStudy(config, countingTrialIds()).find((t) => t.readerId === 'reader-1'));
const complete = { trialId: trial.trialId, preference: 'A', acceptability: { A: 4, B: 2 }, aiChoice: 'B', comment: 'ok' };

function input(over: Partial<AnswerCheckInput> = {}): AnswerCheckInput {
  return { state: 'open', config, readerId: 'reader-1', trial, alreadySubmitted: false, answer: complete, ...over };
}

describe('refuseUnlessOpen', () => {
  it('accepts answers only while the study is open', () => {
    expect(refuseUnlessOpen('open')).toBeNull();
    expect(refuseUnlessOpen('closed')?.code).toBe('study-closed');
    expect(refuseUnlessOpen('draft')?.code).toBe('study-not-open');
  });
});

describe('checkAnswer', () => {
  it('accepts a complete answer to an open study', () => {
    const r = checkAnswer(input());
    expect(r.ok).toBe(true);
  });

  it('refuses answers to a closed study, even complete ones', () => {
    const r = checkAnswer(input({ state: 'closed' }));
    expect(r).toEqual({ ok: false, code: 'study-closed', message: expect.stringMatching(/closed/) });
  });

  it("refuses another reader's trial and an unknown trial", () => {
    expect(checkAnswer(input({ readerId: 'reader-2' }))).toMatchObject({ ok: false, code: 'not-your-trial' });
    expect(checkAnswer(input({ trial: undefined }))).toMatchObject({ ok: false, code: 'unknown-trial' });
  });

  it('refuses a second answer unless the study allows revisits', () => {
    expect(checkAnswer(input({ alreadySubmitted: true }))).toMatchObject({ ok: false, code: 'already-submitted' });
    expect(checkAnswer(input({ alreadySubmitted: true, config: { ...config, allowRevisit: true } })).ok).toBe(true);
  });

  it('requires every asked question and refuses answers to questions not asked', () => {
    const missing = checkAnswer(input({ answer: { trialId: trial.trialId, preference: 'none' } }));
    expect(missing).toMatchObject({ ok: false, code: 'invalid-answer' });
    if (!missing.ok) {
      expect(missing.message).toMatch(/acceptability of A is required/);
      expect(missing.message).toMatch(/acceptability of B is required/);
      expect(missing.message).toMatch(/"which one is AI\?" is required/);
    }
    const single = { ...config, mode: 'single' as const };
    const r = checkAnswer(input({ config: single, answer: { ...complete, acceptability: { A: 3 }, aiJudgement: 'ai' } }));
    expect(r).toMatchObject({ ok: false, code: 'invalid-answer' });
    if (!r.ok) {
      expect(r.message).toMatch(/preference is not asked/);
      expect(r.message).toMatch(/"which one is AI\?" is not asked/);
    }
  });

  it('asks the confidence rating instead of the binary choice when the study rates confidence', () => {
    const rated = { ...config, questions: { ...config.questions, whichIsAi: 'confidence' as const } };
    const withRating = { ...complete, aiChoice: undefined, aiRating: 2 };
    expect(checkAnswer(input({ config: rated, answer: withRating })).ok).toBe(true);
    const choiceOnly = checkAnswer(input({ config: rated }));
    expect(choiceOnly).toMatchObject({ ok: false, code: 'invalid-answer' });
    if (!choiceOnly.ok) {
      expect(choiceOnly.message).toMatch(/confidence rating is required/);
      expect(choiceOnly.message).toMatch(/"which one is AI\?" is not asked/);
    }
    // A study made before the rating existed (whichIsAi: true) keeps its binary question.
    const ratingToOld = checkAnswer(input({ answer: withRating }));
    expect(ratingToOld).toMatchObject({ ok: false, code: 'invalid-answer' });
    if (!ratingToOld.ok) expect(ratingToOld.message).toMatch(/confidence rating is not asked/);
    expect(checkAnswer(input({ config: rated, answer: { ...withRating, aiRating: 6 } }))).toMatchObject({
      ok: false,
      code: 'invalid-answer',
    });
    expect(checkAnswer(input({ config: rated, answer: { ...withRating, aiRating: 2.5 } }))).toMatchObject({
      ok: false,
      code: 'invalid-answer',
    });
  });

  it('refuses malformed bodies and unknown fields', () => {
    expect(checkAnswer(input({ answer: { ...complete, acceptability: { A: 6, B: 2 } } }))).toMatchObject({
      ok: false,
      code: 'invalid-answer',
    });
    expect(checkAnswer(input({ answer: { ...complete, sourceId: 'x' } }))).toMatchObject({ ok: false, code: 'invalid-answer' });
    expect(checkAnswer(input({ answer: null }))).toMatchObject({ ok: false, code: 'invalid-answer' });
  });
});
