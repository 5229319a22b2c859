/**
 * Edits Quorum makes to a labelmap layer itself (flood fill, freehand contour, interpolation),
 * recorded in the same history as Cornerstone's brush strokes (DefaultHistoryMemo), so Ctrl+Z
 * undoes them in order with the rest. Each step keeps only the changed voxels
 * (src-shared/project/labelmapDiff.ts), never copies of the volume.
 */
import { utilities as csUtils, type Types } from '@cornerstonejs/core';
import { applyDiff, diffLabelmaps, type LabelmapDiff } from '../../src-shared/project/labelmapDiff';
import { readLabelmap, writeLabelmap } from './labelmapLayers';

const { DefaultHistoryMemo } = csUtils.HistoryMemo;

let serial = 0;

/**
 * Runs `edit` on a copy of the layer's voxels, writes the result and pushes one undo step.
 * Returns the number of voxels that changed (0: nothing written, nothing recorded).
 */
export function editLabelmap(segmentationId: string, edit: (voxels: Uint8Array) => void): number {
  const before = readLabelmap(segmentationId);
  const after = before.slice();
  edit(after);
  const diff = diffLabelmaps(before, after);
  if (diff.indices.length === 0) return 0;
  writeLabelmap(segmentationId, after);
  pushDiff(segmentationId, diff);
  return diff.indices.length;
}

/**
 * Records an edit someone else already wrote (Cornerstone's flood fill writes straight into the
 * voxels and keeps no history): `before` is the copy taken just before it ran.
 */
export function recordLabelmapEdit(segmentationId: string, before: Uint8Array): number {
  const diff = diffLabelmaps(before, readLabelmap(segmentationId));
  if (diff.indices.length > 0) pushDiff(segmentationId, diff);
  return diff.indices.length;
}

function pushDiff(segmentationId: string, diff: LabelmapDiff): void {
  const memo: Types.Memo = {
    id: `quorum-edit-${++serial}`,
    operationType: 'labelmap',
    restoreMemo: (undo?: boolean) => {
      const now = readLabelmap(segmentationId);
      applyDiff(now, diff, undo ? 'undo' : 'redo');
      writeLabelmap(segmentationId, now);
    },
  };
  DefaultHistoryMemo.push(memo);
}
