/**
 * evaluation.caseSources through the real validating dispatcher and backend on the demo DWI grid
 * (124 × 152 × 32): a reviewer gets each human rater's newest submitted labelmap (a later draft does
 * not replace it), the "no lesion" answer, and the model's probabilities as q = p × 255; an
 * annotator is refused.
 */
import { describe, expect, it } from 'vitest';
import { useDemoDwiBackend } from './demoDwiBackend.testSupport';
import { modelProvenance } from './project/testSupport';

const VOXELS = 124 * 152 * 32;
const demo = useDemoDwiBackend('quorum-api-evaluation-');
const call = demo.call;

interface Sources {
  geometry: { dims: number[] };
  raters: Array<{
    raterId: string;
    name: string;
    status: string;
    versionId: string | null;
    noLesion: boolean;
    labelmap: Uint8Array | null;
  }>;
  models: Array<{
    raterId: string;
    versionId: string | null;
    threshold: number | null;
    mask: Uint8Array | null;
    probabilityQ255: Uint8Array | null;
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
      labelmap: submitted,
      status: 'submitted',
    });
    const draft = submitted.slice();
    draft[13] = 1;
    await call('quorum:annotation.save', {
      session: aliceToken,
      caseId: dwi.caseId,
      labelmap: draft,
      status: 'draft',
      parentVersionId: v1.versionId,
    });
    const noLesion = await call<{ versionId: string }>('quorum:annotation.noLesion', { session: bobToken, caseId: dwi.caseId });

    const p = new Float32Array(VOXELS);
    p[10] = 0.8; // stored as q = 204
    p[11] = 0.2; // q = 51
    // Saved at p > 0.1: both voxels are in the mask, which comes back as saved (evaluation uses it).
    const mask = new Uint8Array(VOXELS);
    mask[10] = 1;
    mask[11] = 1;
    const saved = await call<{ version: { versionId: string }; rater: { raterId: string } }>('quorum:inference.saveResult', {
      session: ritaToken,
      caseId: dwi.caseId,
      mask: mask,
      probabilities: new Uint8Array(p.buffer),
      probabilityVolumes: 1,
      provenance: modelProvenance(0.1),
    });

    const s = await call<Sources>('quorum:evaluation.caseSources', { session: ritaToken, caseId: dwi.caseId });
    expect(s.geometry.dims).toEqual([124, 152, 32]);
    const a = s.raters.find((r) => r.raterId === aliceId);
    expect(a).toMatchObject({ status: 'draft', versionId: v1.versionId, noLesion: false });
    expect(Buffer.from(a?.labelmap ?? []).equals(Buffer.from(submitted))).toBe(true);
    expect(s.raters.find((r) => r.raterId === bobId)).toMatchObject({
      status: 'no-lesion',
      versionId: noLesion.versionId,
      noLesion: true,
      labelmap: null,
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
    expect(Buffer.from(s.models[0].mask ?? []).equals(Buffer.from(mask))).toBe(true);
    const back = s.models[0].probabilityQ255 ?? new Uint8Array(0);
    expect(back.length).toBe(VOXELS);
    expect([back[10], back[11], back[12]]).toEqual([204, 51, 0]);

    const refused = await demo.backend.dispatch('quorum:evaluation.caseSources', { session: aliceToken, caseId: dwi.caseId });
    expect(refused.ok).toBe(false);
    expect(!refused.ok && refused.error.code).toBe('unauthorized');
    expect(!refused.ok && refused.error.message).toMatch(/reviewers and admins/);
  });
});
