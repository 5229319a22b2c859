/**
 * The review-session channels through the real validating dispatcher and backend, on the demo DWI
 * (open enrolment, as in the app): the worklist of a reviewer and of an annotator (whose responses
 * are scanned for the other annotator), a revision request with its comment and its refusal without
 * one (error code and message), an annotator refused, time on task recorded and exported as CSV.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Result } from '../../src-shared/api/contract';
import type { Worklist } from '../../src-shared/project/reviewSession';
import { useDemoDwiBackend } from './demoDwiBackend.testSupport';
import { testSecretOf } from './project/signIn.testSupport';

const VOXELS = 124 * 152 * 32;
const demo = useDemoDwiBackend('quorum-api-review-');
const call = demo.call;
const callRaw = (channel: string, request: unknown): Promise<Result<unknown>> => demo.backend.dispatch(channel, request);

function mask(at: number): Uint8Array {
  const lm = new Uint8Array(VOXELS);
  lm.fill(1, at, at + 30);
  return lm;
}

const signIn = async (name: string): Promise<string> => (await demo.signInAs(name)).token;
const register = (name: string) => call<{ raterId: string }>('quorum:rater.create', { name, secret: testSecretOf(name) });

describe('review channels', () => {
  it('worklist, reviewer actions and time on task, blinded for annotators', async () => {
    await call('quorum:project.open', {});
    const ada = await register('Ada Admin');
    const alice = await register('Alice Annotator');
    const bob = await register('Bob Blinded');
    const [adaT, aliceT, bobT] = [await signIn('Ada Admin'), await signIn('Alice Annotator'), await signIn('Bob Blinded')];
    const [dwi] = await call<Array<{ caseId: string }>>('quorum:projectCase.list', { session: aliceT });
    const caseId = dwi.caseId;
    const aliceV = await call<{ versionId: string }>('quorum:annotation.save', {
      session: aliceT,
      caseId,
      labelmap: mask(100_000),
      status: 'submitted',
    });
    const bobV = await call<{ versionId: string; fileHash: string }>('quorum:annotation.save', {
      session: bobT,
      caseId,
      labelmap: mask(200_000),
      status: 'draft',
    });

    // The admin (open enrolment assigns everyone) sees both annotators, not their own assignment.
    const all = await call<Worklist>('quorum:worklist.get', { session: adaT });
    expect(all.rows.map((r) => [r.raterName, r.status])).toEqual([
      ['Alice Annotator', 'submitted'],
      ['Bob Blinded', 'draft'],
    ]);
    expect(all.progress).toMatchObject({ total: 2, done: 1 });

    // Bad input: no comment → bad-request with the reason; an annotator → unauthorized.
    const noComment = await callRaw('quorum:review.act', { session: adaT, versionId: aliceV.versionId, action: 'request-revision' });
    expect(noComment).toMatchObject({ ok: false, error: { code: 'bad-request', message: expect.stringMatching(/needs a comment/) } });
    const byAnnotator = await callRaw('quorum:review.act', { session: bobT, versionId: aliceV.versionId, action: 'approve' });
    expect(byAnnotator).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    const badAction = await callRaw('quorum:review.act', { session: adaT, versionId: aliceV.versionId, action: 'reject' });
    expect(badAction).toMatchObject({ ok: false, error: { code: 'bad-request' } });

    const acted = await call<{ flag: { kind: string }; comment: { body: string } }>('quorum:review.act', {
      session: adaT,
      versionId: aliceV.versionId,
      action: 'request-revision',
      comment: 'Extend to slice 12',
    });
    expect([acted.flag.kind, acted.comment.body]).toEqual(['needs-revision', 'Extend to slice 12']);

    // Alice's worklist: her row only, revision requested with the comment; nothing of Bob or of Ada.
    const responses = [
      await callRaw('quorum:worklist.get', { session: aliceT }),
      await callRaw('quorum:worklist.get', { session: aliceT, raterId: bob.raterId }),
      await callRaw('quorum:worklist.get', { session: aliceT, status: 'draft' }),
      await callRaw('quorum:worklist.get', { session: aliceT, caseId }),
    ];
    const first = responses[0] as { ok: true; value: Worklist };
    expect(first.value.rows.map((r) => [r.raterName, r.status, r.revision?.comment])).toEqual([
      ['Alice Annotator', 'revision-requested', 'Extend to slice 12'],
    ]);
    const body = JSON.stringify(responses);
    for (const secret of [bob.raterId, 'Bob Blinded', bobV.versionId, bobV.fileHash, ada.raterId, 'Ada Admin'])
      expect(body).not.toContain(secret);

    // Time on task: recorded by Alice, summed for the admin, exported as CSV.
    const end = Date.now();
    const rec = await call<{ totalActiveMs: number }>('quorum:work.record', {
      session: aliceT,
      caseId,
      mode: 'annotate',
      startedAt: new Date(end - 120_000).toISOString(),
      endedAt: new Date(end).toISOString(),
      activeMs: 95_000,
      endReason: 'submit',
    });
    expect(rec.totalActiveMs).toBe(95_000);
    const timed = await call<Worklist>('quorum:worklist.get', { session: adaT, raterId: alice.raterId });
    expect(timed.rows.map((r) => r.activeMs)).toEqual([95_000]);
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'quorum-time-')), 'time.csv');
    expect(await call('quorum:export.timeOnTaskCsv', { session: adaT, path: out })).toEqual({ path: out, rows: 1 });
    expect(readFileSync(out, 'utf8')).toContain(`${alice.raterId},Alice Annotator,annotate,95000,1.58,1,`);
    expect(await callRaw('quorum:export.timeOnTaskCsv', { session: aliceT, path: out })).toMatchObject({
      ok: false,
      error: { code: 'unauthorized' },
    });
    expect(await callRaw('quorum:export.timeOnTaskCsv', { session: adaT, path: 'relative.csv' })).toMatchObject({
      ok: false,
      error: { code: 'bad-request' },
    });
  });
});
