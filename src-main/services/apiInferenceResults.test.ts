/**
 * The model-result channels through the real validating dispatcher and backend, on the demo DWI's
 * grid (124 × 152 × 32): a reviewer saves a result, reads it back with its provenance and the
 * probability NIfTI (the Float32 p sent, quantised once by the server: q/255), sees the model in the rater list; an annotator can neither save
 * nor read it and never sees the model.
 */
import { describe, expect, it } from 'vitest';
import { readNifti } from '../../src-shared/nifti';
import { useDemoDwiBackend } from './demoDwiBackend.testSupport';
import { modelProvenance } from './project/testSupport';

const VOXELS = 124 * 152 * 32;

const demo = useDemoDwiBackend('quorum-api-inference-');
const call = demo.call;

describe('model result channels', () => {
  it('save as reviewer, read back with provenance, blind to annotators', async () => {
    await call('quorum:project.open', {});
    const { token: adaToken } = await demo.signedInRater('Ada Admin');
    const { token: ritaToken } = await demo.signedInRater('Rita Reviewer', { role: 'reviewer', session: adaToken });
    const { token: aliceToken } = await demo.signedInRater('Alice Annotator');
    const [dwi] = await call<Array<{ caseId: string }>>('quorum:projectCase.list', { session: ritaToken });

    const p = new Float32Array(VOXELS);
    p[1000] = 0.8;
    p[1001] = 0.4;
    const mask = new Uint8Array(VOXELS);
    mask[1000] = 1; // threshold 0.3 would also need voxel 1001: the request states 0.5
    const request = {
      caseId: dwi.caseId,
      mask,
      probabilities: new Uint8Array(p.buffer),
      probabilityVolumes: 1,
      provenance: modelProvenance(0.5),
    };

    const refused = await demo.backend.dispatch('quorum:inference.saveResult', { ...request, session: aliceToken });
    expect(!refused.ok && refused.error.code).toBe('unauthorized');
    const wrong = await demo.backend.dispatch('quorum:inference.saveResult', {
      ...request,
      session: ritaToken,
      provenance: modelProvenance(0.3),
    });
    expect(!wrong.ok && wrong.error.message).toMatch(/disagrees with p > 0.3 at 1 voxel/);
    // Float32 maps of the case grid, exactly: one voxel short is refused.
    const short = await demo.backend.dispatch('quorum:inference.saveResult', {
      ...request,
      session: ritaToken,
      probabilities: request.probabilities.subarray(4),
    });
    expect(!short.ok && short.error.code).toBe('bad-geometry');

    const saved = await call<{ version: { versionId: string }; rater: { raterId: string; kind: string; name: string } }>(
      'quorum:inference.saveResult',
      { ...request, session: ritaToken },
    );
    expect(saved.rater.kind).toBe('model');
    const read = await call<{ threshold: number; provenance: { modelId: string }; probabilityNifti: Uint8Array }>(
      'quorum:inference.readResult',
      {
        session: ritaToken,
        versionId: saved.version.versionId,
      },
    );
    expect(read.threshold).toBe(0.5);
    expect(read.provenance.modelId).toBe('demo-dwi-lesion');
    const nii = readNifti(read.probabilityNifti);
    expect(nii.data[1000]).toBeCloseTo(0.8, 6);
    expect(nii.data[1001]).toBeCloseTo(0.4, 6);

    const raters = await call<Array<{ raterId: string; kind: string }>>('quorum:rater.list', { session: ritaToken });
    expect(raters.find((r) => r.raterId === saved.rater.raterId)?.kind).toBe('model');
    const aliceView = JSON.stringify([
      await call('quorum:rater.list', { session: aliceToken }),
      await call('quorum:annotation.list', { session: aliceToken }),
      await call('quorum:rater.identities', {}),
    ]);
    for (const secret of [saved.rater.raterId, saved.rater.name, saved.version.versionId]) expect(aliceView).not.toContain(secret);
    const hidden = await demo.backend.dispatch('quorum:inference.readResult', { session: aliceToken, versionId: saved.version.versionId });
    expect(!hidden.ok && hidden.error.code).toBe('not-found');
  });
});
