/**
 * The grid of a NIfTI image from its header alone (the first 64 KiB, gzipped or not), computed the
 * way the full reader computes it (src-shared/nifti/read.ts: chooseAffineRas → geometryFromAffineRas,
 * dims from dim[1..3]), so a case registered from this geometry is the grid the viewer shows and the
 * grid masks are checked against. Reading only the header keeps a folder import of large images fast.
 *
 * Plain Node.
 */
import { chooseAffineRas, readNiftiHeader } from '../../../src-shared/nifti';
import type { SeriesGeometry } from '../../../src-shared/project/types';
import { geometryFromAffineRas } from '../../../src-shared/volume/geometry';
import type { Vec3 } from '../../../src-shared/volume/types';
import { readPrefix } from '../caseFiles';
import { ProjectError } from '../project/errors';

export interface ImageGrid {
  geometry: SeriesGeometry;
  /** 3D volumes in the file (dim4 × … × dim7); a DWI series may hold several. */
  volumeCount: number;
}

export async function niftiImageGrid(file: string, displayName = file): Promise<ImageGrid> {
  let prefix: Uint8Array;
  try {
    prefix = await readPrefix(file);
  } catch (err) {
    throw new ProjectError('not-found', `cannot read the image ${displayName}: ${(err as Error).message}`);
  }
  try {
    const notes: string[] = [];
    const header = readNiftiHeader(prefix, { fileName: displayName }, notes);
    const { affine } = chooseAffineRas(header, displayName, notes);
    const g = geometryFromAffineRas(affine);
    if (!g) throw new Error('its affine is degenerate (zero, infinite or collinear voxel axes)');
    const dims: Vec3 = [header.dim[1], header.dim[0] >= 2 ? header.dim[2] : 1, header.dim[0] >= 3 ? header.dim[3] : 1];
    return { geometry: { dims, spacingMm: g.spacingMm, originLps: g.originLps, direction: g.direction }, volumeCount: header.volumeCount };
  } catch (err) {
    throw new ProjectError('corrupt-file', `the image ${displayName} cannot be read as NIfTI: ${(err as Error).message}`);
  }
}
