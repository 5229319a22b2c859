import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readNifti } from '../../../src-shared/nifti';
import { sha256Hex } from './annotationFiles';
import { LABEL_PRESETS } from '../../../src-shared/project/labelTable';
import { VERSIONS_CSV_HEADER } from './exportProject';
import { GRID, labelmapWith, modelProvenance, openTemp, populated, tempDir, VOXELS } from './testSupport';

/**
 * Three raters on voxels 0..3 (everything else background):
 *   voxel:   0  1  2  3
 *   Alice:   1  2  2  0
 *   Bob:     1  0  1  0
 *   Carol:   no lesion (all 0)
 * R = 3, majority needs ⌊3/2⌋ + 1 = 2 votes.
 *   uncertain as lesion:      votes 2,1,2,0 → majority 1,0,1,0; soft 2/3,1/3,2/3,0
 *   uncertain as background:  votes 2,0,1,0 → majority 1,0,0,0; soft 2/3,0,1/3,0
 *   uncertain as half:        votes 2,.5,1.5,0 → majority 1,0,0,0; soft 2/3,1/6,1/2,0
 */
async function threeRaters() {
  const p = await populated();
  const carol = await p.store.signIn((await p.store.createRater(p.admin, 'O"Neil, Carol', 'annotator')).raterId);
  await p.store.assign(p.admin, carol.raterId, p.caseA.caseId);
  const caseId = p.caseA.caseId;
  const alice = await p.store.saveLabelmap(p.alice, { caseId, labelmap: labelmapWith([1, 2], 2, labelmapWith([0])), status: 'submitted' });
  const bob = await p.store.saveLabelmap(p.bob, { caseId, labelmap: labelmapWith([0, 2]), status: 'submitted' });
  const carolV = await p.store.submitNoLesion(carol, { caseId });
  // A later draft must not replace Alice's submitted version in the consensus.
  await p.store.saveLabelmap(p.alice, { caseId, labelmap: labelmapWith([50]), status: 'draft' });
  return { ...p, carol, versions: { alice, bob, carol: carolV } };
}

const head = (a: ArrayLike<number>) => Array.from({ length: 4 }, (_, i) => a[i]);
const tailIsZero = (a: ArrayLike<number>) => Array.from({ length: a.length - 4 }, (_, i) => a[i + 4]).every((v) => v === 0);

describe('consensus', () => {
  it('matches the hand-computed majority and soft maps for each uncertain-voxel rule', async () => {
    const t = await threeRaters();
    try {
      const lesion = await t.store.consensus(t.reviewer, t.caseA.caseId, 'lesion');
      expect(lesion.raterIds.length).toBe(3);
      expect(lesion.majorityVotes).toBe(2);
      expect(head(lesion.majority)).toEqual([1, 0, 1, 0]);
      expect(head(lesion.soft[0].map)).toEqual([2 / 3, 1 / 3, 2 / 3, 0].map(Math.fround));
      expect(tailIsZero(lesion.soft[0].map) && tailIsZero(lesion.majority)).toBe(true);
      const bg = await t.store.consensus(t.reviewer, t.caseA.caseId, 'background');
      expect(head(bg.majority)).toEqual([1, 0, 0, 0]);
      expect(head(bg.soft[0].map)).toEqual([2 / 3, 0, 1 / 3, 0].map(Math.fround));
      const half = await t.store.consensus(t.reviewer, t.caseA.caseId, 'half');
      expect(head(half.majority)).toEqual([1, 0, 0, 0]);
      expect(head(half.soft[0].map)).toEqual([2 / 3, 1 / 6, 1 / 2, 0].map(Math.fround));
    } finally {
      t.store.close();
    }
  });
});

