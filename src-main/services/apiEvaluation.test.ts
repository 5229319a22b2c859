/**
 * evaluation.caseSources through the real validating dispatcher and backend on the demo DWI grid
 * (124 × 152 × 32): a reviewer gets each human rater's newest submitted labelmap (a later draft does
 * not replace it), the "no lesion" answer, and the model's probabilities as q = p × 255; an
 * annotator is refused.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { useDemoDwiBackend } from './demoDwiBackend.testSupport';
import { modelProvenance, probabilityFields } from './project/testSupport';

const VOXELS = 124 * 152 * 32;
const demo = useDemoDwiBackend('quorum-api-evaluation-');
const call = demo.call;
const gz = (a: Uint8Array): string => gzipSync(a).toString('base64');
const unzip = (b64: string): Uint8Array => new Uint8Array(gunzipSync(Buffer.from(b64, 'base64')));

interface Sources {
  geometry: { dims: number[] };
  raters: Array<{
    raterId: string;
    name: string;
    status: string;
    versionId: string | null;
    noLesion: boolean;
    labelmapGzBase64: string | null;
  }>;
  models: Array<{
    raterId: string;
    versionId: string | null;
    threshold: number | null;
    maskGzBase64: string | null;
    probabilityGzBase64: string | null;
    expectedMl: number | null;
  }>;
}

describe('evaluation.caseSources', () => {
  it('gives a reviewer every newest submitted labelmap and the model map; refuses an annotator', async () => {
    await call('quorum:project.open', {});
    const { token: adaToken } = await demo.signedInRater('Ada Admin');
    const { token: ritaToken } = await demo.signedInRater('Rita Reviewer', { role: 'reviewer', session: adaToken });
    const { raterId: aliceId, token: aliceToken } = await demo.signedInRater('Alice Annotator');
    const { raterId: bobId, token: bobToken } = await demo.signedInRater('Bob Annotator');
    const [dwi] = await call<Array<{ caseId: string }>>('quorum:projectCase.list', { session: ritaToken });

    // Alice submits voxels 10..12, then saves a draft with voxel 13 too: the submitted one counts.
    const submitted = new Uint8Array(VOXELS);
    submitted.fill(1, 10, 13);
    submitted[20] = 2;
    const v1 = await call<{ versionId: string }>('quorum:annotation.save', {
      session: aliceToken,
      caseId: dwi.caseId,
      labelmapGzBase64: gz(submitted),
      status: 'submitted',
    });
    const draft = submitted.slice();
    draft[13] = 1;
    await call('quorum:annotation.save', {
      session: aliceToken,
      caseId: dwi.caseId,
      labelmapGzBase64: gz(draft),
      status: 'draft',
      parentVersionId: v1.versionId,
    });
    const noLesion = await call<{ versionId: string }>('quorum:annotation.noLesion', { session: bobToken, caseId: dwi.caseId });

    const q = new Uint8Array(VOXELS);
    q[10] = 204; // p = 0.8
    q[11] = 51; // p = 0.2
    // Saved at p > 0.1: both voxels are in the mask, which comes back as saved (evaluation uses it).
    const mask = new Uint8Array(VOXELS);
    mask[10] = 1;
    mask[11] = 1;
    const saved = await call<{ version: { versionId: string }; rater: { raterId: string } }>('quorum:inference.saveResult', {
      session: ritaToken,
      caseId: dwi.caseId,
      maskGzBase64: gz(mask),
      ...probabilityFields(q),
      provenance: modelProvenance(0.1),
    });

    const s = await call<Sources>('quorum:evaluation.caseSources', { session: ritaToken, caseId: dwi.caseId });
    expect(s.geometry.dims).toEqual([124, 152, 32]);
    const a = s.raters.find((r) => r.raterId === aliceId);
    expect(a).toMatchObject({ status: 'draft', versionId: v1.versionId, noLesion: false });
    expect(Buffer.from(unzip(a?.labelmapGzBase64 ?? '')).equals(Buffer.from(submitted))).toBe(true);
    expect(s.raters.find((r) => r.raterId === bobId)).toMatchObject({
      status: 'no-lesion',
      versionId: noLesion.versionId,
      noLesion: true,
      labelmapGzBase64: null,
    });
    // Raters without any version on the case (Ada, Rita) are not sources; the model is not a human rater.
    expect(s.raters.map((r) => r.raterId).sort()).toEqual([aliceId, bobId].sort());
    expect(s.models).toHaveLength(1);
    expect(s.models[0]).toMatchObject({
      raterId: saved.rater.raterId,
      versionId: saved.version.versionId,
      threshold: 0.1,
      expectedMl: 0.004,
    });
    expect(Buffer.from(unzip(s.models[0].maskGzBase64 ?? '')).equals(Buffer.from(mask))).toBe(true);
    const back = unzip(s.models[0].probabilityGzBase64 ?? '');
    expect(back.length).toBe(VOXELS);
    expect([back[10], back[11], back[12]]).toEqual([204, 51, 0]);

    const refused = await demo.backend.dispatch('quorum:evaluation.caseSources', { session: aliceToken, caseId: dwi.caseId });
    expect(refused.ok).toBe(false);
    expect(!refused.ok && refused.error.code).toBe('unauthorized');
    expect(!refused.ok && refused.error.message).toMatch(/reviewers and admins/);
  });
});
