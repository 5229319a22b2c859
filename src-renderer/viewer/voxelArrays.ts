/**
 * Turning the server's raw voxel bytes into typed arrays.
 *
 * The server sends little-endian voxels, i fastest (contract.ts, VolumeInfo.url). Every platform a
 * browser runs on today is little-endian, so the bytes are viewed in place, without a copy.
 * Cornerstone3D's local volumes accept only Uint8, Int16, Uint16 and Float32 slices
 * (core loaders/imageLoader.ts createAndCacheLocalImage), so other types get a Float32 display
 * copy; the cursor readout always reads the native array so it shows the file's value exactly.
 */
import type { VoxelArray, VoxelDataType } from '../../src-shared/volume/types';

/** What Cornerstone can hold as a local volume's slices. */
export type DisplayVoxelArray = Uint8Array | Int16Array | Uint16Array | Float32Array;

const BYTES_PER_VOXEL: Record<VoxelDataType, number> = {
  uint8: 1,
  int8: 1,
  int16: 2,
  uint16: 2,
  int32: 4,
  uint32: 4,
  float32: 4,
  float64: 8,
};

/** Views `bytes` as `dataType`, after checking that the length matches the dimensions. */
export function wrapVoxelBytes(bytes: ArrayBuffer, dataType: VoxelDataType, voxelCount: number): VoxelArray {
  const expected = voxelCount * BYTES_PER_VOXEL[dataType];
  if (bytes.byteLength !== expected) {
    throw new Error(
      `The volume data is ${bytes.byteLength} bytes but ${voxelCount} ${dataType} voxels need ${expected}; the file may be truncated.`,
    );
  }
  switch (dataType) {
    case 'uint8':
      return new Uint8Array(bytes);
    case 'int8':
      return new Int8Array(bytes);
    case 'int16':
      return new Int16Array(bytes);
    case 'uint16':
      return new Uint16Array(bytes);
    case 'int32':
      return new Int32Array(bytes);
    case 'uint32':
      return new Uint32Array(bytes);
    case 'float32':
      return new Float32Array(bytes);
    case 'float64':
      return new Float64Array(bytes);
  }
}

/** The array Cornerstone displays: the native one when it can, else a Float32 copy. */
export function toDisplayArray(data: VoxelArray): DisplayVoxelArray {
  if (data instanceof Uint8Array || data instanceof Int16Array || data instanceof Uint16Array || data instanceof Float32Array) {
    return data;
  }
  return Float32Array.from(data);
}
