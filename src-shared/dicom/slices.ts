/**
 * 2D slices: what a DICOM frame becomes before stacking. A plain frame is one slice; a Siemens mosaic
 * frame is `count` slices, each a tile of the frame, with its own position.
 *
 * Mosaic geometry: the scanner writes ImagePositionPatient as if the tile were as large as the whole
 * mosaic and centred where the real slice is, so the top-left of the first tile lies half the size
 * difference further along the row and column directions. Tile k then sits k slice spacings along
 * the CSA SliceNormalVector (which can point opposite to row × column).
 */
import { cross, norm } from '../volume/geometry';
import { VolumeReadError } from '../volume/errors';
import type { Vec3, VoxelArray } from '../volume/types';
import type { DicomFrame, PixelSource } from './parse';

export interface Slice {
  frame: DicomFrame;
  rows: number;
  columns: number;
  position: Vec3 | null;
  /** For a mosaic tile: where the tile's top-left pixel sits in the frame. */
  tile: { firstRow: number; firstColumn: number; frameColumns: number } | null;
}

export function rowColumnCosines(o: NonNullable<DicomFrame['orientation']>): { row: Vec3; column: Vec3; normal: Vec3 } {
  const row: Vec3 = [o[0], o[1], o[2]];
  const column: Vec3 = [o[3], o[4], o[5]];
  const nr = norm(row);
  const nc = norm(column);
  const r: Vec3 = [row[0] / nr, row[1] / nr, row[2] / nr];
  const c: Vec3 = [column[0] / nc, column[1] / nc, column[2] / nc];
  const n = cross(r, c);
  const nn = norm(n);
  return { row: r, column: c, normal: [n[0] / nn, n[1] / nn, n[2] / nn] };
}

export function framesToSlices(frames: readonly DicomFrame[]): Slice[] {
  const out: Slice[] = [];
  for (const frame of frames) {
    if (!frame.mosaic) {
      out.push({ frame, rows: frame.rows, columns: frame.columns, position: frame.position, tile: null });
      continue;
    }
    const { count, sliceNormal } = frame.mosaic;
    const grid = Math.ceil(Math.sqrt(count));
    const tileRows = frame.rows / grid;
    const tileColumns = frame.columns / grid;
    if (!Number.isInteger(tileRows) || !Number.isInteger(tileColumns)) {
      throw new VolumeReadError(
        'corrupt-file',
        `${frame.file}: a ${frame.rows}×${frame.columns} mosaic cannot hold ${count} slices on a ${grid}×${grid} grid.`,
      );
    }
    let first: Vec3 | null = null;
    let step: Vec3 = [0, 0, 0];
    const ipp = frame.position;
    if (ipp && frame.orientation && frame.pixelSpacing) {
      const { row, column, normal } = rowColumnCosines(frame.orientation);
      const [rowSpacing, columnSpacing] = frame.pixelSpacing;
      const alongRow = (columnSpacing * (frame.columns - tileColumns)) / 2;
      const alongColumn = (rowSpacing * (frame.rows - tileRows)) / 2;
      first = [0, 1, 2].map((a) => ipp[a] + row[a] * alongRow + column[a] * alongColumn) as unknown as Vec3;
      const spacing = frame.spacingBetweenSlices ?? frame.sliceThickness;
      if (!(spacing && spacing > 0)) {
        throw new VolumeReadError(
          'bad-geometry',
          `${frame.file}: a mosaic without SpacingBetweenSlices or SliceThickness cannot be stacked.`,
        );
      }
      const n = sliceNormal ?? normal;
      step = [n[0] * spacing, n[1] * spacing, n[2] * spacing];
    }
    for (let k = 0; k < count; k++) {
      out.push({
        frame,
        rows: tileRows,
        columns: tileColumns,
        position: first ? [first[0] + k * step[0], first[1] + k * step[1], first[2] + k * step[2]] : null,
        tile: { firstRow: Math.floor(k / grid) * tileRows, firstColumn: (k % grid) * tileColumns, frameColumns: frame.columns },
      });
    }
  }
  return out;
}

/** A typed array matching the stored pixels (before rescale). */
export function rawArray(p: PixelSource, length: number): VoxelArray {
  switch (p.bitsAllocated) {
    case 8:
      return p.signed ? new Int8Array(length) : new Uint8Array(length);
    case 16:
      return p.signed ? new Int16Array(length) : new Uint16Array(length);
    case 32:
      return p.signed ? new Int32Array(length) : new Uint32Array(length);
  }
}

/**
 * Copies the slice's stored pixels into `out` (same element type) starting at element `at`, as
 * values: byte order fixed, and the bits above Bits Stored filled with the sign (signed) or cleared
 * (unsigned; some scanners keep overlays there).
 */
export function copySlicePixels(slice: Slice, out: VoxelArray, at: number): void {
  const p = slice.frame.pixels;
  if (p.kind === 'encoded') throw new Error(`${slice.frame.file}: frame ${slice.frame.frameIndex + 1} must be decoded before stacking`);
  const bpp = p.bitsAllocated / 8;
  // Byte copies work for any source alignment; the output is ours and aligned.
  const dst = new Uint8Array(out.buffer, out.byteOffset + at * bpp, slice.rows * slice.columns * bpp);
  if (!slice.tile) {
    dst.set(p.bytes.subarray(p.offset, p.offset + dst.length));
  } else {
    const rowBytes = slice.columns * bpp;
    const { firstRow, firstColumn, frameColumns } = slice.tile;
    for (let r = 0; r < slice.rows; r++) {
      const src = p.offset + ((firstRow + r) * frameColumns + firstColumn) * bpp;
      dst.set(p.bytes.subarray(src, src + rowBytes), r * rowBytes);
    }
  }
  if (p.bigEndian && bpp > 1) {
    for (let i = 0; i < dst.length; i += bpp) {
      for (let lo = i, hi = i + bpp - 1; lo < hi; lo++, hi--) {
        const t = dst[lo];
        dst[lo] = dst[hi];
        dst[hi] = t;
      }
    }
  }
  if (p.bitsStored < p.bitsAllocated) keepStoredBits(out, at, slice.rows * slice.columns, p.bitsStored, p.signed);
}

function keepStoredBits(out: VoxelArray, at: number, count: number, bitsStored: number, signed: boolean): void {
  const end = at + count;
  if (signed) {
    // Shift the stored sign bit up to bit 31 and back: JavaScript's >> copies it into the bits above.
    const shift = 32 - bitsStored;
    for (let i = at; i < end; i++) out[i] = (out[i] << shift) >> shift;
  } else {
    const mask = 2 ** bitsStored - 1;
    for (let i = at; i < end; i++) out[i] = (out[i] & mask) >>> 0;
  }
}
