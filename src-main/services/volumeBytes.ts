/**
 * A volume's voxels as the bytes the renderer fetches: the typed array's own memory, which is
 * little-endian on every platform Quorum ships for. On a big-endian host the bytes are swapped into
 * a copy so the wire format stays little-endian.
 */
import { endianness } from 'node:os';
import type { VoxelArray } from '../../src-shared/volume/types';

const hostIsLittleEndian = endianness() === 'LE';

export function littleEndianBytes(data: VoxelArray): Uint8Array {
  const view = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (hostIsLittleEndian || data.BYTES_PER_ELEMENT === 1) return view;
  return swapBytes(view, data.BYTES_PER_ELEMENT);
}

/** Reverse the byte order of each `width`-byte element (exported for the test). */
export function swapBytes(bytes: Uint8Array, width: number): Uint8Array {
  const out = new Uint8Array(bytes.length);
  for (let i = 0; i < bytes.length; i += width) {
    for (let b = 0; b < width; b++) out[i + b] = bytes[i + width - 1 - b];
  }
  return out;
}
