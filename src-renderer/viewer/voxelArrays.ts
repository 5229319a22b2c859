/**
 * Turning the server's streamed voxel bytes into the typed arrays the viewer needs.
 *
 * The server sends little-endian voxels, i fastest (contract.ts, VolumeInfo.url). Every platform a
 * browser runs on today is little-endian, so bytes land in typed arrays without swapping.
 *
 * Two arrays matter: the one Cornerstone displays and the one the cursor readout reads (it must
 * show the file's value exactly). Cornerstone's local volumes accept only Uint8, Int16, Uint16 and
 * Float32 slices (core loaders/imageLoader.ts createAndCacheLocalImage), so those types are kept
 * as they are and one array serves both. 16-bit volumes (most CT) stay 16-bit even without 16-bit
 * normalised textures (EXT_texture_norm16, absent on SwiftShader and many GPUs): vtk.js then converts
 * each slice to Float32 as it uploads it (Texture.updateArrayDataTypeForGL, one slice at a time,
 * exact), and the volume costs half the memory of a Float32 copy (150 instead of 300 MiB for a
 * 512×512×300 CT). Int8 is converted to Float32 chunk by chunk *while the bytes arrive* (Cornerstone
 * cannot take it; Float32 holds it exactly); only 32/64-bit integer types keep their native array
 * beside a Float32 display copy.
 */
import type { VoxelArray, VoxelDataType } from '../../src-shared/volume/types';
import { BYTES_PER_VOXEL, voxelView } from '../../src-shared/volume/voxelTypes';

/** What Cornerstone can hold as a local volume's slices. */
export type DisplayVoxelArray = Uint8Array | Int16Array | Uint16Array | Float32Array;
export type DisplayDataType = 'uint8' | 'int16' | 'uint16' | 'float32';

/** Types whose every value a Float32Array represents exactly. */
const EXACT_IN_FLOAT32: ReadonlySet<VoxelDataType> = new Set(['uint8', 'int8', 'int16', 'uint16', 'float32']);

/** The type Cornerstone should receive for `dataType`: the native one when it takes it, else Float32. */
export function displayTypeFor(dataType: VoxelDataType): DisplayDataType {
  if (dataType === 'uint8' || dataType === 'float32' || dataType === 'int16' || dataType === 'uint16') return dataType;
  return 'float32';
}

/** Bytes converted per step when the display type differs: small enough to stay in cache. */
const SCRATCH_BYTES = 1 << 18;

/**
 * Receives one volume's bytes in chunks of any size and alignment (a fetch body stream) and
 * yields the readout and display arrays. Refuses more or fewer bytes than the dimensions need.
 */
export class VoxelReceiver {
  private readonly byteLength: number;
  private readonly bytesPerVoxel: number;
  private received = 0;
  /**
   * 'native': bytes land in the native array's memory. 'convert': they pass through a small scratch
   * buffer into the Float32 display array.
   */
  private readonly sink: { kind: 'native'; bytes: Uint8Array } | { kind: 'convert'; display: Float32Array; scratch: Uint8Array };
  private pending = 0;
  private written = 0;

  constructor(
    private readonly dataType: VoxelDataType,
    private readonly voxelCount: number,
    private readonly displayType: DisplayDataType,
  ) {
    this.bytesPerVoxel = BYTES_PER_VOXEL[dataType];
    this.byteLength = voxelCount * this.bytesPerVoxel;
    const convertOnTheFly = displayType !== dataType && EXACT_IN_FLOAT32.has(dataType);
    this.sink = convertOnTheFly
      ? {
          kind: 'convert',
          display: new Float32Array(voxelCount),
          scratch: new Uint8Array(SCRATCH_BYTES - (SCRATCH_BYTES % this.bytesPerVoxel)),
        }
      : { kind: 'native', bytes: new Uint8Array(this.byteLength) };
  }

  push(chunk: Uint8Array): void {
    if (this.received + chunk.length > this.byteLength) {
      throw new Error(`The volume data is longer than the ${this.voxelCount} ${this.dataType} voxels its dimensions allow.`);
    }
    this.received += chunk.length;
    if (this.sink.kind === 'native') {
      this.sink.bytes.set(chunk, this.received - chunk.length);
      return;
    }
    const { display, scratch } = this.sink;
    const bpv = this.bytesPerVoxel;
    // Chunks may split a voxel: whole voxels are converted, the leftover bytes wait for the next.
    for (let p = 0; p < chunk.length;) {
      const n = Math.min(scratch.length - this.pending, chunk.length - p);
      scratch.set(chunk.subarray(p, p + n), this.pending);
      p += n;
      this.pending += n;
      const whole = Math.floor(this.pending / bpv);
      display.set(voxelView(this.dataType, scratch.buffer, 0, whole), this.written);
      this.written += whole;
      scratch.copyWithin(0, whole * bpv, this.pending);
      this.pending -= whole * bpv;
    }
  }

  /** The readout array (`data`, the file's values exactly) and the array Cornerstone displays. */
  finish(): { data: VoxelArray; display: DisplayVoxelArray } {
    if (this.received !== this.byteLength) {
      throw new Error(
        `The volume data is ${this.received} bytes but ${this.voxelCount} ${this.dataType} voxels need ${this.byteLength}; the file may be truncated.`,
      );
    }
    if (this.sink.kind === 'convert') return { data: this.sink.display, display: this.sink.display };
    const data = voxelView(this.dataType, this.sink.bytes.buffer, 0, this.voxelCount);
    // 32/64-bit types: Cornerstone cannot take them; a Float32 copy is displayed, the native array read.
    const display = this.displayType === this.dataType ? (data as DisplayVoxelArray) : Float32Array.from(data);
    return { data, display };
  }
}
