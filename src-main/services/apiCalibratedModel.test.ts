/**
 * Saving a recalibrated model as a new version, through the real validating dispatcher and backend:
 * reviewers and admins only; the new folder lists and validates like any model (its members'
 * sha256 checked against the copied manifest), carries the calibration with its provenance, and is
 * refused when the calibration was fitted for another model or another kind of output, the version
 * exists, or the base is itself calibrated.
 */
import { cp, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { calibrationCase, crossValidate, crossValidateSoftmax, manifestCalibration } from '../../src-shared/calibration';
import { parseManifest } from '../../src-shared/inference/manifest';
import type { ModelEntry } from '../../src-shared/api/inferenceChannels';
import { repoRoot, useDemoDwiBackend } from './demoDwiBackend.testSupport';

const demo = useDemoDwiBackend('quorum-api-calibrated-');
const call = demo.call;

/** Four small reviewed cases whose stored maps are over-confident against one rater. */
function reviewedCases() {
  return [0, 1, 2, 3].map((c) => {
    const n = 200;
    const q = new Uint8Array(n);
    const labelmap = new Uint8Array(n);
    for (let v = 0; v < n; v++) {
      q[v] = Math.round(255 * (v / (n - 1)));
      labelmap[v] = (v * 7 + c) % 10 < (10 * v) / n ? 1 : 0;
    }
    return calibrationCase(
      { caseId: `case-${c}`, voxelMl: 0.001, labelmaps: [labelmap], quantisedProbability: q },
      'majority',
      'whole-image',
      'lesion',
    );
  });
}

describe('quorum:models.saveCalibrated', () => {
  it('saves a reviewer’s calibration as a new model version that lists, validates and records its provenance', async () => {
    await call('quorum:project.open', {});
    const { token: admin } = await demo.signedInRater('Ada Admin');
    const { token: reviewer } = await demo.signedInRater('Rita Reviewer', { role: 'reviewer', session: admin });
    const { token: annotator } = await demo.signedInRater('Alice Annotator');
    // The test backend has no bundled models directory: the demo ensemble is dropped into the user's.
    const { userDir } = await call<{ userDir: string }>('quorum:models.list', { session: reviewer });
    await cp(path.join(repoRoot, 'models', 'demo-dwi-lesion'), path.join(userDir, 'demo'), { recursive: true });
    const listed = await call<{ models: ModelEntry[]; userDir: string }>('quorum:models.list', { session: reviewer });
    const base = listed.models.find((m) => m.key === 'user/demo');
    if (!base?.model) throw new Error('the bundled demo model is missing');
    const report = crossValidate(reviewedCases(), { method: 'temperature', folds: 2, seed: 7 });
    const source = {
      baseModel: { id: base.model.id, version: base.model.version },
      reference: 'majority',
      region: 'whole image',
      fittedAt: '2026-12-06T00:00:00.000Z',
    } as const;
    const calibration = manifestCalibration(report, { ...source, logits: 'stored-probability-map' });
    const request = { baseKey: base.key, version: `${base.model.version}-cal`, calibration };

    const refused = await demo.backend.dispatch('quorum:models.saveCalibrated', { ...request, session: annotator });
    expect(!refused.ok && refused.error.code).toBe('unauthorized');
    const other = { ...calibration, provenance: { ...calibration.provenance, baseModel: { id: base.model.id, version: 'other' } } };
    const mismatch = await demo.backend.dispatch('quorum:models.saveCalibrated', { ...request, calibration: other, session: reviewer });
    expect(!mismatch.ok && mismatch.error.message).toMatch(/fitted for [a-z.-]+@other, but user\/demo is /);

    // Per-class temperatures fitted for a two-class softmax model do not fit the demo's one sigmoid label.
    const softmaxReport = crossValidateSoftmax(
      reviewedCases().map((c) => ({
        ...c,
        logits: [new Float32Array(c.logits.length), c.logits],
        targets: [c.targets.map((t) => 1 - t), c.targets],
      })),
      ['background', 'lesion'],
      { method: 'temperature', folds: 2, seed: 7 },
    );
    const softmax = manifestCalibration(softmaxReport, { ...source, logits: 'model-rerun' });
    const wrongOutput = await demo.backend.dispatch('quorum:models.saveCalibrated', {
      ...request,
      calibration: softmax,
      session: reviewer,
    });
    expect(!wrongOutput.ok && wrongOutput.error.message).toMatch(/fitted for a softmax model, and this model is sigmoid/);

    const saved = await call<{ key: string }>('quorum:models.saveCalibrated', { ...request, session: reviewer });
    const after = await call<{ models: ModelEntry[] }>('quorum:models.list', { session: reviewer });
    const entry = after.models.find((m) => m.key === saved.key);
    expect(entry?.error).toBeNull();
    expect(entry?.model?.version).toBe(request.version);
    const manifest = parseManifest(await readFile(path.join(listed.userDir, saved.key.slice('user/'.length), 'model.json'), 'utf8'));
    expect(manifest.calibration?.recalibration).toEqual(report.calibration);
    expect([...(manifest.calibration?.provenance.cases ?? [])].sort()).toEqual(['case-0', 'case-1', 'case-2', 'case-3']);
    expect(manifest.calibration?.provenance.perFold).toHaveLength(2);

    const again = await demo.backend.dispatch('quorum:models.saveCalibrated', { ...request, session: reviewer });
    expect(!again.ok && again.error.message).toMatch(/already has a folder/);
    const onCalibrated = await demo.backend.dispatch('quorum:models.saveCalibrated', {
      ...request,
      baseKey: saved.key,
      version: 'twice',
      calibration: {
        ...calibration,
        provenance: { ...calibration.provenance, baseModel: { id: base.model.id, version: request.version } },
      },
      session: reviewer,
    });
    expect(!onCalibrated.ok && onCalibrated.error.message).toMatch(/already calibrated/);
  });
});
