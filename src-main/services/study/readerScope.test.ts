/**
 * Issue 18, finding 3, for readers: while a study they read is open, a reader's session opens only
 * the study's case images and browses nothing (fileAccess.ts, used by case.open, fs.list and
 * project.listCases). Before it opens and after it closes, and for everyone else, no such limit.
 */
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StudySummary } from '../../../src-shared/api/studyChannels';
import { refuseReaderBrowsing, refuseReaderOpening } from '../fileAccess';
import { caseImage } from './studySources';
import { must, pairedDraft, studyFixture, type StudyFixture } from './studyTestSupport';

let f: StudyFixture;
beforeEach(async () => {
  f = await studyFixture();
});
afterEach(() => f.close());

const sessionOf = (token: string) => f.host.sessions.resolve(token);

async function studyImagePath(caseId: string): Promise<string> {
  const store = await f.host.current();
  return path.resolve(await store.withContext(await sessionOf(f.admin), async (ctx) => (await caseImage(ctx, caseId)).path));
}

describe("a reader's file scope", () => {
  it('limits a reader of an open study to its case images, and lifts the limit when it closes', async () => {
    const reader = await sessionOf(f.readers[0]);
    const studyCase = f.caseIds[0];
    const outsideCase = f.caseIds[4];
    const draft = pairedDraft(f, { caseIds: [studyCase] });
    const created = await must<StudySummary>(f.dispatch, 'quorum:study.create', { session: f.admin, draft });
    const image = await studyImagePath(studyCase);
    const beside = path.join(path.dirname(image), 'model', 'mask.nii.gz');
    const other = await studyImagePath(outsideCase);

    // A draft study limits nothing yet.
    expect(await refuseReaderBrowsing(f.host, reader)).toBeNull();
    expect(await refuseReaderOpening(f.host, reader, beside)).toBeNull();

    await must(f.dispatch, 'quorum:study.open', { session: f.admin, studyId: created.studyId });
    expect((await refuseReaderBrowsing(f.host, reader))?.ok).toBe(false);
    expect(await refuseReaderOpening(f.host, reader, image)).toBeNull();
    for (const refused of [beside, other]) {
      const result = await refuseReaderOpening(f.host, reader, refused);
      expect({ refused, code: result !== null && !result.ok && result.error.code }).toEqual({ refused, code: 'unauthorized' });
    }
    // The admin is not a reader: no limit.
    expect(await refuseReaderBrowsing(f.host, await sessionOf(f.admin))).toBeNull();
    expect(await refuseReaderOpening(f.host, await sessionOf(f.admin), beside)).toBeNull();

    await must(f.dispatch, 'quorum:study.close', { session: f.admin, studyId: created.studyId });
    expect(await refuseReaderBrowsing(f.host, reader)).toBeNull();
  });
});
