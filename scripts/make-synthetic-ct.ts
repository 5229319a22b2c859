/**
 * Writes a deterministic CT-like head volume for benchmarks: 512×512×300 int16 HU at
 * 0.45×0.45×0.6 mm (about 157 MB raw). Air, scalp, skull, brain with a smooth grey/white pattern,
 * two ventricles, a hypodense and a hyperdense blob, plus ±5 HU noise from a fixed-seed generator, so
 * every run produces the same bytes. Synthetic: label it as such wherever it is shown.
 *
 *   npx tsx scripts/make-synthetic-ct.ts <out.nii.gz> [nx ny nz]
 */
import { writeFileSync } from 'node:fs';
import { writeNifti } from '../src-shared/nifti';
import type { Vec3 } from '../src-shared/volume/types';

const [output, ...size] = process.argv.slice(2);
if (!output) {
  console.error('usage: make-synthetic-ct.ts <out.nii.gz> [nx ny nz]');
  process.exit(2);
}
const dims: Vec3 = size.length === 3 ? (size.map(Number) as unknown as Vec3) : [512, 512, 300];
const spacingMm: Vec3 = [0.45 * (512 / dims[0]), 0.45 * (512 / dims[1]), 0.6 * (300 / dims[2])];
const [nx, ny, nz] = dims;
const data = new Int16Array(nx * ny * nz);

let seed = 0x2545f491;
/** xorshift32 → roughly Gaussian noise (sum of two uniforms), ±5 HU scale. */
function noise(): number {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  const a = (seed >>> 0) / 2 ** 32;
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  const b = (seed >>> 0) / 2 ** 32;
  return (a + b - 1) * 8;
}

const inside = (dx: number, dy: number, dz: number, a: number, b: number, c: number) => (dx / a) ** 2 + (dy / b) ** 2 + (dz / c) ** 2;
// Head semi-axes in mm (left-right, front-back, up-down), centred in the field of view.
const A = 78;
const B = 95;
const C = 80;
const cx = ((nx - 1) * spacingMm[0]) / 2;
const cy = ((ny - 1) * spacingMm[1]) / 2;
const cz = ((nz - 1) * spacingMm[2]) / 2;

let p = 0;
for (let k = 0; k < nz; k++) {
  const z = k * spacingMm[2] - cz;
  for (let j = 0; j < ny; j++) {
    const y = j * spacingMm[1] - cy;
    for (let i = 0; i < nx; i++, p++) {
      const x = i * spacingMm[0] - cx;
      const r = Math.sqrt(inside(x, y, z, A, B, C));
      let hu: number;
      if (r > 1) hu = -1000;
      else if (r > 0.955)
        hu = 40; // scalp
      else if (r > 0.9)
        hu = 1100 + 300 * Math.cos(r * 60); // skull, with a diploë-like ripple
      else {
        // Brain: grey/white contrast as a smooth pattern, then ventricles and two blobs.
        hu = 33 + 5 * Math.sin(x / 6) * Math.cos(y / 7) * Math.sin(z / 5);
        if (inside(Math.abs(x) - 10, y + 5, z - 10, 6, 22, 9) < 1) hu = 6;
        if (inside(x + 35, y - 25, z - 20, 12, 15, 12) < 1) hu = 18; // hypodense, infarct-like
        if (inside(x - 40, y + 30, z + 5, 7, 8, 6) < 1) hu = 70; // hyperdense, bleed-like
      }
      data[p] = Math.round(hu + noise());
    }
  }
}

const originLps: Vec3 = [-cx, -cy, -cz];
writeFileSync(
  output,
  writeNifti(
    {
      geometry: { dims, spacingMm, originLps, direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] },
      data,
      description: 'Quorum synthetic CT-like head (benchmark), HU',
    },
    { gzip: true, level: 6 },
  ),
);
console.log(`synthetic CT ${dims.join('×')} int16 → ${output}`);
