/**
 * Issue 18, findings 3–7, as a rater would attack them: the real browser-mode server on the demo DWI
 * backend, raw HTTP with the launch token (which every rater at the workstation has), and each
 * rater's own session only. Each test is a probe that succeeded before the fix.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contract, type CaseDescriptor, type Result } from '../../src-shared/api/contract';
import { repoRoot, signInAgainOn, useDemoDwiBackend } from '../services/demoDwiBackend.testSupport';
import type { BrowserServer } from './httpServer';
import { rawRequest, type RawResponse, serveBackend } from './testSupport';

const TOKEN = 'launch-token-every-rater-has';
const auth = { 'X-Quorum-Token': TOKEN };
const VOXELS = 124 * 152 * 32;
const DWI = path.join(repoRoot, 'demo', 'dwi', 'dwi.nii.gz');

const demo = useDemoDwiBackend('quorum-session-access-');
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
    headers: auth,
    api: body,
  });
const get = (url: string): Promise<RawResponse> => rawRequest(server.port, url.startsWith('/') ? url : `/${url}`, { headers: auth });

async function value<T>(channel: string, body: unknown): Promise<T> {
  const result = (await post(channel, body)).json<Result<T>>();
  if (!result.ok) throw new Error(`${channel}: ${result.error.code}: ${result.error.message}`);
  return result.value;
}

async function errorCode(channel: string, body: unknown): Promise<string | null> {
  const result = (await post(channel, body)).json<Result<unknown>>();
  return result.ok ? null : result.error.code;
}

/** What the pre-fix server called an opened root's id: anyone can compute it from a folder path. */
const oldRootId = (realFolder: string): string => createHash('sha256').update(realFolder).digest('hex').slice(0, 16);

/** A labelmap on the DWI grid with lesion voxels at `at`, as the editor sends it. */
function labelmap(at: readonly number[]): Uint8Array {
  const lm = new Uint8Array(VOXELS);
  for (const i of at) lm[i] = 1;
  return lm;
}

interface Version {
  versionId: string;
  fileName: string | null;
}

/** The demo project's folder (database, annotations/) and its one case, with two annotators and a reviewer signed in. */
async function project() {
  const ada = await demo.signedInRater('Ada Admin');
  const rita = await demo.signedInRater('Rita Reviewer', { role: 'reviewer', session: ada.token });
  const alice = await demo.signedInRater('Alice Annotator');
  const bob = await demo.signedInRater('Bob Annotator');
  const [dwi] = await value<Array<{ caseId: string }>>('projectCase.list', { session: rita.token });
  return { dir: (await demo.backend.projects.current()).dir, caseId: dwi.caseId, ada, rita, alice, bob };
}

let setup: Awaited<ReturnType<typeof project>>;
beforeAll(async () => {
  setup = await project();
});

