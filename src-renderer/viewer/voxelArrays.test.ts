import { describe, expect, it } from 'vitest';
import { displayTypeFor, VoxelReceiver } from './voxelArrays';

/** Feeds `bytes` to a receiver in chunks of the given sizes (the last chunk takes the rest). */
function receive(r: VoxelReceiver, bytes: number[], sizes: number[]): void {
  const all = new Uint8Array(bytes);
  let p = 0;
  for (const n of sizes) {
    r.push(all.subarray(p, p + n));
    p += n;
  }
  if (p < all.length) r.push(all.subarray(p));
}

describe('displayTypeFor', () => {
  it('keeps what Cornerstone takes natively (16-bit CT at half the bytes of Float32) and sends the rest as Float32', () => {
    expect(displayTypeFor('uint8')).toBe('uint8');
    expect(displayTypeFor('float32')).toBe('float32');
    expect(displayTypeFor('int16')).toBe('int16');
    expect(displayTypeFor('uint16')).toBe('uint16');
    expect(displayTypeFor('int8')).toBe('float32');
    expect(displayTypeFor('int32')).toBe('float32');
    expect(displayTypeFor('float64')).toBe('float32');
  });
});

describe('VoxelReceiver', () => {
  // int16 little-endian: 1, -1, -32768, 32767
  const int16Bytes = [0x01, 0x00, 0xff, 0xff, 0x00, 0x80, 0xff, 0x7f];

  it('keeps int16 as is when the display takes it, whatever the chunking', () => {
    const r = new VoxelReceiver('int16', 4, 'int16');
    receive(r, int16Bytes, [3, 1, 1]);
    const { data, display } = r.finish();
    expect(data).toBeInstanceOf(Int16Array);
    expect(display).toBe(data);
    expect(Array.from(data)).toEqual([1, -1, -32768, 32767]);
  });

  it('converts int16 to one exact Float32 array on the fly, across chunks that split voxels', () => {
    for (const sizes of [[8], [1, 1, 1, 1, 1, 1, 1], [3, 3], [5]]) {
      const r = new VoxelReceiver('int16', 4, 'float32');
      receive(r, int16Bytes, sizes);
      const { data, display } = r.finish();
      expect(display).toBeInstanceOf(Float32Array);
      expect(data).toBe(display);
      expect(Array.from(data)).toEqual([1, -1, -32768, 32767]);
    }
  });

  it('converts a volume larger than its scratch buffer', () => {
    const n = 300_001; // over 2^18 bytes of int16, and odd
    const values = Int16Array.from({ length: n }, (_, i) => ((i * 7919) % 65536) - 32768);
    const r = new VoxelReceiver('int16', n, 'float32');
    const bytes = new Uint8Array(values.buffer);
    for (let p = 0; p < bytes.length; p += 65_537) r.push(bytes.subarray(p, Math.min(bytes.length, p + 65_537)));
    const { data } = r.finish();
    expect(data.length).toBe(n);
    for (const i of [0, 1, 131_071, 131_072, 262_143, n - 1]) expect(data[i]).toBe(values[i]);
  });

  it('keeps int32 for the readout beside a Float32 display copy', () => {
    // 70000 and -5 as int32 little-endian
    const r = new VoxelReceiver('int32', 2, 'float32');
    receive(r, [0x70, 0x11, 0x01, 0x00, 0xfb, 0xff, 0xff, 0xff], [2, 5]);
    const { data, display } = r.finish();
    expect(data).toBeInstanceOf(Int32Array);
    expect(Array.from(data)).toEqual([70000, -5]);
    expect(display).toBeInstanceOf(Float32Array);
    expect(Array.from(display)).toEqual([70000, -5]);
  });

  it('refuses too few bytes (a truncated volume) and too many', () => {
    const short = new VoxelReceiver('int16', 3, 'float32');
    short.push(new Uint8Array(5));
    expect(() => short.finish()).toThrow(/5 bytes but 3 int16 voxels need 6; the file may be truncated/);
    const long = new VoxelReceiver('uint8', 2, 'uint8');
    expect(() => long.push(new Uint8Array(3))).toThrow(/longer than the 2 uint8 voxels/);
  });
});
