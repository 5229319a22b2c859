import { describe, expect, it } from 'vitest';
import type { VoxelDataType } from './types';
import { BYTES_PER_VOXEL, voxelView } from './voxelTypes';

describe('BYTES_PER_VOXEL', () => {
  it('gives the storage size of each type', () => {
    // From the type names: 8-bit → 1, 16-bit → 2, 32-bit → 4, 64-bit → 8.
    expect(BYTES_PER_VOXEL).toEqual({ uint8: 1, int8: 1, int16: 2, uint16: 2, int32: 4, uint32: 4, float32: 4, float64: 8 });
  });
});

describe('voxelView', () => {
  it('reads little-endian bytes as the named type without copying', () => {
    // 0xff 0xff 0x00 0x80: int16 LE → -1, -32768; uint16 LE → 65535, 32768; int8 → -1, -1, 0, -128.
    const bytes = new Uint8Array([0xff, 0xff, 0x00, 0x80]);
    expect(Array.from(voxelView('int16', bytes.buffer, 0, 2))).toEqual([-1, -32768]);
    expect(Array.from(voxelView('uint16', bytes.buffer, 0, 2))).toEqual([65535, 32768]);
    expect(Array.from(voxelView('int8', bytes.buffer, 0, 4))).toEqual([-1, -1, 0, -128]);
    // int32 LE 0x8000ffff = -2147418113; uint32 the same bits = 2147549183.
    expect(Array.from(voxelView('int32', bytes.buffer, 0, 1))).toEqual([-2147418113]);
    expect(Array.from(voxelView('uint32', bytes.buffer, 0, 1))).toEqual([2147549183]);
    const v = voxelView('uint8', bytes.buffer, 2, 2);
    expect(Array.from(v)).toEqual([0x00, 0x80]);
    bytes[2] = 7;
    expect(v[0]).toBe(7); // a view, not a copy
  });

  it('makes the array class of each type, sized by BYTES_PER_VOXEL', () => {
    const expected: Record<VoxelDataType, string> = {
      uint8: 'Uint8Array',
      int8: 'Int8Array',
      int16: 'Int16Array',
      uint16: 'Uint16Array',
      int32: 'Int32Array',
      uint32: 'Uint32Array',
      float32: 'Float32Array',
      float64: 'Float64Array',
    };
    const buffer = new ArrayBuffer(16);
    for (const [type, name] of Object.entries(expected) as [VoxelDataType, string][]) {
      const a = voxelView(type, buffer, 8, 1);
      expect(a.constructor.name).toBe(name);
      expect(a.BYTES_PER_ELEMENT).toBe(BYTES_PER_VOXEL[type]);
    }
  });
});
