/**
 * The zod schemas offered to the API contract (src-shared/project/schemas.ts) accept what the store
 * really returns, and the labelmap wire payload round-trips and refuses the wrong size.
 */
import { describe, expect, it } from 'vitest';
import { z } from '../../../src-shared/zod';
import {
  annotationVersionSchema,
  auditEntrySchema,
  caseRecordSchema,
  identitySchema,
  integrityReportSchema,
  raterCaseStatusSchema,
  raterSchema,
  reviewCommentSchema,
  reviewFlagSchema,
  sessionSchema,
} from '../../../src-shared/project/schemas';
import { checkedLabelmap, float32Volumes } from './labelmapPayload';
import { labelmapWith, populated, VOXELS } from './testSupport';

describe('record schemas against real store output', () => {
  it('parse every record kind, for a reviewer and for a blinded annotator', async () => {
    const p = await populated();
    try {
      const caseId = p.caseA.caseId;
      const v = await p.store.saveLabelmap(p.alice, { caseId, labelmap: labelmapWith([1]), status: 'draft' });
      await p.store.submitNoLesion(p.bob, { caseId });
      await p.store.addComment(p.reviewer, { caseId, versionId: v.versionId, body: 'check the rim' });
      await p.store.addFlag(p.reviewer, { caseId, versionId: v.versionId, kind: 'needs-revision' });
      for (const s of [p.reviewer, p.alice]) {
        z.array(identitySchema).parse(await p.store.listIdentities());
        sessionSchema.parse(s);
        z.array(raterSchema).parse(await p.store.listRaters(s));
        z.array(caseRecordSchema).parse(await p.store.listCases(s));
        const versions = z.array(annotationVersionSchema).parse(await p.store.listVersions(s, { caseId }));
        expect(versions.length).toBe(s === p.reviewer ? 2 : 1);
        z.array(z.object({ raterId: z.string(), status: raterCaseStatusSchema })).parse(await p.store.caseStatuses(s, caseId));
        const comments = z.array(reviewCommentSchema).parse(await p.store.listComments(s, caseId));
        expect(comments[0].authorName).toBe(s === p.reviewer ? 'Rita Reviewer' : null);
        z.array(reviewFlagSchema).parse(await p.store.listFlags(s, caseId));
        z.array(auditEntrySchema).parse(await p.store.auditLog(s));
        integrityReportSchema.parse(await p.store.integrityReport(s));
      }
    } finally {
      p.store.close();
    }
  });
});

describe('voxel payloads', () => {
  it('takes a labelmap of exactly the case grid, as sent (no copy)', () => {
    const lm = labelmapWith([3, 4, 50], 2);
    expect(checkedLabelmap(lm, VOXELS)).toBe(lm);
    expect(() => checkedLabelmap(new Uint8Array(VOXELS + 1), VOXELS)).toThrow(/has 121 voxels but the case grid has 120/);
    expect(() => checkedLabelmap(new Uint8Array(VOXELS - 1), VOXELS)).toThrow(/has 119 voxels but the case grid has 120/);
  });

  it('reads Float32 maps in place when aligned, copies when not, and refuses the wrong size', () => {
    const values = Float32Array.from({ length: 2 * VOXELS }, (_, i) => i / (2 * VOXELS));
    const bytes = new Uint8Array(values.buffer);
    const [first, second] = float32Volumes(bytes, VOXELS, 2);
    expect(first.buffer).toBe(values.buffer);
    expect(second[7]).toBe(values[VOXELS + 7]);
    const shifted = new Uint8Array(bytes.length + 1).subarray(1);
    shifted.set(bytes);
    expect(float32Volumes(shifted, VOXELS, 2)[1][7]).toBe(values[VOXELS + 7]);
    expect(() => float32Volumes(bytes, VOXELS, 1)).toThrow(/1 Float32 map\(s\) of the case grid have 480/);
  });
});
