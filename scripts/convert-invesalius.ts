/**
 * Converts an unpacked InVesalius project (.inv3 is a tar.gz of main.plist + raw matrix.dat) to
 * NIfTI. Used by scripts/fetch-sample-data.sh for the Cranium head CT, which is GPL-2 and so is
 * fetched at set-up time and never committed.
 *
 *   npx tsx scripts/convert-invesalius.ts <folder with main.plist> <out.nii.gz>
 *
 * main.plist gives the matrix as numpy shape (slices, rows, columns), dtype and spacing (x, y, z).
 * The project has no patient coordinates, so the orientation was read from the anatomy: slice 0 is
 * at the skull base and slices go up (k → S), rows go from the back of the head to the face
 * (j → A: InVesalius stores images bottom-up, as VTK does), and columns are taken to run toward the
 * patient's left (i → L, the DICOM convention; left/right cannot be told from a symmetric skull).
 * The origin is put at the volume centre.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { writeNifti } from '../src-shared/nifti';
import type { Vec3 } from '../src-shared/volume/types';

const [folder, output] = process.argv.slice(2);
if (!folder || !output) {
  console.error('usage: convert-invesalius.ts <folder with main.plist> <out.nii.gz>');
  process.exit(2);
}
const plist = readFileSync(path.join(folder, 'main.plist'), 'utf8');

/** The XML between <key>name</key> and the end of the element that follows it (dict, array or string). */
function valueOf(xml: string, key: string): string {
  const m = new RegExp(`<key>${key}</key>\\s*<(dict|array|string|real|integer)>([\\s\\S]*?)</\\1>`).exec(xml);
  if (!m) throw new Error(`main.plist has no "${key}"`);
  return m[2];
}
const numbersIn = (xml: string) => [...xml.matchAll(/<(?:real|integer)>([^<]+)<\/(?:real|integer)>/g)].map((m) => Number(m[1]));

const matrix = valueOf(plist, 'matrix');
const dtype = valueOf(matrix, 'dtype').trim();
const file = valueOf(matrix, 'filename').trim();
const shape = numbersIn(valueOf(matrix, 'shape'));
const spacing = numbersIn(valueOf(plist, 'spacing'));
if (dtype !== 'int16' || shape.length !== 3 || spacing.length !== 3)
  throw new Error(`unexpected matrix: ${dtype} ${shape} spacing ${spacing}`);

const [slices, rows, columns] = shape;
const raw = readFileSync(path.join(folder, file));
const expected = slices * rows * columns * 2;
if (raw.length !== expected) throw new Error(`${file} has ${raw.length} bytes, shape ${shape.join('×')} int16 needs ${expected}`);
// numpy C order (slice, row, column) is NIfTI's i-fastest order with i = column; the file is little-endian.
const data = new Int16Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.length));

const dims: Vec3 = [columns, rows, slices];
const spacingMm: Vec3 = [spacing[0], spacing[1], spacing[2]];
const direction = [1, 0, 0, 0, -1, 0, 0, 0, 1] as const; // i → L, j → A, k → S (LPS)
const half = (a: number) => ((dims[a] - 1) * spacingMm[a]) / 2;
const originLps: Vec3 = [-half(0), half(1), -half(2)];

writeFileSync(
  output,
  writeNifti(
    { geometry: { dims, spacingMm, originLps, direction }, data, description: 'InVesalius Cranium CT (GPL-2), HU' },
    { gzip: true },
  ),
);
console.log(`${file} ${dims.join('×')} int16 at ${spacingMm.join('×')} mm → ${output}`);
