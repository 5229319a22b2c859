/**
 * annotation.saveSlices over real HTTP (issue 15, "edits as slice diffs"): the browser-mode server
 * on the demo DWI backend, the changed slices as a binary frame beside the JSON, as the renderer
 * sends them. The store's own rules are tested on both stores in saveSlices.test.ts; here, the wire
 * and the refusals a rater sees.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeFrame, FRAME_CONTENT_TYPE } from '../../src-shared/api/binaryFrame';
import type { Result } from '../../src-shared/api/contract';
import { useDemoDwiBackend } from '../services/demoDwiBackend.testSupport';
import type { BrowserServer } from './httpServer';
import { rawRequest, type RawResponse, serveBackend } from './testSupport';

const TOKEN = 'slices-launch-token-0123';
const DIMS = [124, 152, 32] as const;
const SLICE = DIMS[0] * DIMS[1];
const VOXELS = SLICE * DIMS[2];

const demo = useDemoDwiBackend('quorum-save-slices-');
let server: BrowserServer;

beforeAll(async () => {
  server = await serveBackend(demo.backend, {
    token: TOKEN,
  });
});
afterAll(() => server?.close());

const post = (channel: string, body: unknown): Promise<RawResponse> =>
  rawRequest(server.port, `/api/${channel}`, {
    method: 'POST',
    headers: { 'X-Quorum-Token': TOKEN, 'Content-Type': FRAME_CONTENT_TYPE },
    body: encodeFrame(body),
  });
const postJson = (channel: string, body: unknown): Promise<RawResponse> =>
  rawRequest(server.port, `/api/${channel}`, {
    method: 'POST',
    headers: { 'X-Quorum-Token': TOKEN, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });

function valueOf<T>(res: RawResponse): T {
  const r = res.json<Result<T>>();
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
}

describe('annotation.saveSlices over HTTP', () => {
  it('saves a brush stroke as its slices in a frame, and the version reads back as the whole edited labelmap', async () => {
    const alice = await demo.signedInRater('Alice Annotator');
    const bob = await demo.signedInRater('Bob Annotator');
    const [{ caseId }] = valueOf<Array<{ caseId: string }>>(await postJson('projectCase.list', { session: alice.token }));
    const first = new Uint8Array(VOXELS);
    first.fill(1, 5 * SLICE + 100, 5 * SLICE + 140);
    const parent = valueOf<{ versionId: string }>(
      await post('annotation.save', { session: alice.token, caseId, status: 'draft', labelmap: first }),
    );
    // The stroke: a run of voxels on slices 7 and 8.
    const edited = first.slice();
    edited.fill(1, 7 * SLICE + 2000, 8 * SLICE + 300);
    const bytes = edited.slice(7 * SLICE, 9 * SLICE);
    const request = {
      session: alice.token,
      caseId,
      parentVersionId: parent.versionId,
      status: 'draft',
      slices: { indices: [7, 8], bytes },
    };
    const saved = valueOf<{ versionId: string; parentVersionId: string }>(await post('annotation.saveSlices', request));
    expect(saved.parentVersionId).toBe(parent.versionId);
    const read = valueOf<{ labelmap: Uint8Array }>(await postJson('annotation.read', { session: alice.token, versionId: saved.versionId }));
    expect(Buffer.from(read.labelmap).equals(Buffer.from(edited))).toBe(true);

    // The same request again names a parent that is no longer the newest: 409, nothing saved.
    const stale = await post('annotation.saveSlices', request);
    expect(stale.status).toBe(409);
    // Bob cannot start from Alice's version: the answer is the one for a version that does not exist.
    const asBob = (versionId: string) => post('annotation.saveSlices', { ...request, session: bob.token, parentVersionId: versionId });
    const theirs = await asBob(saved.versionId);
    const unknown = await asBob('ver_nosuchversion');
    expect(theirs.status).toBe(404);
    expect(theirs.body.toString('utf8').replace(saved.versionId, '<id>')).toBe(
      unknown.body.toString('utf8').replace('ver_nosuchversion', '<id>'),
    );
    // A slice outside the grid, and bytes that are not one slice per index.
    const outside = await post('annotation.saveSlices', {
      ...request,
      parentVersionId: saved.versionId,
      slices: { indices: [DIMS[2]], bytes: new Uint8Array(SLICE) },
    });
    expect(outside.json<Result<unknown>>()).toMatchObject({ ok: false, error: { code: 'bad-geometry' } });
    const short = await post('annotation.saveSlices', {
      ...request,
      parentVersionId: saved.versionId,
      slices: { indices: [1], bytes: new Uint8Array(SLICE - 1) },
    });
    expect(short.json<Result<unknown>>()).toMatchObject({ ok: false, error: { code: 'bad-geometry' } });
    const versions = valueOf<unknown[]>(await postJson('annotation.list', { session: alice.token, caseId }));
    expect(versions).toHaveLength(2);
  });

  it('refuses a frame carrying more bytes than the case grid holds, before reading them', async () => {
    const alice = await demo.signedInRater('Cleo Annotator');
    const [{ caseId }] = valueOf<Array<{ caseId: string }>>(await postJson('projectCase.list', { session: alice.token }));
    const res = await post('annotation.saveSlices', {
      session: alice.token,
      caseId,
      parentVersionId: 'ver_x',
      status: 'draft',
      slices: { indices: [0], bytes: new Uint8Array(VOXELS + 1) },
    });
    expect(res.status).toBe(413);
  });
});
