/**
 * The difference between two versions of a labelmap as the changed voxels only (flat index, value
 * before, value after), so an undo step of a flood fill, a contour or an interpolation costs a few
 * bytes per changed voxel instead of two copies of the volume (a 512×512×300 CT is 78 MB a copy,
 * and the history keeps 100 steps). Environment-free.
 */
export interface LabelmapDiff {
  readonly indices: Uint32Array;
  readonly before: Uint8Array;
  readonly after: Uint8Array;
}

export function diffLabelmaps(before: Uint8Array, after: Uint8Array): LabelmapDiff {
  if (before.length !== after.length) throw new Error(`diffLabelmaps: ${before.length} voxels before, ${after.length} after`);
  let n = 0;
  for (let i = 0; i < before.length; i++) if (before[i] !== after[i]) n++;
  const indices = new Uint32Array(n);
  const b = new Uint8Array(n);
  const a = new Uint8Array(n);
  let m = 0;
  for (let i = 0; i < before.length; i++) {
    if (before[i] !== after[i]) {
      indices[m] = i;
      b[m] = before[i];
      a[m] = after[i];
      m++;
    }
  }
  return { indices, before: b, after: a };
}
