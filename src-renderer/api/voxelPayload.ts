/**
 * Voxel payloads as they arrive (issue 15): raw bytes, views into the received frame over HTTP or a
 * structured clone over IPC; nothing to inflate or decode. What is left is to check that they lie
 * on the case's grid before a viewer or a metric reads them.
 */

/**
 * `bytes` (one Uint8 voxel each: a labelmap, a mask, an overlay), refused unless it has the case's
 * `voxelCount` voxels. A view into a frame shares its ArrayBuffer with every other payload of that
 * answer, while the viewer and the metrics workers take a payload's buffer as its own (transferred
 * to a worker, it would detach the others): such a view is copied once, here, into its own buffer.
 */
export function onCaseGrid(bytes: Uint8Array, voxelCount: number, what = 'the stored labelmap'): Uint8Array {
  checkOnCaseGrid(bytes, voxelCount, what);
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice();
}

/** Refuses `bytes` unless it has the case's `voxelCount` voxels; for a caller that makes its own copy anyway. */
export function checkOnCaseGrid(bytes: Uint8Array, voxelCount: number, what = 'the stored labelmap'): void {
  if (bytes.length !== voxelCount) throw new Error(`${what} has ${bytes.length} voxels, but the case has ${voxelCount}`);
}