describe('consensus under a multi-label table', () => {
  /**
   * Core/penumbra (1 core, 2 penumbra, 3 uncertain), three raters on voxels 0..4, by hand:
   *   voxel:   0  1  2  3  4
   *   Alice:   1  1  2  3  0
   *   Bob:     1  2  2  3  2
   *   Carol:   2  3  2  1  2
   * A label needs 2 of 3 votes; uncertain (3) votes for no label.
   *   majority:      1  0  2  0  2
   *   soft, label 1: 2/3 1/3 0 1/3 0
   *   soft, label 2: 1/3 1/3 1 0 2/3
   */
  it('exports the multi-label majority and one soft map per certain label', async () => {
    const p = await populated();
    const out = tempDir('quorum-export-labels-');
    try {
      await p.store.setLabels(p.admin, LABEL_PRESETS['core-penumbra'].labels);
      const carol = await p.store.signIn((await p.store.createRater(p.admin, 'Carol', 'annotator')).raterId);
      await p.store.assign(p.admin, carol.raterId, p.caseA.caseId);
      const caseId = p.caseA.caseId;
      const paint = (values: number[]) => {
        const lm = new Uint8Array(VOXELS);
        lm.set(values);
        return lm;
      };
      await p.store.saveLabelmap(p.alice, { caseId, labelmap: paint([1, 1, 2, 3, 0]), status: 'submitted' });
      await p.store.saveLabelmap(p.bob, { caseId, labelmap: paint([1, 2, 2, 3, 2]), status: 'submitted' });
      await p.store.saveLabelmap(carol, { caseId, labelmap: paint([2, 3, 2, 1, 2]), status: 'submitted' });

      const exported = await p.store.exportCase(p.reviewer, caseId, out, { uncertainAs: 'lesion' });
      const read = (f: { path: string } | undefined) => readNifti(fs.readFileSync(f?.path ?? '')).data;
      const five = (a: ArrayLike<number>) => Array.from({ length: 5 }, (_, i) => a[i]);
      expect(five(read(exported.files.find((f) => f.kind === 'majority')))).toEqual([1, 0, 2, 0, 2]);
      const soft = exported.files.filter((f) => f.kind === 'soft');
      expect(soft.map((f) => f.path.split('/').pop())).toEqual(['consensus_soft_label-1.nii.gz', 'consensus_soft_label-2.nii.gz']);
      expect(five(read(soft[0]))).toEqual([2 / 3, 1 / 3, 0, 1 / 3, 0].map(Math.fround));
      expect(five(read(soft[1]))).toEqual([1 / 3, 1 / 3, 1, 0, 2 / 3].map(Math.fround));
    } finally {
      p.store.close();
    }
  });
});

describe('consensus without models', () => {
  it('leaves a saved model result out of the consensus but exports its file', async () => {
    const t = await threeRaters();
    const out = tempDir('quorum-export-model-');
    try {
      // The model says lesion at voxels 1 and 3, where one vote would tip the majority (1 → 2 of 3
      // votes at voxel 1 under 'lesion'; 0 → 1 at voxel 3): counted in, the maps would change.
      const q = new Uint8Array(VOXELS);
      q[1] = 230;
      q[3] = 230;
      const model = await t.store.saveModelResult(t.reviewer, {
        caseId: t.caseA.caseId,
        mask: labelmapWith([1, 3]),
        probability: q,
        probabilityVolumes: 1,
        provenance: modelProvenance(0.5),
      });
      const c = await t.store.consensus(t.reviewer, t.caseA.caseId, 'lesion');
      expect(c.raterIds).not.toContain(model.rater.raterId);
      expect(c.raterIds.length).toBe(3);
      // The three human raters' maps from the table above, unchanged.
      expect(head(c.majority)).toEqual([1, 0, 1, 0]);
      expect(head(c.soft[0].map)).toEqual([2 / 3, 1 / 3, 2 / 3, 0].map(Math.fround));
      const exported = await t.store.exportCase(t.reviewer, t.caseA.caseId, out, { uncertainAs: 'lesion' });
      const raterFiles = exported.files.filter((f) => f.kind === 'rater');
      expect(raterFiles.map((f) => f.versionId)).toContain(model.version.versionId);
      expect(raterFiles.length).toBe(4);
      const majority = readNifti(fs.readFileSync(exported.files.find((f) => f.kind === 'majority')?.path ?? ''));
      expect(head(majority.data)).toEqual([1, 0, 1, 0]);
    } finally {
      t.store.close();
    }
  });
});

