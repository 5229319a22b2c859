/**
 * Axial slices of a labelmap (i fastest, then j, then k; slice k is the voxels with that k), the unit
 * in which edits travel: an autosave sends the slices changed since the last acknowledged version,
 * not the volume, as Cornerstone3D reports an edit by `triggerSegmentationDataModified(id,
 * modifiedSlices)`. One brush stroke on a 512×512×300 CT touches a few of its 300 slices, so the
 * request is a few hundred KiB instead of 78 MB. Environment-free.
 */

/** The voxels of slices `indices` (strictly increasing k), concatenated in that order: raw Uint8, one byte per voxel. */
export interface SlicePatch {
  readonly indices: number[];
  readonly bytes: Uint8Array;
}

type Dims = readonly [number, number, number];

const sliceSize = (dims: Dims): number => dims[0] * dims[1];

/**
 * Why `patch` cannot apply to a labelmap of `dims`, or null when it can: each index a slice of the
 * grid, each at most once (so no patch is larger than the volume itself), and exactly one slice of
 * bytes per index.
 */
export function slicePatchProblem(dims: Dims, patch: SlicePatch): string | null {
  const { indices, bytes } = patch;
  if (indices.length === 0) return 'the patch names no slice';
  for (let n = 0; n < indices.length; n++) {
    const k = indices[n];
    if (!Number.isInteger(k) || k < 0 || k >= dims[2]) return `slice ${k} is outside the case grid's ${dims[2]} slices`;
    if (n > 0 && k <= indices[n - 1]) return `slice indices must be strictly increasing (${indices[n - 1]} then ${k})`;
  }
  const expected = indices.length * sliceSize(dims);
  if (bytes.length !== expected)
    return `${indices.length} slices of ${dims[0]}×${dims[1]} voxels are ${expected} bytes, but the patch has ${bytes.length}`;
  return null;
}

/** Writes a checked patch (slicePatchProblem) into `labelmap`, in place. */
export function applySlicePatch(labelmap: Uint8Array, dims: Dims, patch: SlicePatch): void {
  const size = sliceSize(dims);
  patch.indices.forEach((k, n) => labelmap.set(patch.bytes.subarray(n * size, (n + 1) * size), k * size));
}

/** The patch that carries slices `indices` of `labelmap` (sorted and deduplicated here). */
export function slicePatchOf(labelmap: Uint8Array, dims: Dims, indices: Iterable<number>): SlicePatch {
  const size = sliceSize(dims);
  const sorted = [...new Set(indices)].sort((a, b) => a - b);
  const bytes = new Uint8Array(sorted.length * size);
  sorted.forEach((k, n) => bytes.set(labelmap.subarray(k * size, (k + 1) * size), n * size));
  return { indices: sorted, bytes };
}

/** The slices (k) that hold the flat voxel indices `voxels`, in increasing order. */
export function slicesOfVoxels(voxels: ArrayLike<number>, dims: Dims): number[] {
  const size = sliceSize(dims);
  const ks = new Set<number>();
  for (let m = 0; m < voxels.length; m++) ks.add(Math.floor(voxels[m] / size));
  return [...ks].sort((a, b) => a - b);
}