describe('file channels and routes act for a session (finding 3)', () => {
  it('refuses case.open, fs.list and recent.list to a caller with only the launch token', async () => {
    expect(await errorCode('case.open', { path: DWI })).toBe('unauthorized');
    expect(await errorCode('fs.list', { path: path.dirname(DWI) })).toBe('unauthorized');
    expect(await errorCode('recent.list', {})).toBe('unauthorized');
    expect(await errorCode('project.listCases', { path: setup.dir })).toBe('unauthorized');
  });

  it("never lets an annotator list, open, fetch or import the project's database or another rater's stored mask", async () => {
    const { dir, caseId, alice, bob } = setup;
    const bobs = await value<Version>('annotation.save', {
      session: bob.token,
      caseId,
      labelmap: labelmap([500, 501, 502]),
      status: 'submitted',
      parentVersionId: null,
    });
    const bobFile = path.join(dir, 'annotations', bobs.fileName ?? '');
    const db = path.join(dir, 'quorum.sqlite');

    expect(await errorCode('fs.list', { session: alice.token, path: path.join(dir, 'annotations') })).toBe('forbidden-path');
    const listed = await value<{ entries: Array<{ name: string }> }>('fs.list', { session: alice.token, path: dir });
    expect(listed.entries.map((e) => e.name)).not.toContain('annotations');
    expect(listed.entries.map((e) => e.name).filter((n) => n.startsWith('quorum.sqlite'))).toEqual([]);
    expect(await errorCode('project.listCases', { session: alice.token, path: path.join(dir, 'annotations') })).toBe('forbidden-path');

    expect(await errorCode('case.open', { session: alice.token, path: bobFile })).toBe('forbidden-path');
    expect(await errorCode('case.open', { session: alice.token, path: db })).toBe('forbidden-path');
    expect(await errorCode('annotation.import', { session: alice.token, caseId, path: bobFile, status: 'draft' })).toBe('forbidden-path');
    // A path that walks out and back in is judged by where it ends.
    expect(
      await errorCode('case.open', {
        session: alice.token,
        path: path.join(dir, '..', path.basename(dir), 'annotations', bobs.fileName ?? ''),
      }),
    ).toBe('forbidden-path');

    // The old route: a failed case.open registered the folder, whose id anyone could compute.
    for (const name of ['quorum.sqlite', `annotations/${bobs.fileName ?? ''}`]) {
      const res = await get(`/files/${oldRootId(dir)}/${name}`);
      expect({ name, status: res.status }).toEqual({ name, status: 403 });
    }
    // Nothing of Bob's reached Alice's drafts.
    expect(await value<unknown[]>('annotation.list', { session: alice.token, caseId })).toEqual([]);
  });

  it("gives an opened case's volume and file URLs to its session only, and serves nothing beside the file", async () => {
    const { token } = await signInAgainOn(demo.backend.dispatch, 'Alice Annotator');
    const opened = await value<CaseDescriptor>('case.open', { session: token, path: DWI });
    const volumeUrl = opened.volumes[0].url;
    const fileUrl = opened.fileUrl ?? '';
    expect((await get(volumeUrl)).status).toBe(200);
    expect((await get(fileUrl)).status).toBe(200);

    // The .bval beside the image: neither under the file's key nor under the old folder id.
    const key = fileUrl.split('/')[1];
    expect((await get(`/files/${key}/dwi.bval`)).status).toBe(403);
    expect((await get(`/files/${oldRootId(path.dirname(DWI))}/dwi.bval`)).status).toBe(403);

    // Another session opening the same file gets URLs of its own, not these.
    const other = await value<CaseDescriptor>('case.open', { session: setup.bob.token, path: DWI });
    expect(other.volumes[0].url).not.toBe(volumeUrl);
    expect(other.fileUrl).not.toBe(fileUrl);
  });
});

describe('recent.list (finding 5)', () => {
  it('is per person: what one rater opened is not in another rater’s list', async () => {
    const { alice, bob, rita } = setup;
    await value('case.open', { session: rita.token, path: DWI });
    expect((await value<{ paths: string[] }>('recent.list', { session: rita.token })).paths).toContain(DWI);
    const carol = await demo.signedInRater('Carol Annotator');
    expect((await value<{ paths: string[] }>('recent.list', { session: carol.token })).paths).toEqual([]);
    // Alice and Bob opened it themselves in the test above; Carol never did.
    expect((await value<{ paths: string[] }>('recent.list', { session: alice.token })).paths).toEqual([DWI]);
    expect((await value<{ paths: string[] }>('recent.list', { session: bob.token })).paths).toEqual([DWI]);
  });
});

interface Audit {
  seq: number;
  actorRaterId: string | null;
  action: string;
  detail: string;
}