describe('export', () => {
  it('writes per-rater files verbatim, consensus NIfTIs, and imports back bit-exact', async () => {
    const t = await threeRaters();
    const out = tempDir('quorum-export-');
    try {
      const exported = await t.store.exportCase(t.reviewer, t.caseA.caseId, out, { uncertainAs: 'lesion' });
      const raterFiles = exported.files.filter((f) => f.kind === 'rater');
      expect(raterFiles.length).toBe(3);
      const aliceFile = raterFiles.find((f) => f.versionId === t.versions.alice.versionId);
      expect(aliceFile?.path).toMatch(/raters\/Alice_Annotator__ver_[0-9a-f]{16}\.nii\.gz$/);
      expect(aliceFile?.sha256).toBe(t.versions.alice.fileHash);
      expect(sha256Hex(fs.readFileSync(aliceFile?.path ?? ''))).toBe(t.versions.alice.fileHash);
      const carolFile = raterFiles.find((f) => f.versionId === t.versions.carol.versionId);
      expect(carolFile?.path).toMatch(/O_Neil_Carol__ver_[0-9a-f]{16}__no-lesion\.nii\.gz$/);

      const majority = readNifti(fs.readFileSync(exported.files.find((f) => f.kind === 'majority')?.path ?? ''));
      expect(majority.dataType).toBe('uint8');
      expect(head(majority.data)).toEqual([1, 0, 1, 0]);
      expect(majority.geometry.dims).toEqual(GRID.dims);
      const soft = readNifti(fs.readFileSync(exported.files.find((f) => f.kind === 'soft')?.path ?? ''));
      expect(soft.dataType).toBe('float32');
      expect(head(soft.data)).toEqual([2 / 3, 1 / 3, 2 / 3, 0].map(Math.fround));

      // Round trip 1: into a fresh project with the same case grid, as a new rater.
      const other = await openTemp();
      try {
        const admin = await other.signIn((await other.createIdentity('Other Admin', 'admin')).raterId);
        const c = await other.addCase(admin, {
          name: 'case-A',
          source: 'nifti',
          series: [{ label: 'T1', path: '/elsewhere/a.nii.gz', geometry: GRID }],
        });
        for (const f of raterFiles) {
          const bytes = new Uint8Array(fs.readFileSync(f.path));
          const v = await other.importMask(admin, { caseId: c.caseId, bytes, fileName: f.path, status: 'draft' });
          expect(v.fileHash).toBe(f.sha256);
          expect((await other.readVersionFile(admin, v.versionId))?.bytes).toEqual(bytes);
        }
        const maj = await other.importMask(admin, {
          caseId: c.caseId,
          bytes: new Uint8Array(fs.readFileSync(exported.files.find((f) => f.kind === 'majority')?.path ?? '')),
          fileName: 'consensus_majority.nii.gz',
          status: 'submitted',
        });
        expect(head(await other.readVersionLabelmap(admin, maj.versionId))).toEqual([1, 0, 1, 0]);
      } finally {
        other.close();
      }

      // Round trip 2: back into the same project, imported as Alice: same hash, the stored file is reused.
      const back = await t.store.importMask(t.admin, {
        caseId: t.caseA.caseId,
        raterId: t.alice.raterId,
        bytes: new Uint8Array(fs.readFileSync(aliceFile?.path ?? '')),
        fileName: 'alice.nii.gz',
        status: 'submitted',
      });
      expect(back).toMatchObject({
        fileHash: t.versions.alice.fileHash,
        fileName: t.versions.alice.fileName,
        raterId: t.alice.raterId,
        origin: 'import',
      });
      expect(await t.store.readVersionLabelmap(t.alice, back.versionId)).toEqual(
        await t.store.readVersionLabelmap(t.alice, t.versions.alice.versionId),
      );
    } finally {
      t.store.close();
    }
  });

  it('writes a CSV of every version, quoting names that need it', async () => {
    const t = await threeRaters();
    try {
      const csv = await t.store.versionsCsv(t.admin);
      const lines = csv.trimEnd().split('\r\n');
      expect(lines[0]).toBe(VERSIONS_CSV_HEADER.join(','));
      expect(lines.length).toBe(1 + 4);
      const carolLine = lines.find((l) => l.startsWith(t.versions.carol.versionId)) ?? '';
      expect(carolLine).toContain(',"O""Neil, Carol",annotator,submitted,1,,,');
      const bobLine = lines.find((l) => l.startsWith(t.versions.bob.versionId)) ?? '';
      expect(bobLine).toContain(`,Bob Blinded,annotator,submitted,0,${t.versions.bob.fileHash},${t.versions.bob.fileHash}.nii.gz,`);
    } finally {
      t.store.close();
    }
  });

  it('has nothing to export before anyone submits', async () => {
    const p = await populated();
    try {
      await p.store.saveLabelmap(p.alice, { caseId: p.caseA.caseId, labelmap: labelmapWith([1]), status: 'draft' });
      await expect(async () => await p.store.consensus(p.reviewer, p.caseA.caseId, 'lesion')).rejects.toThrow(/no submitted annotation/);
      expect(VOXELS).toBe(120);
    } finally {
      p.store.close();
    }
  });
});
