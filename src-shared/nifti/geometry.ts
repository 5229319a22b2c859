/**
 * Where a NIfTI header places its voxels: the one derivation of a file's grid that the reader, the
 * project's header-only folder import, the case list and the evaluate CLI all use, so the CLI and the
 * app compute distances on the same spacing to the last bit (issue 15). The affine is the sform, else
 * the qform (chooseAffineRas); spacing, direction and origin are split from it (column norms), and
 * pixdim counts only where neither is set. nibabel's get_zooms reports the float32 pixdim instead,
 * which on an oblique sform differs from the column norms in the last bits.
 */
import { geometryFromAffineRas } from '../volume/geometry';
import { VolumeReadError } from '../volume/errors';
import type { Vec3, Geometry } from '../volume/types';
import { chooseAffineRas, type AffineSource } from './affine';
import type { NiftiHeader } from './header';

export interface NiftiPlacement {
  /** Geometry of each 3D volume, in LPS (the NIfTI grid unchanged, the affine re-expressed). */
  readonly geometry: Geometry;
  /** Index→RAS affine, row-major 4×4, in mm. */
  readonly affineRas: Float64Array;
  readonly affineSource: AffineSource;
}

/** Throws a VolumeReadError when the affine cannot place the grid; notes a shear, which it still accepts. */
export function niftiGeometry(header: NiftiHeader, fileName: string, notes: string[]): NiftiPlacement {
  const { affine, source } = chooseAffineRas(header, fileName, notes);
  const g = geometryFromAffineRas(affine);
  if (!g) {
    throw new VolumeReadError(
      'bad-geometry',
      `${fileName} has a degenerate ${source} (zero, infinite or collinear voxel axes); Quorum cannot place it in space.`,
    );
  }
  if (g.maxAxisCosine > 1e-3) {
    const angle = ((Math.acos(Math.min(1, g.maxAxisCosine)) * 180) / Math.PI).toFixed(1);
    notes.push(
      `The ${source} shears the voxel grid (axes ${angle}° apart at worst); viewers that assume orthogonal axes will misplace voxels slightly.`,
    );
  }
  const dims: Vec3 = [header.dim[1], header.dim[0] >= 2 ? header.dim[2] : 1, header.dim[0] >= 3 ? header.dim[3] : 1];
  return {
    geometry: { dims, spacingMm: g.spacingMm, originLps: g.originLps, direction: g.direction },
    affineRas: affine,
    affineSource: source,
  };
}
