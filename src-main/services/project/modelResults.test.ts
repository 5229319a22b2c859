/**
 * Model results as a rater: stored as the model's submitted version plus a quantised probability
 * NIfTI and provenance; the model rater is listed to reviewers, never to annotators or the sign-in
 * picker, and cannot sign in. Expected values are worked out by hand on the 6×5×4 test grid.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readNifti } from '../../../src-shared/nifti';
import { migrate } from './migrate';
import { DB_FILE, ProjectStore } from './ProjectStore';
import { Db } from './sqlite';
import { MIGRATIONS } from './schema';
import { APP_VERSION, GRID, labelmapWith, modelProvenance, populated, tempDir, VOXELS } from './testSupport';

/** p = 0.9 at voxel 7, 0.6 at 8, 0.45 at 9 (quantised by hand: 230, 153, 115), else 0. */
function probability(): Uint8Array {
  const q = new Uint8Array(VOXELS);
  q[7] = 230; // round(0.9 × 255 = 229.5) = 230
  q[8] = 153; // 0.6 × 255 = 153
  q[9] = 115; // round(0.45 × 255 = 114.75) = 115
  return q;
}

describe('model results as a rater', () => {
  it('stores mask, probability and provenance under a model rater that reviewers see', async () => {
    const { store, reviewer, admin, caseA } = await populated();
    try {
      const mask = labelmapWith([7, 8]); // threshold 0.5: 0.9 and 0.6 are lesion, 0.45 is not
      const saved = await store.saveModelResult(reviewer, {
        caseId: caseA.caseId,
        mask,
        probability: probability(),
        probabilityVolumes: 1,
        provenance: modelProvenance(0.5),
      });
      expect(saved.rater).toMatchObject({ name: 'Demo DWI lesion 1.0.0 (model)', kind: 'model', role: 'annotator' });
      expect(saved.version).toMatchObject({
        raterId: saved.rater.raterId,
        status: 'submitted',
        noLesion: false,
        origin: 'import',
        parentVersionId: null,
      });
      expect(Array.from(await store.readVersionLabelmap(reviewer, saved.version.versionId))).toEqual(Array.from(mask));
      expect(await store.status(admin, saved.rater.raterId, caseA.caseId)).toBe('submitted');

      const read = await store.readModelResult(admin, saved.version.versionId);
      expect(read.threshold).toBe(0.5);
      expect(read.provenance.members.map((m) => m.sha256)).toEqual(['a'.repeat(64), 'b'.repeat(64)]);
      expect(read.provenance.executionProvider).toBe('wasm');
      expect(read.provenance.timingsMs).toEqual({ resample: 12, forward: 340, total: 400 });
      const nii = readNifti(read.probabilityBytes, { fileName: read.probabilityFileName });
      expect(nii.geometry.dims).toEqual(GRID.dims);
      expect(nii.data[7]).toBeCloseTo(230 / 255, 6);
      expect(nii.data[9]).toBeCloseTo(115 / 255, 6);
      expect(nii.data[0]).toBe(0);

      // Listed like any rater to reviewers; not in the sign-in picker; cannot act.
      expect((await store.listRaters(reviewer)).find((r) => r.raterId === saved.rater.raterId)?.kind).toBe('model');
      expect((await store.listIdentities()).map((i) => i.name)).not.toContain(saved.rater.name);
      await expect(async () => await store.signIn(saved.rater.raterId)).rejects.toThrow(/is a model, not a person/);
      await expect(async () => await store.setRole(admin, saved.rater.raterId, 'reviewer')).rejects.toThrow(/model rater/);

      // The same model version again: the same rater, a new version on top of the first.
      const again = await store.saveModelResult(admin, {
        caseId: caseA.caseId,
        mask: labelmapWith([7]),
        probability: probability(),
        probabilityVolumes: 1,
        provenance: modelProvenance(0.7),
      });
      expect(again.rater.raterId).toBe(saved.rater.raterId);
      expect(again.version.parentVersionId).toBe(saved.version.versionId);
      expect((await store.readModelResult(reviewer, again.version.versionId)).threshold).toBe(0.7);
      // Another model version is another rater.
      const v2 = await store.saveModelResult(admin, {
        caseId: caseA.caseId,
        mask,
        probability: probability(),
        probabilityVolumes: 1,
        provenance: modelProvenance(0.5, '2.0.0'),
      });
      expect(v2.rater.raterId).not.toBe(saved.rater.raterId);

      // Both files of every result are referenced and verified by the integrity check.
      const report = await store.integrityReport(admin);
      expect(report.ok).toBe(true);
      expect(report.unreferencedFiles).toEqual([]);
      fs.rmSync(path.join(store.dir, 'annotations', saved.probabilityFileName));
      // Identical content is one file: the first two saves (same model version, same map) share it.
      expect(again.probabilityFileName).toBe(saved.probabilityFileName);
      expect((await store.integrityReport(admin)).fileProblems.map((p) => [p.versionId, p.problem])).toEqual([
        [saved.version.versionId, 'missing'],
        [again.version.versionId, 'missing'],
      ]);
      await expect(async () => await store.readModelResult(admin, saved.version.versionId)).rejects.toThrow(/missing/);
    } finally {
      store.close();
    }
  });

  it('refuses annotators, masks not made at the stated threshold, and incomplete provenance', async () => {
    const { store, reviewer, alice, caseA } = await populated();
    const caseId = caseA.caseId;
    try {
      const input = {
        caseId,
        mask: labelmapWith([7, 8]),
        probability: probability(),
        probabilityVolumes: 1,
        provenance: modelProvenance(0.5),
      };
      await expect(async () => await store.saveModelResult(alice, input)).rejects.toThrow(/only reviewers and admins/);
      // Voxel 9 (p 0.45) marked lesion at threshold 0.5; and voxel 8 (p 0.6) left out.
      await expect(async () => await store.saveModelResult(reviewer, { ...input, mask: labelmapWith([7, 8, 9]) })).rejects.toThrow(
        /disagrees with p > 0.5 at 1 voxel/,
      );
      await expect(async () => await store.saveModelResult(reviewer, { ...input, mask: labelmapWith([7]) })).rejects.toThrow(/at 1 voxel/);
      // At threshold 0.4 voxel 9 must be lesion.
      await expect(async () => await store.saveModelResult(reviewer, { ...input, provenance: modelProvenance(0.4) })).rejects.toThrow(
        /p > 0.4 at 1 voxel/,
      );
      const noMembers = { ...modelProvenance(), members: undefined } as unknown as typeof input.provenance;
      await expect(async () => await store.saveModelResult(reviewer, { ...input, provenance: noMembers })).rejects.toThrow(
        /provenance is incomplete: members/,
      );
      await expect(async () => await store.saveModelResult(reviewer, { ...input, probability: new Uint8Array(5) })).rejects.toThrow(
        /probability map has 5 values/,
      );
      await expect(async () => await store.saveModelResult(reviewer, { ...input, mask: labelmapWith([7, 8], 3) })).rejects.toThrow(
        /outside \{0, 1, 2\}/,
      );
      expect(await store.listVersions(reviewer)).toEqual([]);
    } finally {
      store.close();
    }
  });

  it('migrates a version-1 project: existing raters become human', async () => {
    // A database as Quorum with only migration 1 left it (today's store code expects the current schema).
    const dir = tempDir();
    fs.mkdirSync(path.join(dir, 'annotations'));
    const db = new Db(path.join(dir, DB_FILE));
    migrate(db, MIGRATIONS.slice(0, 1));
    const raterId = 'rater_0123456789abcdef';
    db.run("INSERT INTO raters (rater_id, name, role, created_at) VALUES (?, 'Old Admin', 'admin', '2026-01-01T00:00:00.000Z')", [raterId]);
    db.close();
    const store = await ProjectStore.open(dir, { appVersion: APP_VERSION });
    try {
      expect(store.openReport.migration).toMatchObject({ from: 1, to: MIGRATIONS.length });
      const s = await store.signIn(raterId);
      expect(await store.listRaters(s)).toMatchObject([{ raterId, kind: 'human', role: 'admin' }]);
    } finally {
      store.close();
    }
  });
});
