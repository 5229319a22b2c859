/**
 * The expected value under a world point, computed independently of the app's geometry code: read
 * the NIfTI with src-shared's reader, take its RAS affine straight from the header (sform/qform),
 * convert the LPS point to RAS (negate x and y) and invert the 4×4 affine here.
 */
import { readFileSync } from 'node:fs';
import { readNifti, type NiftiImage } from '../../src-shared/nifti';

export function loadNifti(file: string): NiftiImage {
  return readNifti(new Uint8Array(readFileSync(file)), { fileName: file });
}

/** Voxel index (rounded) of an LPS point, or null outside the grid. */
export function voxelOfWorld(image: NiftiImage, worldLps: readonly [number, number, number]): [number, number, number] | null {
  const a = image.affineRas;
  // Solve A·[i j k]ᵀ + t = ras with Cramer's rule on the 3×3 part.
  const m = [a[0], a[1], a[2], a[4], a[5], a[6], a[8], a[9], a[10]];
  const r = [-worldLps[0] - a[3], -worldLps[1] - a[7], worldLps[2] - a[11]];
  const det3 = (q: number[]) =>
    q[0] * (q[4] * q[8] - q[5] * q[7]) - q[1] * (q[3] * q[8] - q[5] * q[6]) + q[2] * (q[3] * q[7] - q[4] * q[6]);
  const d = det3(m);
  const ijk = [0, 1, 2].map((col) => {
    const q = [...m];
    q[col] = r[0];
    q[col + 3] = r[1];
    q[col + 6] = r[2];
    return Math.round(det3(q) / d);
  });
  const dims = image.geometry.dims;
  if (ijk.some((v, n) => v < 0 || v >= dims[n])) return null;
  return [ijk[0], ijk[1], ijk[2]];
}

/** The (scaled) value of volume `t` at voxel `ijk`. */
export function niftiValue(image: NiftiImage, ijk: readonly [number, number, number], t = 0): number {
  const [nx, ny, nz] = image.geometry.dims;
  return image.data[ijk[0] + nx * (ijk[1] + ny * (ijk[2] + nz * t))];
}
