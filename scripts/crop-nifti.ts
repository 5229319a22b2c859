/**
 * Crops a NIfTI (3D or 4D) to a voxel box, keeping its world geometry: the new origin is the old
 * index→world position of the box corner. Used to keep the committed demo DWI small.
 *
 *   npx tsx scripts/crop-nifti.ts in.nii.gz out.nii.gz i0:i1 j0:j1 k0:k1   (half-open, 0-based)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { readNifti, writeNifti } from '../src-shared/nifti';
import { indexToWorldMatrix, transformPoint } from '../src-shared/volume/geometry';
import type { Vec3, VoxelArray } from '../src-shared/volume/types';

const [input, output, ...ranges] = process.argv.slice(2);
if (!input || !output || ranges.length !== 3) {
  console.error('usage: crop-nifti.ts in.nii[.gz] out.nii[.gz] i0:i1 j0:j1 k0:k1');
  process.exit(2);
}
const img = readNifti(new Uint8Array(readFileSync(input)), { fileName: input });
if (img.header.sclSlope !== 0 && !(img.header.sclSlope === 1 && img.header.sclInter === 0)) {
  console.error('crop-nifti keeps stored values only; this file has a non-trivial scl_slope/inter');
  process.exit(1);
}
const [nx, ny, nz] = img.geometry.dims;
const box = ranges.map((r, axis) => {
  const [a, b] = r.split(':').map(Number);
  const n = [nx, ny, nz][axis];
  if (!(Number.isInteger(a) && Number.isInteger(b) && a >= 0 && b <= n && a < b)) throw new Error(`bad range ${r} for axis of ${n}`);
  return [a, b] as const;
});
const [[i0, i1], [j0, j1], [k0, k1]] = box;
const dims: Vec3 = [i1 - i0, j1 - j0, k1 - k0];
const Ctor = img.data.constructor as { new (n: number): VoxelArray };
const out = new Ctor(dims[0] * dims[1] * dims[2] * img.volumeCount);
let w = 0;
for (let t = 0; t < img.volumeCount; t++) {
  for (let k = k0; k < k1; k++) {
    for (let j = j0; j < j1; j++) {
      const start = ((t * nz + k) * ny + j) * nx + i0;
      out.set(img.data.subarray(start, start + dims[0]), w);
      w += dims[0];
    }
  }
}
const origin = transformPoint(indexToWorldMatrix(img.geometry), [i0, j0, k0]) as unknown as Vec3;
const geometry = { ...img.geometry, dims, originLps: origin };
writeFileSync(
  output,
  writeNifti(
    { geometry, data: out, volumeCount: img.volumeCount, description: img.header.description },
    { gzip: output.endsWith('.gz'), level: 9 },
  ),
);
console.log(`${input} ${nx}×${ny}×${nz}×${img.volumeCount} → ${output} ${dims.join('×')}×${img.volumeCount}`);
