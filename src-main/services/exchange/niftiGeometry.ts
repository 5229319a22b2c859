/**
 * The grid of a NIfTI image from its header alone (the first 64 KiB, gzipped or not), computed by
 * the full reader's own niftiGeometry, so a case registered from this geometry is the grid the viewer shows and the
 * grid masks are checked against. Reading only the header keeps a folder import of large images fast.
 *
 * Plain Node.
 */
import { niftiGeometry, readNiftiHeader } from '../../../src-shared/nifti';
import type { Geometry } from '../../../src-shared/volume/types';
import { readPrefix } from '../caseFiles';
import { ProjectError } from '../project/errors';

export interface ImageGrid {
  geometry: Geometry;
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
    return { geometry: niftiGeometry(header, displayName, notes).geometry, volumeCount: header.volumeCount };
  } catch (err) {
    throw new ProjectError('corrupt-file', `the image ${displayName} cannot be read as NIfTI: ${(err as Error).message}`);
  }
}
