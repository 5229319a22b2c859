/**
 * Blinding, proven by scanning everything an annotator's session can read for the other
 * annotator's name, id, version ids and file hashes.
 */
import { describe, expect, it } from 'vitest';
import { labelmapWith, modelProvenance, populated, VOXELS } from './testSupport';

describe('an annotator sees only their own work', () => {
  it('returns nothing of another rater through any read', () => {
    const p = populated();
    const { store, alice, bob, reviewer, admin, caseA } = p;
    const caseId = caseA.caseId;
    try {
      const a1 = store.saveLabelmap(alice, { caseId, labelmap: labelmapWith([1, 2]), status: 'draft' });
      const a2 = store.saveLabelmap(alice, { caseId, labelmap: labelmapWith([1, 2, 3]), status: 'submitted' });
      const b1 = store.saveLabelmap(bob, { caseId, labelmap: labelmapWith([10, 11]), status: 'draft' });
      const b2 = store.submitNoLesion(bob, { caseId });
      store.addComment(reviewer, { caseId, versionId: a2.versionId, body: 'Alice: the rim at slice 2 is missing' });
      store.addComment(reviewer, { caseId, versionId: b1.versionId, body: 'Bob Blinded drew the wrong side' });
      store.addComment(reviewer, { caseId, body: 'Case note: Bob Blinded and Alice disagree' });
      store.addFlag(reviewer, { caseId, versionId: b1.versionId, kind: 'needs-revision', note: 'for Bob Blinded' });
      store.addFlag(reviewer, { caseId, versionId: a2.versionId, kind: 'accepted' });
      store.addComment(alice, { caseId, versionId: a2.versionId, body: 'I was unsure about the rim' });
      const bobSecrets = [bob.raterId, 'Bob Blinded', b1.versionId, b2.versionId, b1.fileHash ?? 'x'];
      const reviewerSecrets = [reviewer.raterId, 'Rita Reviewer', admin.raterId, 'Ada Admin'];

      // Every read the store offers an annotator session.
      const responses: unknown[] = [
        store.listRaters(alice),
        store.listCases(alice),
        store.getCase(alice, caseId),
        store.listVersions(alice),
        store.listVersions(alice, { caseId }),
        store.listVersions(alice, { raterId: bob.raterId }),
        store.getVersion(alice, a1.versionId),
        store.readVersionFile(alice, a2.versionId)?.fileName,
        store.status(alice, alice.raterId, caseId),
        store.caseStatuses(alice, caseId),
        store.listComments(alice, caseId),
        store.listFlags(alice, caseId),
        store.auditLog(alice),
        store.integrityReport(alice),
      ];
      const serialised = JSON.stringify(responses);
      for (const secret of [...bobSecrets, ...reviewerSecrets]) expect(serialised).not.toContain(secret);

      // Alice's own work and the verdicts on it are there (so the scan above is not vacuous).
      expect(serialised).toContain(a2.versionId);
      expect(serialised).toContain('the rim at slice 2');
      expect(serialised).toContain('accepted');
      expect(store.listComments(alice, caseId).map((c) => [c.body, c.authorName, c.authorRole])).toEqual([
        ['Alice: the rim at slice 2 is missing', null, 'reviewer'],
        ['I was unsure about the rim', 'Alice Annotator', 'annotator'],
      ]);

      // Asking for Bob's things directly looks exactly like asking for something that does not exist.
      expect(() => store.getVersion(alice, b1.versionId)).toThrow(/no version .* for this rater/);
      expect(() => store.readVersionFile(alice, b1.versionId)).toThrow(/no version/);
      expect(() => store.status(alice, bob.raterId, caseId)).toThrow(/no rater/);
      expect(() => store.consensus(alice, caseId, 'lesion')).toThrow(/reviewers and admins only/);
      expect(() => store.versionsCsv(alice)).toThrow(/reviewers and admins only/);
      expect(() => store.assignedRaters(alice, caseId)).toThrow(/only reviewers and admins/);

      // The reviewer sees everything.
      const all = JSON.stringify([store.listVersions(reviewer, { caseId }), store.listComments(reviewer, caseId), store.listFlags(reviewer, caseId)]);
      for (const secret of [bob.raterId, b1.versionId, b2.versionId, alice.raterId, a2.versionId, 'Rita Reviewer']) expect(all).toContain(secret);
    } finally {
      store.close();
    }
  });

  it("never shows a model's result to an annotator", () => {
    const { store, alice, reviewer, caseA } = populated();
    const caseId = caseA.caseId;
    try {
      const own = store.saveLabelmap(alice, { caseId, labelmap: labelmapWith([1, 2]), status: 'submitted' });
      const q = new Uint8Array(VOXELS);
      q[20] = 255;
      const m = store.saveModelResult(reviewer, { caseId, mask: labelmapWith([20]), probability: q, probabilityVolumes: 1, provenance: modelProvenance() });
      const secrets = [m.rater.raterId, m.rater.name, 'Demo DWI lesion', 'demo-dwi-lesion', m.version.versionId, m.version.fileHash ?? 'x', m.probabilityHash];
      const responses: unknown[] = [
        store.listIdentities(),
        store.listRaters(alice),
        store.listVersions(alice),
        store.listVersions(alice, { caseId, raterId: m.rater.raterId }),
        store.caseStatuses(alice, caseId),
        store.auditLog(alice),
        store.integrityReport(alice),
        store.getVersion(alice, own.versionId),
      ];
      const serialised = JSON.stringify(responses);
      for (const secret of secrets) expect(serialised).not.toContain(secret);
      expect(serialised).toContain(own.versionId);
      expect(() => store.readModelResult(alice, m.version.versionId)).toThrow(/no version .* for this rater/);
      expect(() => store.readVersionLabelmap(alice, m.version.versionId)).toThrow(/no version/);
      expect(() => store.status(alice, m.rater.raterId, caseId)).toThrow(/no rater/);
      // The reviewer's legend source lists the model like any rater.
      expect(store.listRaters(reviewer).map((r) => r.name)).toContain(m.rater.name);
      expect(store.caseStatuses(reviewer, caseId).map((x) => x.raterId)).toContain(m.rater.raterId);
    } finally {
      store.close();
    }
  });

  it('hides unassigned cases from annotators and refuses saves there', () => {
    const p = populated();
    try {
      const other = p.store.addCase(p.admin, { name: 'case-B', source: 'nifti', series: [{ label: 'T1', path: '/data/b.nii.gz', geometry: p.caseA.series[0].geometry }] });
      p.store.assign(p.admin, p.bob.raterId, other.caseId);
      expect(p.store.listCases(p.alice).map((c) => c.name)).toEqual(['case-A']);
      expect(p.store.listCases(p.reviewer).map((c) => c.name)).toEqual(['case-A', 'case-B']);
      expect(() => p.store.getCase(p.alice, other.caseId)).toThrow(/no case/);
      expect(() => p.store.saveLabelmap(p.alice, { caseId: other.caseId, labelmap: labelmapWith([1]), status: 'draft' })).toThrow(/no case/);
      expect(p.store.listVersions(p.admin)).toEqual([]);
    } finally {
      p.store.close();
    }
  });
});
