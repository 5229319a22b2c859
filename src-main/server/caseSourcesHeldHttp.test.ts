/**
 * evaluation.caseSources' `held` list over real HTTP (issue 15, review-mode memory): the page names
 * the versions whose voxels it holds and the answer leaves those voxels out. Blinding holds: an
 * annotator is refused before anything is looked up, whatever ids it names, and ids a reviewer is not
 * sent anyway change nothing in the answer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Result } from '../../src-shared/api/contract';
import { useDemoDwiBackend } from '../services/demoDwiBackend.testSupport';
import type { BrowserServer } from './httpServer';
import { apiBody, rawRequest, type RawResponse, serveBackend } from './testSupport';

const TOKEN = 'held-sources-launch-token-0123';
const VOXELS = 124 * 152 * 32;

const demo = useDemoDwiBackend('quorum-case-sources-held-');
let server: BrowserServer;

beforeAll(async () => {
  server = await serveBackend(demo.backend, { token: TOKEN });
});
afterAll(() => server?.close());

function post(channel: string, request: unknown): Promise<RawResponse> {
  const { type, body } = apiBody(request);
  return rawRequest(server.port, `/api/${channel}`, {
    method: 'POST',
    headers: { 'X-Quorum-Token': TOKEN, 'Content-Type': type },
    body,
  });
}

function valueOf<T>(res: RawResponse): T {
  const r = res.json<Result<T>>();
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
}

interface Sources {
  raters: Array<{ raterId: string; versionId: string | null; labelmap: Uint8Array | 'held' | null }>;
}

describe('evaluation.caseSources with held versions over HTTP', () => {
  it('leaves out only the voxels of versions the page holds, and lets no one probe ids', async () => {
    const ada = await demo.signedInRater('Ada Admin');
    const rita = await demo.signedInRater('Rita Reviewer', { role: 'reviewer', session: ada.token });
    const alice = await demo.signedInRater('Alice Annotator');
    const bob = await demo.signedInRater('Bob Annotator');
    const [{ caseId }] = valueOf<Array<{ caseId: string }>>(await post('projectCase.list', { session: rita.token }));
    const submit = async (token: string, from: number, status: 'submitted' | 'draft') => {
      const labelmap = new Uint8Array(VOXELS);
      labelmap.fill(1, from, from + 50);
      const saved = valueOf<{ versionId: string }>(await post('annotation.save', { session: token, caseId, status, labelmap }));
      return { versionId: saved.versionId, labelmap };
    };
    const a = await submit(alice.token, 100, 'submitted');
    const b = await submit(bob.token, 900, 'submitted');
    const aliceDraft = await submit(alice.token, 2000, 'draft');

    const sources = (session: string, held?: string[]) => post('evaluation.caseSources', { session, caseId, ...(held ? { held } : {}) });
    const whole = await sources(rita.token);
    const full = valueOf<Sources>(whole);
    const labelmapOf = (s: Sources, raterId: string) => s.raters.find((r) => r.raterId === raterId)?.labelmap;

    // Alice's submitted version is held: her voxels are left out, Bob's still come, byte for byte.
    const partial = await sources(rita.token, [a.versionId]);
    const left = valueOf<Sources>(partial);
    expect(labelmapOf(left, alice.raterId)).toBe('held');
    expect(Buffer.from(labelmapOf(left, bob.raterId) as Uint8Array).equals(Buffer.from(b.labelmap))).toBe(true);
    expect(Buffer.from(labelmapOf(full, alice.raterId) as Uint8Array).equals(Buffer.from(a.labelmap))).toBe(true);
    expect(partial.body.length).toBeLessThan(whole.body.length - VOXELS + 1);

    // Ids the reviewer is not sent (a later draft, a made-up id) change nothing in the answer.
    const ignored = await sources(rita.token, [aliceDraft.versionId, 'ver_nosuchversion']);
    expect(ignored.status).toBe(whole.status);
    expect(ignored.body.equals(whole.body)).toBe(true);

    // An annotator is refused before any id is looked at: naming Bob's version, a made-up one or none
    // gives the same answer, so it cannot learn which ids exist.
    const refusals = await Promise.all([
      sources(alice.token),
      sources(alice.token, [b.versionId]),
      sources(alice.token, ['ver_nosuchversion']),
    ]);
    for (const refused of refusals) {
      expect(refused.json<Result<unknown>>()).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
      expect(refused.status).toBe(refusals[0].status);
      expect(refused.body.equals(refusals[0].body)).toBe(true);
    }
  });
});
