/**
 * The project channels through the real validating dispatcher and backend (real case loader, real
 * project store), on a temp image folder whose manifest lists the demo DWI:
 * - the app's own project is created under <data-dir>/projects/demo and the folder's case is
 *   registered with the loader's geometry, with every rater enrolled;
 * - a scripted annotator session: every response body is scanned for the other annotator's and the
 *   reviewer's names, ids, version ids and file hashes;
 * - a saved labelmap reads back voxel for voxel; bad payloads and tokens get clear errors.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Result } from '../../src-shared/api/contract';
import { repoRoot, useDemoDwiBackend } from './demoDwiBackend.testSupport';
import { testSecretOf } from './project/signIn.testSupport';

// The demo DWI: 124 × 152 × 32 voxels, three b-values on one grid.
const DIMS = [124, 152, 32] as const;
const VOXELS = DIMS[0] * DIMS[1] * DIMS[2];

const demo = useDemoDwiBackend('quorum-api-project-');
const call = demo.call;

async function callRaw(channel: string, request: unknown): Promise<Result<unknown>> {
  return demo.backend.dispatch(channel, request);
}

/** A labelmap with a box of `value` from flat index `start`, `len` voxels long, on each of slices z0..z1. */
function boxLabelmap(value: number, x0: number, len: number, z0: number, z1: number): Uint8Array {
  const lm = new Uint8Array(VOXELS);
  for (let z = z0; z <= z1; z++)
    for (let y = 60; y < 70; y++) lm.fill(value, z * DIMS[0] * DIMS[1] + y * DIMS[0] + x0, z * DIMS[0] * DIMS[1] + y * DIMS[0] + x0 + len);
  return lm;
}

interface Rater {
  raterId: string;
  name: string;
  role: string;
}
interface Version {
  versionId: string;
  fileHash: string | null;
  raterId: string;
  status: string;
  noLesion: boolean;
}

