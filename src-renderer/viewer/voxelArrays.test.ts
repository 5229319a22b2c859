import { describe, expect, it } from 'vitest';
import { toDisplayArray, wrapVoxelBytes } from './voxelArrays';

describe('wrapVoxelBytes', () => {
  it('views little-endian int16 bytes in place', () => {
    const bytes = new Uint8Array([0x01, 0x00, 0xff, 0xff, 0x00, 0x80]).buffer;
    expect(Array.from(wrapVoxelBytes(bytes, 'int16', 3))).toEqual([1, -1, -32768]);
  });
  it('refuses a byte count that does not match the dimensions', () => {
    expect(() => wrapVoxelBytes(new ArrayBuffer(5), 'int16', 3)).toThrow(/truncated/);
  });
});

describe('toDisplayArray', () => {
  it('keeps types Cornerstone supports and converts the others to Float32 exactly', () => {
    const i16 = new Int16Array([1, 2]);
    expect(toDisplayArray(i16)).toBe(i16);
    const i32 = new Int32Array([-5, 70000]);
    const shown = toDisplayArray(i32);
    expect(shown).toBeInstanceOf(Float32Array);
    expect(Array.from(shown)).toEqual([-5, 70000]);
  });
});
