/**
 * Blinding, proven by scanning everything an annotator's session can read for the other
 * annotator's name, id, version ids and file hashes.
 */
import { describe, expect, it } from 'vitest';
import { labelmapWith, modelProvenance, populated, VOXELS, onStore, storeKinds } from './testSupport';

describe.each(storeKinds())('%s store', (kind) => {
  onStore(kind);

  describe('an annotator sees only their own work', () => {
    it('returns nothing of another rater through any read', async () => {
      const p = await populated();
      const { store, alice, bob, reviewer, admin, caseA } = p;
      const caseId = caseA.caseId;
      try {
        const a1 = await store.saveLabelmap(alice, { caseId, labelmap: labelmapWith([1, 2]), status: 'draft' });
        const a2 = await store.saveLabelmap(alice, { caseId, labelmap: labelmapWith([1, 2, 3]), status: 'submitted' });
        const b1 = await store.saveLabelmap(bob, { caseId, labelmap: labelmapWith([10, 11]), status: 'draft' });
        const b2 = await store.submitNoLesion(bob, { caseId });
        await store.addComment(reviewer, { caseId, versionId: a2.versionId, body: 'Alice: the rim at slice 2 is missing' });
        await store.addComment(reviewer, { caseId, versionId: b1.versionId, body: 'Bob Blinded drew the wrong side' });
        await store.addComment(reviewer, { caseId, body: 'Case note: Bob Blinded and Alice disagree' });
        await store.addFlag(reviewer, { caseId, versionId: b1.versionId, kind: 'needs-revision', note: 'for Bob Blinded' });
        await store.addFlag(reviewer, { caseId, versionId: a2.versionId, kind: 'accepted' });
        await store.addComment(alice, { caseId, versionId: a2.versionId, body: 'I was unsure about the rim' });
        const bobSecrets = [bob.raterId, 'Bob Blinded', b1.versionId, b2.versionId, b1.fileHash ?? 'x'];
        const reviewerSecrets = [reviewer.raterId, 'Rita Reviewer', admin.raterId, 'Ada Admin'];

        // Every read the store offers an annotator session.
        const responses: unknown[] = [
          await store.listRaters(alice),
          await store.listCases(alice),
          await store.getCase(alice, caseId),
          await store.listVersions(alice),
          await store.listVersions(alice, { caseId }),
          await store.listVersions(alice, { raterId: bob.raterId }),
          await store.getVersion(alice, a1.versionId),
          (await store.readVersionFile(alice, a2.versionId))?.fileName,
          await store.status(alice, alice.raterId, caseId),
          await store.caseStatuses(alice, caseId),
          await store.listComments(alice, caseId),
          await store.listFlags(alice, caseId),
          await store.auditLog(alice),
          await store.integrityReport(alice),
        ];
        const serialised = JSON.stringify(responses);
        for (const secret of [...bobSecrets, ...reviewerSecrets]) expect(serialised).not.toContain(secret);

        // Alice's own work and the verdicts on it are there (so the scan above is not vacuous).
        expect(serialised).toContain(a2.versionId);
        expect(serialised).toContain('the rim at slice 2');
        expect(serialised).toContain('accepted');
        expect((await store.listComments(alice, caseId)).map((c) => [c.body, c.authorName, c.authorRole])).toEqual([
          ['Alice: the rim at slice 2 is missing', null, 'reviewer'],
          ['I was unsure about the rim', 'Alice Annotator', 'annotator'],
        ]);

        // Asking for Bob's things directly looks exactly like asking for something that does not exist.
        await expect(async () => await store.getVersion(alice, b1.versionId)).rejects.toThrow(/no version .* for this rater/);
        await expect(async () => await store.readVersionFile(alice, b1.versionId)).rejects.toThrow(/no version/);
        await expect(async () => await store.status(alice, bob.raterId, caseId)).rejects.toThrow(/no rater/);
        await expect(async () => await store.consensus(alice, caseId, 'lesion')).rejects.toThrow(/reviewers and admins only/);
        await expect(async () => await store.versionsCsv(alice)).rejects.toThrow(/reviewers and admins only/);
        await expect(async () => await store.assignedRaters(alice, caseId)).rejects.toThrow(/only reviewers and admins/);

        // The reviewer sees everything.
        const all = JSON.stringify([
          await store.listVersions(reviewer, { caseId }),
          await store.listComments(reviewer, caseId),
          await store.listFlags(reviewer, caseId),
        ]);
        for (const secret of [bob.raterId, b1.versionId, b2.versionId, alice.raterId, a2.versionId, 'Rita Reviewer'])
          expect(all).toContain(secret);
      } finally {
        store.close();
      }
    });

    it("never shows a model's result to an annotator", async () => {
      const { store, alice, reviewer, caseA } = await populated();
      const caseId = caseA.caseId;
      try {
        const own = await store.saveLabelmap(alice, { caseId, labelmap: labelmapWith([1, 2]), status: 'submitted' });
        const q = new Uint8Array(VOXELS);
        q[20] = 255;
        const m = await store.saveModelResult(reviewer, {
          caseId,
          mask: labelmapWith([20]),
          probability: q,
          probabilityVolumes: 1,
          provenance: modelProvenance(),
        });
        const secrets = [
          m.rater.raterId,
          m.rater.name,
          'Demo DWI lesion',
          'demo-dwi-lesion',
          m.version.versionId,
          m.version.fileHash ?? 'x',
          m.probabilityHash,
        ];
        const responses: unknown[] = [
          await store.listIdentities(),
          await store.listRaters(alice),
          await store.listVersions(alice),
          await store.listVersions(alice, { caseId, raterId: m.rater.raterId }),
          await store.caseStatuses(alice, caseId),
          await store.auditLog(alice),
          await store.integrityReport(alice),
          await store.getVersion(alice, own.versionId),
        ];
        const serialised = JSON.stringify(responses);
        for (const secret of secrets) expect(serialised).not.toContain(secret);
        expect(serialised).toContain(own.versionId);
        await expect(async () => await store.readModelResult(alice, m.version.versionId)).rejects.toThrow(/no version .* for this rater/);
        await expect(async () => await store.readVersionLabelmap(alice, m.version.versionId)).rejects.toThrow(/no version/);
        await expect(async () => await store.status(alice, m.rater.raterId, caseId)).rejects.toThrow(/no rater/);
        // The reviewer's legend source lists the model like any rater.
        expect((await store.listRaters(reviewer)).map((r) => r.name)).toContain(m.rater.name);
        expect((await store.caseStatuses(reviewer, caseId)).map((x) => x.raterId)).toContain(m.rater.raterId);
      } finally {
        store.close();
      }
    });

    it('hides unassigned cases from annotators and refuses saves there', async () => {
      const p = await populated();
      try {
        const other = await p.store.addCase(p.admin, {
          name: 'case-B',
          source: 'nifti',
          series: [{ label: 'T1', path: '/data/b.nii.gz', geometry: p.caseA.series[0].geometry }],
        });
        await p.store.assign(p.admin, p.bob.raterId, other.caseId);
        expect((await p.store.listCases(p.alice)).map((c) => c.name)).toEqual(['case-A']);
        expect((await p.store.listCases(p.reviewer)).map((c) => c.name)).toEqual(['case-A', 'case-B']);
        await expect(async () => await p.store.getCase(p.alice, other.caseId)).rejects.toThrow(/no case/);
        await expect(
          async () => await p.store.saveLabelmap(p.alice, { caseId: other.caseId, labelmap: labelmapWith([1]), status: 'draft' }),
        ).rejects.toThrow(/no case/);
        expect(await p.store.listVersions(p.admin)).toEqual([]);
      } finally {
        p.store.close();
      }
    });
  });
});