describe('project channels', () => {
  it('open the app project in the data folder, register the folder case, and keep annotators blind', async () => {
    const opened = await call<{ dir: string; openEnrolment: boolean; integrity: { ok: boolean } }>('quorum:project.open', {});
    expect(opened.dir).toBe(path.join(demo.tmp, 'data', 'projects', 'demo'));
    expect(opened.openEnrolment).toBe(true);
    expect(opened.integrity.ok).toBe(true);

    // First identity bootstraps as admin; later self-registrations are annotators and cannot ask for more.
    const register = (name: string, role?: string) => call<Rater>('quorum:rater.create', { name, role, secret: testSecretOf(name) });
    const ada = await register('Ada Admin');
    expect(ada.role).toBe('admin');
    const alice = await register('Alice Annotator');
    const bob = await register('Bob Blinded');
    expect([alice.role, bob.role]).toEqual(['annotator', 'annotator']);
    const selfReviewer = await callRaw('quorum:rater.create', { name: 'Sneaky', role: 'reviewer', secret: testSecretOf('Sneaky') });
    expect(!selfReviewer.ok && selfReviewer.error.code).toBe('unauthorized');
    const adaToken = (await demo.signInAs('Ada Admin')).token;
    const rita = await call<Rater>('quorum:rater.create', { name: 'Rita Reviewer', role: 'reviewer', session: adaToken });

    // Bob's work: a submitted mask, then a draft on top.
    const bobToken = (await demo.signInAs('Bob Blinded')).token;
    const [dwiCase] = await call<
      Array<{ caseId: string; name: string; series: Array<{ path: string; bValue: number | null; geometry: { dims: number[] } }> }>
    >('quorum:projectCase.list', { session: bobToken });
    expect(dwiCase.name).toBe('DWI');
    expect(dwiCase.series.map((s) => s.bValue)).toEqual([5, 5, 1500]);
    expect(dwiCase.series[0].geometry.dims).toEqual([...DIMS]);
    expect(dwiCase.series[0].path).toBe(path.join(repoRoot, 'demo', 'dwi', 'dwi.nii.gz'));
    const caseId = dwiCase.caseId;
    const b1 = await call<Version>('quorum:annotation.save', {
      session: bobToken,
      caseId,
      labelmap: boxLabelmap(1, 10, 20, 3, 5),
      status: 'submitted',
    });
    const b2 = await call<Version>('quorum:annotation.save', {
      session: bobToken,
      caseId,
      labelmap: boxLabelmap(2, 12, 5, 4, 4),
      status: 'draft',
    });

    // The reviewer comments on Bob's version; that must not reach Alice either.
    const ritaToken = (await demo.signInAs('Rita Reviewer')).token;
    await call('quorum:review.addComment', { session: ritaToken, caseId, versionId: b1.versionId, body: 'Bob Blinded missed the rim' });
    await call('quorum:review.addFlag', { session: ritaToken, caseId, versionId: b1.versionId, kind: 'needs-revision' });

    // Alice's scripted session: every response is kept and scanned.
    const responses: Array<[string, unknown]> = [];
    const requests: string[] = [];
    const aliceCall = async (channel: string, request: Record<string, unknown>): Promise<Result<unknown>> => {
      const r = await callRaw(channel, request);
      responses.push([channel, r]);
      requests.push(JSON.stringify(request));
      return r;
    };
    const signedIn = await aliceCall('quorum:rater.signIn', { name: alice.name, secret: testSecretOf(alice.name) });
    const aliceToken = (signedIn as { ok: true; value: { token: string } }).value.token;
    const session = aliceToken;
    const mask = boxLabelmap(1, 40, 8, 10, 12);
    mask[DIMS[0] * DIMS[1] * 11 + 65 * DIMS[0] + 50] = 2; // one uncertain voxel beside the box
    const draft = (await aliceCall('quorum:annotation.save', { session, caseId, labelmap: mask, status: 'draft' })) as {
      ok: true;
      value: Version;
    };
    expect(draft.ok).toBe(true);
    const submitted = (await aliceCall('quorum:annotation.submitDraft', { session, versionId: draft.value.versionId })) as {
      ok: true;
      value: Version;
    };
    expect(submitted.value.status).toBe('submitted');
    for (const [channel, request] of [
      ['quorum:rater.list', { session }],
      ['quorum:projectCase.list', { session }],
      ['quorum:projectCase.statuses', { session, caseId }],
      ['quorum:annotation.list', { session }],
      ['quorum:annotation.list', { session, caseId }],
      ['quorum:annotation.list', { session, raterId: bob.raterId }],
      ['quorum:annotation.read', { session, versionId: submitted.value.versionId }],
      ['quorum:annotation.read', { session, versionId: b1.versionId }],
      ['quorum:annotation.submitDraft', { session, versionId: b2.versionId }],
      ['quorum:review.comments', { session, caseId }],
      ['quorum:review.flags', { session, caseId }],
      ['quorum:audit.list', { session }],
      ['quorum:project.integrity', { session }],
      ['quorum:rater.setRole', { session, raterId: bob.raterId, role: 'reviewer' }],
      ['quorum:projectCase.assign', { session, raterId: bob.raterId, caseId }],
    ] as const) {
      await aliceCall(channel, request);
    }
    const secrets = [
      bob.raterId,
      bob.name,
      b1.versionId,
      b2.versionId,
      b1.fileHash,
      b2.fileHash,
      rita.raterId,
      rita.name,
      ada.raterId,
      ada.name,
    ];
    responses.forEach(([channel, response], n) => {
      const body = JSON.stringify(response);
      for (const secret of secrets) {
        // An id Alice sent herself (asking for Bob's version by id) may be echoed in the refusal: she knew it already.
        if (!secret || requests[n].includes(secret)) continue;
        if (body.includes(secret)) throw new Error(`${channel} leaked "${secret}" to an annotator: ${body.slice(0, 300)}`);
      }
    });
    // Not vacuous: Alice's own work is there, and Bob's version is refused exactly like an unknown one.
    expect(JSON.stringify(responses)).toContain(submitted.value.versionId);
    const readBob = responses.find(([c, r]) => c === 'quorum:annotation.read' && !(r as Result<unknown>).ok)?.[1] as Result<unknown>;
    expect(!readBob.ok && readBob.error.code).toBe('not-found');
    const unknown = await callRaw('quorum:annotation.read', { session, versionId: 'ver_0000000000000000' });
    expect(!unknown.ok && unknown.error.code).toBe('not-found');

    // Alice's submitted labelmap reads back voxel for voxel (value 2 included).
    const readOwn = await call<{ labelmap: Uint8Array }>('quorum:annotation.read', { session, versionId: submitted.value.versionId });
    expect(Buffer.compare(readOwn.labelmap, mask)).toBe(0);

    // The reviewer sees both raters' statuses and can read Bob's version.
    const statuses = await call<Array<{ raterId: string; status: string }>>('quorum:projectCase.statuses', { session: ritaToken, caseId });
    expect(Object.fromEntries(statuses.map((s) => [s.raterId, s.status]))).toMatchObject({
      [alice.raterId]: 'submitted',
      [bob.raterId]: 'draft',
    });
    const bobRead = await call<{ labelmap: Uint8Array }>('quorum:annotation.read', { session: ritaToken, versionId: b1.versionId });
    expect(Buffer.compare(bobRead.labelmap, boxLabelmap(1, 10, 20, 3, 5))).toBe(0);

    // "No lesion" is its own answer.
    const noLesion = await call<Version>('quorum:annotation.noLesion', { session: bobToken, caseId });
    expect(noLesion).toMatchObject({ status: 'submitted', noLesion: true, fileHash: null });
  });

  it('refuses bad tokens and bad labelmaps with clear errors, writing nothing', async () => {
    const session = (await demo.signInAs('Alice Annotator')).token;
    const [{ caseId }] = await call<Array<{ caseId: string }>>('quorum:projectCase.list', { session });
    const before = (await call<Version[]>('quorum:annotation.list', { session })).length;

    const noSession = await callRaw('quorum:projectCase.list', { session: 'not-a-token' });
    expect(!noSession.ok && noSession.error).toMatchObject({
      code: 'unauthorized',
      message: expect.stringMatching(/needs a signed-in session/),
    });
    // No session at all is refused by the access rule, before the request is even parsed.
    const missing = await callRaw('quorum:projectCase.list', {});
    expect(!missing.ok && missing.error.code).toBe('unauthorized');

    const short = await callRaw('quorum:annotation.save', {
      session,
      caseId,
      labelmap: new Uint8Array(VOXELS - 1),
      status: 'draft',
    });
    expect(!short.ok && short.error).toMatchObject({
      code: 'bad-geometry',
      message: expect.stringContaining(`has ${VOXELS - 1} voxels but the case grid has ${VOXELS}`),
    });
    const three = new Uint8Array(VOXELS);
    three[7] = 3;
    const badLabels = await callRaw('quorum:annotation.save', { session, caseId, labelmap: three, status: 'draft' });
    expect(!badLabels.ok && badLabels.error).toMatchObject({ code: 'bad-labels', message: expect.stringContaining('outside {0, 1, 2}') });
    // Voxels are raw bytes: text (the old gzip+base64 form) is refused by the contract.
    const notBytes = await callRaw('quorum:annotation.save', { session, caseId, labelmap: 'H4sIAAAA', status: 'draft' });
    expect(!notBytes.ok && notBytes.error).toMatchObject({ code: 'bad-request', message: expect.stringContaining('raw bytes') });
    const emptySubmit = await callRaw('quorum:annotation.save', {
      session,
      caseId,
      labelmap: new Uint8Array(VOXELS),
      status: 'submitted',
    });
    expect(!emptySubmit.ok && emptySubmit.error.message).toMatch(/no lesion/);

    expect((await call<Version[]>('quorum:annotation.list', { session })).length).toBe(before);
    await call('quorum:rater.signOut', { session });
    const after = await callRaw('quorum:annotation.list', { session });
    expect(!after.ok && after.error.code).toBe('unauthorized');
  });
});
