/**
 * An assembled DICOM series → what a NIfTI-1 file and its FSL sidecars hold, laid out as dcm2niix
 * lays them out, so files from either tool can be swapped in a pipeline:
 *
 * - Rows are flipped (voxel j runs against the DICOM column direction). The stored grid then has a
 *   negative determinant, the "radiological" storage FSL expects; the affine says so, so the value
 *   at each world point is unchanged.
 * - All volumes go into one 4D image; .bval holds the b-values on one line, .bvec the gradient
 *   directions as three lines (x, y, z), each direction projected on the image's own voxel axes
 *   (i, the flipped j, k). FSL's rule negates x when the affine's determinant is positive; after the
 *   flip it is always negative, so no axis is negated beyond the row flip (dcm2niix's output).
 * - Voxel type: int16 when every value is an integer that fits, the wider stored integer type when
 *   not, float32 when rescale produced fractions.
 */
import { finiteRange } from '../volume/stats';
import type { Direction, Vec3, Geometry, VoxelArray, VoxelDataType } from '../volume/types';
import { BYTES_PER_VOXEL, voxelView } from '../volume/voxelTypes';
import { dataTypeOf } from '../nifti/scaling';
import { writeNifti } from '../nifti/write';
import type { DicomSeries } from './series';

export interface NiftiExport {
  geometry: Geometry;
  /** Every volume, i fastest, volume after volume. */
  data: VoxelArray;
  volumeCount: number;
  datatype: VoxelDataType;
  /** Diffusion sidecars, when every volume of a multi-volume series has a b-value. */
  diffusion: { bvals: number[]; bvecs: Vec3[] } | null;
  notes: string[];
}

/** The geometry with rows flipped: voxel j' = ny − 1 − j. */
function flipRowsGeometry(g: Geometry): Geometry {
  const d = g.direction;
  const step = (g.dims[1] - 1) * g.spacingMm[1];
  return {
    ...g,
    originLps: [0, 1, 2].map((a) => g.originLps[a] + step * d[3 + a]) as unknown as Vec3,
    direction: [d[0], d[1], d[2], -d[3], -d[4], -d[5], d[6], d[7], d[8]] as Direction,
  };
}

/** The narrowest voxel type that holds every volume's values exactly. */
function exportType(data: readonly VoxelArray[]): VoxelDataType {
  const types = new Set(data.map(dataTypeOf));
  if (types.has('float32') || types.has('float64')) return 'float32';
  let lo = Infinity;
  let hi = -Infinity;
  for (const d of data) {
    const r = finiteRange(d);
    lo = Math.min(lo, r.min);
    hi = Math.max(hi, r.max);
  }
  if (lo >= -32768 && hi <= 32767) return 'int16';
  return types.size === 1 ? [...types][0] : 'int32';
}

/** Copies the volumes into one array of `type`, row by row with rows flipped (typed-array set converts). */
function stackFlipped(data: readonly VoxelArray[], dims: Vec3, type: VoxelDataType): VoxelArray {
  const [nx, ny, nz] = dims;
  const perVolume = nx * ny * nz;
  const length = perVolume * data.length;
  const out = voxelView(type, new ArrayBuffer(length * BYTES_PER_VOXEL[type]), 0, length);
  data.forEach((src, t) => {
    for (let k = 0; k < nz; k++) {
      for (let j = 0; j < ny; j++) {
        const from = nx * (j + ny * k);
        out.set(src.subarray(from, from + nx), t * perVolume + nx * (ny - 1 - j + ny * k));
      }
    }
  });
  return out;
}

const round6 = (v: number) => Number(v.toFixed(6)) + 0; // + 0 turns -0 into 0

function seriesToNifti(series: DicomSeries): NiftiExport {
  const notes: string[] = [];
  const first = series.volumes[0].volume;
  const geometry = flipRowsGeometry(first.geometry);
  const arrays = series.volumes.map((v) => v.volume.data);
  const datatype = exportType(arrays);
  const data = stackFlipped(arrays, first.geometry.dims, datatype);

  let diffusion: NiftiExport['diffusion'] = null;
  const bvals = series.volumes.map((v) => v.bValue);
  if (series.volumes.length > 1 && bvals.every((b) => b !== null)) {
    const axes = [0, 1, 2].map((r) => geometry.direction.slice(3 * r, 3 * r + 3));
    const missing: number[] = [];
    const bvecs = series.volumes.map((v, t): Vec3 => {
      const g = v.gradient;
      if (!g || (v.bValue ?? 0) === 0) {
        if (!g && (v.bValue ?? 0) > 0) missing.push(t);
        return [0, 0, 0];
      }
      return axes.map((a) => round6(a[0] * g[0] + a[1] * g[1] + a[2] * g[2])) as unknown as Vec3;
    });
    if (missing.length > 0)
      notes.push(`No gradient direction for volume(s) ${missing.join(', ')} (b > 0): their bvec is written as 0 0 0.`);
    diffusion = { bvals: bvals as number[], bvecs };
  }
  return { geometry, data, volumeCount: series.volumes.length, datatype, diffusion, notes };
}

/** FSL .bval: the b-values on one line. */
function bvalText(bvals: readonly number[]): string {
  return bvals.map((b) => String(round6(b))).join(' ') + '\n';
}

/** FSL .bvec: three lines (x, y, z components), one column per volume. */
function bvecText(bvecs: readonly Vec3[]): string {
  return [0, 1, 2].map((a) => bvecs.map((v) => String(v[a])).join(' ')).join('\n') + '\n';
}

/** A series as the files `convert` and the ISLES-BIDS export write: the NIfTI bytes and, for a DWI, the FSL sidecars' text. */
export function seriesNiftiFiles(
  series: DicomSeries,
  options: { gzip: boolean },
): { exported: NiftiExport; nifti: Uint8Array; bval: string | null; bvec: string | null } {
  const exported = seriesToNifti(series);
  const nifti = writeNifti(
    { geometry: exported.geometry, data: exported.data, volumeCount: exported.volumeCount, description: series.description.slice(0, 79) },
    options,
  );
  const d = exported.diffusion;
  return { exported, nifti, bval: d ? bvalText(d.bvals) : null, bvec: d ? bvecText(d.bvecs) : null };
}
