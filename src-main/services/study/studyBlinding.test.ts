/**
 * The blinding leak test: a whole study is run through a dispatcher wrapped to record EVERY
 * response sent to a reader's session (study channels, refusals included, and the project
 * channels a reader's app calls while signed in), and every recorded body is scanned with
 * findLeaks for: forbidden provenance fields, the sources' ids and labels, the model id, version
 * and its rater's name, the rater's id and name, and every version id and file hash behind the
 * sources. The sign-in picker (rater.identities, before any session) lists people's names by
 * design and is not part of a reading session.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Result } from '../../../src-shared/api/contract';
import type { ReaderTrialPayload, StudySummary } from '../../../src-shared/api/studyChannels';
import { findLeaks, studyIdentifiers } from '../../../src-shared/study/blinding';
import { must, pairedDraft, RATER_NAME, studyFixture, type StudyFixture } from './studyTestSupport';

let f: StudyFixture;
beforeEach(async () => {
  f = await studyFixture();
});
afterEach(() => f.close());

describe('blinding leak test', () => {
  // The "made by AI?" question as the binary choice (studies before the rating) and as the
  // confidence rating: both answer shapes, and the questions each trial carries, are scanned.
  it.each([
    ['binary choice', true, { aiChoice: 'B' }],
    ['confidence rating', 'confidence', { aiRating: 4 }],
  ] as const)(
    'no response to a reader during a study names a source, model, rater, version or file (%s)',
    async (_, whichIsAi, aiAnswer) => {
      const recorded: Array<{ channel: string; body: Result<unknown> }> = [];
      const readerTokens = new Set<string>(f.readers);
      const call = async (channel: string, request: Record<string, unknown>): Promise<Result<unknown>> => {
        const body = await f.dispatch(channel, request);
        if (typeof request.session === 'string' && readerTokens.has(request.session)) recorded.push({ channel, body });
        return body;
      };
      const created = await must<StudySummary>(f.dispatch, 'quorum:study.create', {
        session: f.admin,
        draft: pairedDraft(f, { allowRevisit: false, questions: { preference: true, acceptability: true, whichIsAi, comment: true } }),
      });
      const studyId = created.studyId;
      // Before opening: a reader's calls are refused, and the refusals are scanned too.
      for (const session of f.readers) {
        await call('quorum:study.mine', { session });
        await call('quorum:study.next', { session, studyId });
      }
      await must(f.dispatch, 'quorum:study.open', { session: f.admin, studyId });
      const answered: string[] = [];
      for (const session of f.readers) {
        // What a signed-in reader's app asks for besides the study.
        for (const channel of [
          'quorum:rater.list',
          'quorum:projectCase.list',
          'quorum:annotation.list',
          'quorum:audit.list',
          'quorum:project.integrity',
        ]) {
          await call(channel, { session });
        }
        await call('quorum:study.mine', { session });
        for (let guard = 0; guard < 10; guard++) {
          const r = await call('quorum:study.next', { session, studyId });
          if (!r.ok) throw new Error(r.error.message);
          const p = r.value as ReaderTrialPayload;
          if (p.trial === null) break;
          expect(p.trial.questions.whichIsAi).toBe(whichIsAi);
          const answer = { trialId: p.trial.trialId, preference: 'B', acceptability: { A: 3, B: 4 }, ...aiAnswer, comment: 'looks fine' };
          await call('quorum:study.answer', { session, studyId, answer });
          // Refusals: a second answer (no revisit), an incomplete one, a revisit by position.
          await call('quorum:study.answer', { session, studyId, answer });
          await call('quorum:study.answer', { session, studyId, answer: { trialId: p.trial.trialId } });
          await call('quorum:study.next', { session, studyId, position: p.trial.position });
          answered.push(p.trial.trialId);
        }
        await call('quorum:audit.list', { session });
        // Reader-only sessions asking for admin things.
        await call('quorum:study.list', { session });
        await call('quorum:study.get', { session, studyId });
        await call('quorum:study.report', { session, studyId });
      }
      // Another reader's trial.
      await call('quorum:study.answer', {
        session: f.readers[1],
        studyId,
        answer: { trialId: answered[0], preference: 'A', acceptability: { A: 1, B: 1 }, ...aiAnswer },
      });
      await must(f.dispatch, 'quorum:study.close', { session: f.admin, studyId });
      for (const session of f.readers) {
        await call('quorum:study.mine', { session });
        await call('quorum:study.next', { session, studyId });
        await call('quorum:study.answer', { session, studyId, answer: { trialId: answered[0], preference: 'A' } });
        await call('quorum:study.report', { session, studyId });
        await call('quorum:study.export', { session, studyId });
      }

      expect(answered).toHaveLength(8);
      const trialPayloads = recorded.filter(
        (r) => r.channel === 'quorum:study.next' && r.body.ok && (r.body.value as ReaderTrialPayload).trial !== null,
      );
      expect(trialPayloads.length).toBe(8);
      expect(recorded.length).toBeGreaterThan(60);
      const identifiers = [
        ...studyIdentifiers({ sources: f.sources }, [RATER_NAME, f.modelRaterName, 'demo-dwi-lesion', 'Demo DWI lesion']),
        ...f.sourceVersionIds,
        ...f.sourceFileHashes,
      ];
      // The oracle itself must fire on the things it guards (else an empty result proves nothing).
      expect(findLeaks({ sourceA: 'x' }, identifiers)).toHaveLength(1);
      expect(findLeaks({ note: `made by ${f.modelRaterName}` }, identifiers).length).toBeGreaterThan(0);
      expect(findLeaks({ v: f.sourceVersionIds[0] }, identifiers)).toHaveLength(1);
      // Study responses: no forbidden field and no identifier. Project responses are the reader's own
      // records, which carry a `raterId` key by nature (their own id): there, identifiers are checked.
      const leaks = recorded.flatMap((r) =>
        findLeaks(r.body, identifiers)
          .filter((l) => r.channel.startsWith('quorum:study.') || l.kind === 'identifier')
          .map((l) => `${r.channel} ${l.path} ${l.kind} ${l.match}`),
      );
      expect(leaks).toEqual([]);
    },
  );
});
