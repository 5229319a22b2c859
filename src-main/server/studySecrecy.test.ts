/**
 * Reader-study secrecy attacked over HTTP, as a reader (or someone holding the admin's session)
 * would: the real browser-mode server in front of the real validating dispatcher and study
 * handlers, on the study fixture's project (src-main/services/study/studyTestSupport.ts).
 *
 * - Trial ids: seeded ids let a reader brute-force the generator and unblind every trial (issue 18,
 *   finding 8). Two studies opened from the same configuration and seed must share no trial id,
 *   and ids must be UUIDs (crypto.randomUUID), not outputs of the seeded stream.
 * - Side channels (finding 9): no Server-Timing header on any reader response; trials served from
 *   payloads frozen at opening (proved by deleting the annotation files before reading); the bytes
 *   of a response beyond the masks identical for every trial.
 * - The seed (finding 10): absent from every response and from the audit log until the study is
 *   closed, admin included; closing logs its reveal.
 */
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Result } from '../../src-shared/api/contract';
import type { ReaderTrialPayload, StudySummary } from '../../src-shared/api/studyChannels';
import { ANNOTATIONS_DIR } from '../services/project/annotationFiles';
import { pairedDraft, studyFixture, type StudyFixture } from '../services/study/studyTestSupport';
import { startBrowserServer, type BrowserServer } from './httpServer';
import { errorResponse } from './appRoutes';
import { rawRequest, type RawResponse } from './testSupport';

const TOKEN = 'study-secrecy-token-0123456789';
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

let f: StudyFixture;
let server: BrowserServer;

beforeEach(async () => {
  f = await studyFixture();
  server = await startBrowserServer({
    dispatch: f.dispatch,
    routes: () => Promise.resolve(errorResponse({ code: 'not-found', message: 'no routes in this test' }, 404)),
    port: 0,
    token: TOKEN,
  });
});
afterEach(async () => {
  await server.close();
  f.close();
});

const post = (channel: string, body: unknown): Promise<RawResponse> =>
  rawRequest(server.port, `/api/${channel}`, {
    method: 'POST',
    headers: { 'X-Quorum-Token': TOKEN },
    api: body,
  });

async function call<T>(channel: string, body: unknown): Promise<{ value: T; response: RawResponse }> {
  const response = await post(channel, body);
  const result = response.json<Result<T>>();
  if (!result.ok) throw new Error(`${channel}: ${result.error.code}: ${result.error.message}`);
  return { value: result.value, response };
}

/** Every trial of one reader, in order, answering each (always "A") to move on. */
async function readAll(session: string, studyId: string): Promise<Array<{ payload: ReaderTrialPayload; response: RawResponse }>> {
  const out: Array<{ payload: ReaderTrialPayload; response: RawResponse }> = [];
  for (;;) {
    const { value: payload, response } = await call<ReaderTrialPayload>('study.next', { session, studyId });
    if (payload.trial === null) return out;
    out.push({ payload, response });
    const answer = { trialId: payload.trial.trialId, preference: 'A', acceptability: { A: 3, B: 3 }, aiChoice: 'A' };
    await call('study.answer', { session, studyId, answer });
  }
}

async function createAndOpen(): Promise<string> {
  const { value: created } = await call<StudySummary>('study.create', { session: f.admin, draft: pairedDraft(f) });
  await call('study.open', { session: f.admin, studyId: created.studyId });
  return created.studyId;
}

describe('reader-study secrecy over HTTP', () => {
  it('gives trial ids from crypto.randomUUID that two studies with the same seed do not share', async () => {
    // The same configuration and seed twice: seeded ids would repeat (or collide and refuse to open).
    const first = await createAndOpen();
    const second = await createAndOpen();
    const ids = async (studyId: string) =>
      (await Promise.all(f.readers.map((s) => readAll(s, studyId)))).flat().map((t) => t.payload.trial?.trialId ?? '');
    const a = await ids(first);
    const b = await ids(second);
    expect(a).toHaveLength(8);
    expect(b).toHaveLength(8);
    for (const id of [...a, ...b]) expect(id).toMatch(UUID_V4);
    expect(new Set([...a, ...b]).size).toBe(16);
  });

  it('serves frozen payloads with no timing header and sizes that depend on the masks alone', async () => {
    const studyId = await createAndOpen();
    // Payloads were built at opening: the annotation files are no longer needed to serve them.
    await rm(path.join((await f.host.current()).dir, ANNOTATIONS_DIR), { recursive: true, force: true });
    const served = (await Promise.all(f.readers.map((s) => readAll(s, studyId)))).flat();
    expect(served).toHaveLength(8);
    const skeletonBytes = new Set<number>();
    for (const { payload, response } of served) {
      expect(response.status).toBe(200);
      expect(response.headers['server-timing']).toBeUndefined();
      // Case n (fixture): the rater marks voxels n..n+2, the model n+1..n+3; both binary, 3 voxels each.
      const masks = payload.overlays.map((o) => o.mask);
      expect(masks).toHaveLength(2);
      for (const m of masks) expect(m.reduce((s, v) => s + v, 0)).toBe(3);
      const maskBytes = payload.overlays.reduce((s, o) => s + o.mask.length, 0);
      skeletonBytes.add(response.body.length - maskBytes);
    }
    // Everything but the masks has the same length on every trial (positions and counts are one digit here).
    expect([...skeletonBytes]).toHaveLength(1);
  });

  it('hides the seed from every response and the audit log until the study is closed, then logs its reveal', async () => {
    const seed = pairedDraft(f).seed ?? '';
    const { value: created, response: createResponse } = await call<StudySummary>('study.create', {
      session: f.admin,
      draft: pairedDraft(f),
    });
    const studyId = created.studyId;
    const seen: RawResponse[] = [createResponse];
    seen.push((await call('study.open', { session: f.admin, studyId })).response);
    seen.push((await call('study.list', { session: f.admin })).response);
    seen.push((await call('study.get', { session: f.admin, studyId })).response);
    seen.push((await call('audit.list', { session: f.admin })).response);
    for (const session of f.readers) {
      seen.push((await call('study.mine', { session })).response);
      for (const { response } of await readAll(session, studyId)) seen.push(response);
    }
    seen.push(await post('study.export', { session: f.admin, studyId }));
    seen.push(await post('study.report', { session: f.admin, studyId }));
    for (const r of seen) expect(r.body.toString('utf8')).not.toContain(seed);

    const { value: closed } = await call<StudySummary>('study.close', { session: f.admin, studyId });
    expect(closed.seed).toBe(seed);
    const { value: audit } = await call<Array<{ action: string; subjectId: string | null; detail: string }>>('audit.list', {
      session: f.admin,
    });
    const reveals = audit.filter((e) => e.action === 'study.seed-revealed' && e.subjectId === studyId);
    expect(reveals).toHaveLength(1);
    expect(JSON.parse(reveals[0].detail)).toEqual({ seed });
  });
});
