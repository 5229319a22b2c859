/**
 * The crash test's deterministic content: the k-th autosave (1-based) of the test rater is
 * `autosaveLabelmap(k)`, so after any crash every surviving version can be checked voxel for voxel.
 */
import type { Geometry } from '../../../../src-shared/volume/types';

/** 48 × 48 × 24 voxels: big enough that one save (encode, gzip, fsync) takes a few ms, so kills land inside saves. */
export const CRASH_GRID: Geometry = {
  dims: [48, 48, 24],
  spacingMm: [0.9, 0.9, 3],
  originLps: [-21.6, -21.6, 0],
  direction: [1, 0, 0, 0, 1, 0, 0, 0, 1],
};

/**
 * Every third save is the explicit "no lesion" answer: a DB-only write with no file, so the loop
 * spends more of its time inside SQLite transactions and some kills land there
 * (a commit cut in the write-ahead log).
 */
export function isNoLesionSave(k: number): boolean {
  return k % 3 === 0;
}

/** The labelmap of the k-th save (all zero for a no-lesion save). */
export function expectedLabelmap(k: number): Uint8Array {
  return isNoLesionSave(k) ? new Uint8Array(CRASH_GRID.dims[0] * CRASH_GRID.dims[1] * CRASH_GRID.dims[2]) : autosaveLabelmap(k);
}

export function autosaveLabelmap(k: number): Uint8Array {
  const [nx, ny, nz] = CRASH_GRID.dims;
  const out = new Uint8Array(nx * ny * nz);
  // A box that moves and grows with k, plus an uncertain voxel: every k gives different content.
  const z0 = k % nz;
  const size = 2 + (k % 11);
  for (let z = z0; z < Math.min(nz, z0 + 3); z++) {
    for (let y = 4; y < 4 + size; y++) for (let x = 4 + (k % 17); x < 4 + (k % 17) + size; x++) out[x + nx * (y + ny * z)] = 1;
  }
  out[(k * 7919) % out.length] = 2;
  return out;
}
