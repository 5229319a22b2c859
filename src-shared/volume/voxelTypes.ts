/**
 * Facts about each voxel data type that readers, writers and the viewer all need: its size in bytes
 * and a typed-array view of raw little-endian bytes. One table, so a type added to VoxelDataType has
 * exactly one place to be described (the Record types make a missing entry a compile error).
 */
import type { VoxelArray, VoxelDataType } from './types';

export const BYTES_PER_VOXEL: Readonly<Record<VoxelDataType, number>> = {
  uint8: 1,
  int8: 1,
  int16: 2,
  uint16: 2,
  int32: 4,
  uint32: 4,
  float32: 4,
  float64: 8,
};

type VoxelArrayCtor = new (buffer: ArrayBufferLike, byteOffset?: number, length?: number) => VoxelArray;

const CONSTRUCTORS: Readonly<Record<VoxelDataType, VoxelArrayCtor>> = {
  uint8: Uint8Array,
  int8: Int8Array,
  int16: Int16Array,
  uint16: Uint16Array,
  int32: Int32Array,
  uint32: Uint32Array,
  float32: Float32Array,
  float64: Float64Array,
};

/**
 * A view (no copy) of `length` voxels of `dataType` starting at `byteOffset` of `buffer`, in the
 * platform's byte order. The offset must be a multiple of the element size, as for any typed array.
 */
export function voxelView(dataType: VoxelDataType, buffer: ArrayBufferLike, byteOffset: number, length: number): VoxelArray {
  return new CONSTRUCTORS[dataType](buffer, byteOffset, length);
}
