/**
 * Frozen trial payloads after a restart: a fresh project context (what a restarted server has) has
 * no payloads in memory, so the first trial served rebuilds the whole study's from the segmentation
 * versions frozen at opening. They must equal what was built when the study opened.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StudySummary } from '../../../src-shared/api/studyChannels';
import { makeContext, type StoreContext } from '../project/context';
import { frozenTrial } from './studyPayloads';
import { loadStudy, trialsOf } from './studyRecords';
import { must, pairedDraft, studyFixture, type StudyFixture } from './studyTestSupport';

let f: StudyFixture;
beforeEach(async () => {
  f = await studyFixture();
});
afterEach(() => f.close());

describe('frozen trial payloads', () => {
  it('are rebuilt identically, for the whole study, in a context that has none (a restart)', async () => {
    const { studyId } = await must<StudySummary>(f.dispatch, 'quorum:study.create', { session: f.admin, draft: pairedDraft(f) });
    await must(f.dispatch, 'quorum:study.open', { session: f.admin, studyId });
    const store = await f.host.current();
    const opened: StoreContext = await store.withContext(await f.host.sessions.resolve(f.admin), (ctx) => ctx);
    const restarted = makeContext(opened.db, opened.dir, opened.appVersion);
    const { config } = await loadStudy(opened, studyId);
    const trials = await trialsOf(opened, studyId);
    expect(trials).toHaveLength(8);
    for (const t of trials) {
      const before = await frozenTrial(opened, config, t.trialId);
      const after = await frozenTrial(restarted, config, t.trialId);
      expect(after).toEqual(before);
      expect(after.overlays.map((o) => o.label)).toEqual(['A', 'B']);
    }
  });
});
