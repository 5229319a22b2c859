import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ProjectStore } from './ProjectStore';
import { APP_VERSION, labelmapWith, populated, tempDir } from './testSupport';

describe('integrity report on open', () => {
  it('reports a missing file and a tampered file, and deletes nothing', async () => {
    const dir = tempDir();
    const p = await populated(dir);
    const caseId = p.caseA.caseId;
    const keep = await p.store.saveLabelmap(p.alice, { caseId, labelmap: labelmapWith([1]), status: 'draft' });
    const gone = await p.store.saveLabelmap(p.alice, { caseId, labelmap: labelmapWith([2]), status: 'draft' });
    const tampered = await p.store.saveLabelmap(p.bob, { caseId, labelmap: labelmapWith([3]), status: 'submitted' });
    expect(p.store.openReport.integrity.ok).toBe(true);
    p.store.close();

    const ann = path.join(dir, 'annotations');
    fs.rmSync(path.join(ann, gone.fileName ?? ''));
    const tamperedPath = path.join(ann, tampered.fileName ?? '');
    const bytes = fs.readFileSync(tamperedPath);
    bytes[20] ^= 0x01;
    fs.writeFileSync(tamperedPath, bytes);
    fs.writeFileSync(path.join(ann, '.tmp-999-abcdef'), 'half a save');
    fs.writeFileSync(path.join(ann, `${'0'.repeat(64)}.nii.gz`), 'complete but never recorded');
    const before = fs.readdirSync(ann).sort();

    const store = await ProjectStore.open(dir, { appVersion: APP_VERSION });
    try {
      const r = store.openReport.integrity;
      expect(r.ok).toBe(false);
      expect(r.sqlite).toEqual(['ok']);
      expect(r.checkedFiles).toBe(3);
      expect(r.fileProblems).toEqual([
        {
          versionId: gone.versionId,
          raterId: p.alice.raterId,
          caseId,
          fileName: gone.fileName,
          fileHash: gone.fileHash,
          problem: 'missing',
        },
        {
          versionId: tampered.versionId,
          raterId: p.bob.raterId,
          caseId,
          fileName: tampered.fileName,
          fileHash: tampered.fileHash,
          problem: 'hash-mismatch',
        },
      ]);
      expect(r.tempFiles).toEqual(['.tmp-999-abcdef']);
      expect(r.unreferencedFiles).toEqual([`${'0'.repeat(64)}.nii.gz`]);
      expect(fs.readdirSync(ann).sort()).toEqual(before);
      expect(fs.readFileSync(tamperedPath)).toEqual(bytes);
      // The healthy version still reads; an annotator's view of the report holds only their own problem.
      expect((await store.readVersionLabelmap(p.alice, keep.versionId))[1]).toBe(1);
      const alices = await store.integrityReport(p.alice);
      expect(alices.fileProblems.map((f) => f.versionId)).toEqual([gone.versionId]);
      expect(JSON.stringify(alices)).not.toContain(p.bob.raterId);
      expect(JSON.stringify(alices)).not.toContain(tampered.fileHash);
    } finally {
      store.close();
    }
  });

  it('heals a damaged file when the same content is saved again, keeping the versions', async () => {
    const dir = tempDir();
    const p = await populated(dir);
    const lm = labelmapWith([4, 5]);
    const v = await p.store.saveLabelmap(p.alice, { caseId: p.caseA.caseId, labelmap: lm, status: 'draft' });
    const file = path.join(dir, 'annotations', v.fileName ?? '');
    fs.writeFileSync(file, 'garbage');
    expect((await p.store.integrityReport(p.admin)).fileProblems.map((f) => f.problem)).toEqual(['hash-mismatch']);
    const again = await p.store.saveLabelmap(p.alice, { caseId: p.caseA.caseId, labelmap: lm, status: 'draft' });
    expect(again.fileHash).toBe(v.fileHash);
    expect((await p.store.integrityReport(p.admin)).ok).toBe(true);
    expect(await p.store.readVersionLabelmap(p.alice, v.versionId)).toEqual(lm);
    p.store.close();
  });
});
