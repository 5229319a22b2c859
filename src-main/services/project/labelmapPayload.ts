/**
 * Voxel payloads as they arrive (issue 15): raw bytes, already limited by the case's grid before the
 * HTTP server read them (binaryAdmission.ts); here their exact size is checked against that grid,
 * and the Float32 probabilities of a model result are read in place.
 */
import { fail } from './errors';

/** The labelmap (or mask) sent, checked to have exactly the case's `voxelCount` voxels. */
export function checkedLabelmap(labelmap: Uint8Array, voxelCount: number): Uint8Array {
  if (labelmap.length !== voxelCount)
    fail('bad-geometry', `labelmap payload has ${labelmap.length} voxels but the case grid has ${voxelCount}`);
  return labelmap;
}

/**
 * `volumes` Float32 maps of `voxelCount` voxels each from their little-endian bytes (label-major):
 * views, not copies, where the bytes are 4-aligned (a frame's are); a copy otherwise.
 */
export function float32Volumes(bytes: Uint8Array, voxelCount: number, volumes: number): Float32Array[] {
  const expected = voxelCount * volumes * Float32Array.BYTES_PER_ELEMENT;
  if (bytes.length !== expected) {
    fail('bad-geometry', `probability payload has ${bytes.length} bytes but ${volumes} Float32 map(s) of the case grid have ${expected}`);
  }
  const aligned = bytes.byteOffset % Float32Array.BYTES_PER_ELEMENT === 0 ? bytes : bytes.slice();
  const all = new Float32Array(aligned.buffer, aligned.byteOffset, voxelCount * volumes);
  return Array.from({ length: volumes }, (_, c) => all.subarray(c * voxelCount, (c + 1) * voxelCount));
}