describe('audit.list for an annotator (finding 4)', () => {
  it('shows only their own actions, numbered among themselves, without cross-rater facts such as fileReused', async () => {
    const { caseId, alice, rita } = setup;
    // Bob's mask from the test above; Alice "guesses" it exactly.
    const bobsVoxels = [500, 501, 502];
    await value('annotation.save', {
      session: alice.token,
      caseId,
      labelmap: labelmap(bobsVoxels),
      status: 'draft',
      parentVersionId: null,
    });
    // Others act in between, which the gaps in global numbers used to count.
    await value('review.addComment', { session: rita.token, caseId, body: 'between' });
    const [mine] = await value<Array<{ versionId: string }>>('annotation.list', { session: alice.token, caseId });
    await value('annotation.save', {
      session: alice.token,
      caseId,
      labelmap: labelmap([7]),
      status: 'draft',
      parentVersionId: mine.versionId,
    });

    const log = await value<Audit[]>('audit.list', { session: alice.token });
    expect(log.map((e) => e.seq)).toEqual(log.map((_, i) => log.length - i));
    expect(log.filter((e) => e.action === 'version.draft')).toHaveLength(2);
    expect(log.every((e) => e.actorRaterId === alice.raterId)).toBe(true);
    for (const entry of log) expect(entry.detail).not.toContain('fileReused');

    // The reviewer's full log has the fact (so the scan above is not vacuous): Alice's mask reused Bob's file.
    const full = await value<Audit[]>('audit.list', { session: rita.token });
    const reuse = full.find(
      (e) =>
        e.action === 'version.draft' &&
        (JSON.parse(e.detail) as { raterId?: string }).raterId === alice.raterId &&
        e.detail.includes('"fileReused":true'),
    );
    expect(reuse).toBeDefined();
  });
});

describe('saves name their parent (finding 7)', () => {
  it('gives every save but one of the same parent a conflict, so none silently wins', async () => {
    const { caseId, bob } = setup;
    const [newest] = (await value<Array<{ versionId: string }>>('annotation.list', { session: bob.token, caseId })).slice(-1);
    const sessions = await Promise.all(
      Array.from({ length: 5 }, async () => (await signInAgainOn(demo.backend.dispatch, 'Bob Annotator')).token),
    );
    const saves = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        post('annotation.save', {
          session: sessions[i % sessions.length],
          caseId,
          labelmap: labelmap([1000 + i]),
          status: 'draft',
          parentVersionId: newest.versionId,
        }),
      ),
    );
    const statuses = saves.map((r) => r.status).sort();
    expect(statuses).toEqual([200, ...Array<number>(19).fill(409)]);
    for (const r of saves.filter((x) => x.status === 409))
      expect(r.json<Result<unknown>>()).toMatchObject({ ok: false, error: { code: 'conflict' } });
    const after = await value<Array<{ parentVersionId: string | null }>>('annotation.list', { session: bob.token, caseId });
    expect(after.filter((v) => v.parentVersionId === newest.versionId)).toHaveLength(1);

    // A save that names no parent while versions exist is stale too.
    expect(
      await errorCode('annotation.save', {
        session: bob.token,
        caseId,
        labelmap: labelmap([3]),
        status: 'draft',
        parentVersionId: null,
      }),
    ).toBe('conflict');
  });
});

describe('permission before work, on every channel (finding 6)', () => {
  /**
   * What the sign-in screen needs before anyone has a session, and an invitation link's two steps
   * (their token is the credential: invitations.test.ts); everything else needs one.
   */
  const PUBLIC = new Set([
    'app.info',
    'project.listCases',
    'project.open',
    'rater.identities',
    'rater.create',
    'rater.signIn',
    'invitation.inspect',
    'invitation.accept',
  ]);
  const guarded = Object.keys(contract)
    .map((c) => c.slice('quorum:'.length))
    .filter((c) => !PUBLIC.has(c));

  it.each(guarded)('%s refuses a caller without a session with 401', async (channel) => {
    const res = await post(channel, {});
    expect(res.status).toBe(401);
    expect(res.json<Result<unknown>>()).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
  });

  it('refuses an annotator import.folder before scanning the folder', async () => {
    const missing = path.join(demo.tmp, 'no-such-folder');
    const res = (await post('import.folder', { session: setup.alice.token, path: missing })).json<Result<unknown>>();
    expect(res).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    // A scan would have said what it found (or did not find) there.
    expect(JSON.stringify(res)).not.toContain('no-such-folder');
  });
});
