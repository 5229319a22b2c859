/**
 * What the undo history holds after 100 strokes (issue 15): each step costs memory in proportion to
 * the voxels it changed, never a copy of the labelmap. Both kinds of step the history keeps
 * (annotationTools.ts, HISTORY_DEPTH 100): Cornerstone's brush memos (createLabelmapMemo, run-length
 * maps of the changed voxels' old values), measured as heap and ArrayBuffer growth after a forced
 * GC, and Quorum's own edit steps (labelmapEdits.ts: a LabelmapDiff), counted exactly. The same
 * strokes on a volume ten times larger must cost the same.
 */
import v8 from 'node:v8';
import vm from 'node:vm';
import { utilities, type Types } from '@cornerstonejs/core';
import { utilities as toolUtilities } from '@cornerstonejs/tools';
import { describe, expect, it } from 'vitest';
import { diffLabelmaps } from '../../src-shared/project/labelmapDiff';

const { VoxelManager, HistoryMemo } = utilities;
const { createLabelmapMemo } = toolUtilities.segmentation.LabelmapMemo;

const STROKES = 100;
const [NX, NY] = [512, 512];
/** A brush disc of radius 6 voxels dragged 40 voxels along i, on slice k: the voxels one stroke sets. */
function strokeVoxels(s: number, nz: number): Array<[number, number, number]> {
  const k = (7 * s) % nz;
  const [i0, j0] = [60 + 4 * s, 100 + ((s * 13) % 300)];
  const out: Array<[number, number, number]> = [];
  for (let j = j0 - 6; j <= j0 + 6; j++)
    for (let i = i0 - 6; i <= i0 + 46; i++) {
      const di = i < i0 ? i - i0 : i > i0 + 40 ? i - i0 - 40 : 0;
      if (di * di + (j - j0) ** 2 <= 36) out.push([i, j, k]);
    }
  return out;
}

v8.setFlagsFromString('--expose-gc');
// Frees leave external_memory when the collection ends, not later on a sweeper thread.
v8.setFlagsFromString('--no-concurrent-array-buffer-sweeping');
const gc = vm.runInNewContext('gc') as () => void;

/**
 * This isolate's JS heap and the memory its ArrayBuffers hold (not process-wide: other test workers
 * share the process), read once it stops moving: a freed 75 MiB labelmap can leave the count a
 * moment after the collection that found it, and a single reading then counted it into the history.
 */
async function usedBytes(): Promise<number> {
  let last = Number.NaN;
  for (let n = 0; n < 100; n++) {
    gc();
    const h = v8.getHeapStatistics();
    const now = h.used_heap_size + h.external_memory;
    if (Math.abs(now - last) < 64 * 1024) return now;
    last = now;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('the heap did not settle');
}

/** Memory the history holds after STROKES brush strokes on a 512×512×nz labelmap, and the voxels they changed. */
async function brushHistory(nz: number): Promise<{ bytes: number; changed: number }> {
  const labelmap = new Uint8Array(NX * NY * nz);
  const segmentation = VoxelManager.createScalarVolumeVoxelManager({
    dimensions: [NX, NY, nz],
    scalarData: labelmap,
  }) as Types.IVoxelManager<number>;
  const history = new HistoryMemo.HistoryMemo('undo memory test', STROKES);
  const before = await usedBytes();
  let changed = 0;
  for (let s = 0; s < STROKES; s++) {
    // What the brush does per stroke: one memo whose voxel manager records each voxel's old value as it writes.
    const memo = createLabelmapMemo('seg', segmentation);
    for (const [i, j, k] of strokeVoxels(s, nz)) {
      if (labelmap[i + NX * (j + NY * k)] === 0) changed++;
      memo.voxelManager.setAtIJK(i, j, k, 1);
    }
    history.push(memo);
  }
  const bytes = (await usedBytes()) - before;
  // Keeps the history and the volume alive until after the measurement.
  expect(history.canUndo && labelmap.length > 0).toBe(true);
  return { bytes, changed };
}

describe('undo history memory over 100 strokes', () => {
  it("Cornerstone's brush steps cost in proportion to the changed voxels, not the volume", async () => {
    const large = await brushHistory(300);
    const small = await brushHistory(30);
    const copy = NX * NY * 300;
    expect(large.changed).toBe(small.changed);
    // Run-length maps: a few bytes per changed voxel (JS objects per run), a 75 MiB volume far away.
    expect(large.bytes).toBeLessThan(64 * large.changed);
    expect(large.bytes).toBeLessThan(copy / 20);
    // Ten times the volume, the same strokes: the same memory, within the measurement's noise.
    expect(Math.abs(large.bytes - small.bytes)).toBeLessThan(Math.max(large.bytes, small.bytes) / 2);
    console.log(
      `100 brush strokes, ${large.changed} voxels changed: undo history ${(large.bytes / 1024).toFixed(0)} KiB on 512×512×300 (${(large.bytes / large.changed).toFixed(1)} bytes a voxel), ${(small.bytes / 1024).toFixed(0)} KiB on 512×512×30; one labelmap copy is ${(copy / 2 ** 20).toFixed(0)} MiB`,
    );
  });

  it("Quorum's own steps hold 6 bytes per changed voxel: its index, value before and after", () => {
    const nz = 30; // the count does not depend on the volume; a small one keeps the test quick
    const labelmap = new Uint8Array(NX * NY * nz);
    let bytes = 0;
    let changed = 0;
    for (let s = 0; s < 10; s++) {
      const after = labelmap.slice();
      for (const [i, j, k] of strokeVoxels(s, nz)) after[i + NX * (j + NY * k)] = 2;
      const diff = diffLabelmaps(labelmap, after);
      bytes += diff.indices.byteLength + diff.before.byteLength + diff.after.byteLength;
      changed += strokeVoxels(s, nz).length;
      labelmap.set(after);
    }
    expect(bytes).toBe(6 * changed);
  });
});
