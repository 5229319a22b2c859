/**
 * Border voxels: a foreground voxel with at least one face neighbour (6-neighbourhood) in the
 * background, i.e. the mask minus its erosion by the 3D cross. Outside the array is background, so
 * voxels on the array edge are border (scipy.ndimage.binary_erosion with border_value=0, used by
 * medpy's __surface_distances in USE and by MetricsReloaded utility/utils.py MorphologyOps.border_map).
 *
 * Works on a padded crop (pad ≥ 1), whose pad voxels are background: that stands for both the
 * outside of the array and the rest of the volume outside the masks' bounding box.
 */
import type { Dims3 } from './grid';

export interface Border {
  readonly mask: Uint8Array;
  readonly count: number;
}

export function borderOfPadded(crop: Uint8Array, dims: Dims3): Border {
  const [nx, ny, nz] = dims;
  const sx = 1,
    sy = nx,
    sz = nx * ny;
  const out = new Uint8Array(crop.length);
  let count = 0;
  for (let k = 1; k < nz - 1; k++) {
    for (let j = 1; j < ny - 1; j++) {
      let p = 1 + j * sy + k * sz;
      for (let i = 1; i < nx - 1; i++, p++) {
        if (crop[p] === 0) continue;
        if (
          crop[p - sx] === 0 ||
          crop[p + sx] === 0 ||
          crop[p - sy] === 0 ||
          crop[p + sy] === 0 ||
          crop[p - sz] === 0 ||
          crop[p + sz] === 0
        ) {
          out[p] = 1;
          count++;
        }
      }
    }
  }
  return { mask: out, count };
}
