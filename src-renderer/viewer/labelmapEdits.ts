/**
 * Edits Quorum makes to a labelmap layer itself (flood fill, freehand contour, interpolation),
 * recorded in the same history as Cornerstone's brush strokes (DefaultHistoryMemo), so Ctrl+Z
 * undoes them in order with the rest. Each step keeps only the changed voxels
 * (src-shared/project/labelmapDiff.ts) and the axial slices they lie on; doing, undoing and redoing
 * it writes those voxels alone and reports those slices (as Cornerstone's brush memos do), so
 * autosave and live metrics never need the whole volume to learn what an edit changed. The changes
 * they announce carry the cause 'tool' (ownLabelmapChanges.ts).
 */
import { utilities as csUtils, type Types } from '@cornerstonejs/core';
import { diffLabelmaps, type LabelmapDiff } from '../../src-shared/project/labelmapDiff';
import { slicesOfVoxels } from '../../src-shared/project/labelmapSlices';
import { reportModifiedSlices, type LabelmapLayers } from './labelmapLayers';
import { editing } from './ownLabelmapChanges';

const { DefaultHistoryMemo } = csUtils.HistoryMemo;

let serial = 0;

/**
 * Runs `edit` on a copy of the layer's voxels, writes the voxels it changed and pushes one undo
 * step. Returns the number of voxels that changed (0: nothing written, nothing recorded).
 */
export function editLabelmap(layers: LabelmapLayers, segmentationId: string, edit: (voxels: Uint8Array) => void): number {
  const before = layers.readLabelmap(segmentationId);
  const after = before.slice();
  edit(after);
  const diff = diffLabelmaps(before, after);
  if (diff.indices.length === 0) return 0;
  const slices = slicesOfVoxels(diff.indices, layers.labelmapGrid(segmentationId).dims);
  editing('tool', () => layers.setLabelmapVoxels(segmentationId, diff.indices, diff.after, slices));
  pushDiff(layers, segmentationId, diff, slices);
  return diff.indices.length;
}

/**
 * Records an edit someone else already wrote (Cornerstone's flood fill writes straight into the
 * voxels and keeps no history): `before` is the copy taken just before it ran. The slices the diff
 * found are reported again, so what autosave sends never rests on the tool's own count of them.
 */
export function recordLabelmapEdit(layers: LabelmapLayers, segmentationId: string, before: Uint8Array): number {
  const diff = diffLabelmaps(before, layers.readLabelmap(segmentationId));
  if (diff.indices.length === 0) return 0;
  const slices = slicesOfVoxels(diff.indices, layers.labelmapGrid(segmentationId).dims);
  pushDiff(layers, segmentationId, diff, slices);
  editing('tool', () => reportModifiedSlices(segmentationId, slices));
  return diff.indices.length;
}

function pushDiff(layers: LabelmapLayers, segmentationId: string, diff: LabelmapDiff, slices: number[]): void {
  const memo: Types.Memo = {
    id: `quorum-edit-${++serial}`,
    operationType: 'labelmap',
    restoreMemo: (undo?: boolean) => layers.setLabelmapVoxels(segmentationId, diff.indices, undo ? diff.before : diff.after, slices),
  };
  DefaultHistoryMemo.push(memo);
}
