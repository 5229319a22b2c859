/**
 * Resamples a volume into another grid by the two grids' affines (world LPS coordinates), the way a
 * case's other sequences (ADC, FLAIR, …) are shown on its reference grid: each target voxel centre
 * is mapped to a fractional source index through target index → world → source index, one 4×4
 * matrix composed once; stepping along i adds that matrix's first column, so no object is made per
 * voxel. Images interpolate trilinearly, label maps take the nearest voxel (a label is never blended).
 *
 * A target voxel whose centre falls outside the source's field of view (beyond the half-voxel border
 * of its outermost voxels) gets 0. A source that covers no target voxel at all is refused with the
 * two fields of view as the reason, before the output is allocated when their boxes do not meet.
 *
 * Pure: shared by the server (sequences of a case) and the inference pipeline.
 */
import { indexToWorldMatrix, transformPoint, worldToIndexMatrix } from './geometry';
import type { Vec3, Volume, Geometry, VoxelArray } from './types';

export type Interpolation = 'trilinear' | 'nearest';

export type Resampled =
  | {
      ok: true;
      /** On the target grid, i fastest: Float32 for trilinear, the source's own type for nearest. */
      data: VoxelArray;
      /** Share of target voxels whose centre lies inside the source's field of view (0 < f ≤ 1). */
      coveredFraction: number;
    }
  | { ok: false; reason: string };

/** Target index → source index, as one row-major 4×4 matrix. */
function targetToSourceIndex(source: Geometry, target: Geometry): Float64Array {
  const a = worldToIndexMatrix(source);
  const b = indexToWorldMatrix(target);
  const m = new Float64Array(16);
  for (let r = 0; r < 4; r++)
    for (let c = 0; c < 4; c++)
      m[r * 4 + c] = a[r * 4] * b[c] + a[r * 4 + 1] * b[4 + c] + a[r * 4 + 2] * b[8 + c] + a[r * 4 + 3] * b[12 + c];
  return m;
}

/** The world bounding box of a grid's field of view (voxel edges, not centres), for messages. */
function worldBox(g: Geometry): { min: number[]; max: number[] } {
  const m = indexToWorldMatrix(g);
  const min = [Infinity, Infinity, Infinity];
  const max = [-Infinity, -Infinity, -Infinity];
  for (let corner = 0; corner < 8; corner++) {
    const p = transformPoint(m, [
      corner & 1 ? g.dims[0] - 0.5 : -0.5,
      corner & 2 ? g.dims[1] - 0.5 : -0.5,
      corner & 4 ? g.dims[2] - 0.5 : -0.5,
    ]);
    for (let a = 0; a < 3; a++) {
      min[a] = Math.min(min[a], p[a]);
      max[a] = Math.max(max[a], p[a]);
    }
  }
  return { min, max };
}

/** Whether the target's field of view, seen in source index space, can meet the source's at all. */
function boxesMeet(m: Float64Array, source: Vec3, target: Vec3): boolean {
  const lo = [Infinity, Infinity, Infinity];
  const hi = [-Infinity, -Infinity, -Infinity];
  for (let corner = 0; corner < 8; corner++) {
    const p = transformPoint(m, [
      corner & 1 ? target[0] - 0.5 : -0.5,
      corner & 2 ? target[1] - 0.5 : -0.5,
      corner & 4 ? target[2] - 0.5 : -0.5,
    ]);
    for (let a = 0; a < 3; a++) {
      lo[a] = Math.min(lo[a], p[a]);
      hi[a] = Math.max(hi[a], p[a]);
    }
  }
  return [0, 1, 2].every((a) => hi[a] >= -0.5 && lo[a] <= source[a] - 0.5);
}

function describeBox(g: Geometry): string {
  const { min, max } = worldBox(g);
  return `x ${min[0].toFixed(1)}…${max[0].toFixed(1)}, y ${min[1].toFixed(1)}…${max[1].toFixed(1)}, z ${min[2].toFixed(1)}…${max[2].toFixed(1)} mm (LPS)`;
}

function noOverlap(source: Geometry, target: Geometry): Resampled {
  return {
    ok: false,
    reason: `its field of view (${describeBox(source)}) does not overlap the reference grid's (${describeBox(target)}); check that both images come from the same session and keep their scanner coordinates`,
  };
}

export function resampleToGrid(source: Volume, target: Geometry, interpolation: Interpolation): Resampled {
  const sg = source.geometry;
  const m = targetToSourceIndex(sg, target);
  if (!boxesMeet(m, sg.dims, target.dims)) return noOverlap(sg, target);
  const [nx, ny, nz] = target.dims;
  const [sx, sy, sz] = sg.dims;
  const src = source.data;
  const out: VoxelArray =
    interpolation === 'trilinear' ? new Float32Array(nx * ny * nz) : new (src.constructor as new (n: number) => VoxelArray)(nx * ny * nz);
  const sxy = sx * sy;
  let covered = 0;
  let o = 0;
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      // Source index of target voxel (0, j, k); each step along i adds column 0 of the matrix.
      let x = m[1] * j + m[2] * k + m[3];
      let y = m[5] * j + m[6] * k + m[7];
      let z = m[9] * j + m[10] * k + m[11];
      for (let i = 0; i < nx; i++, o++, x += m[0], y += m[4], z += m[8]) {
        if (x < -0.5 || y < -0.5 || z < -0.5 || x > sx - 0.5 || y > sy - 0.5 || z > sz - 0.5) continue;
        covered++;
        if (interpolation === 'nearest') {
          out[o] =
            src[
              Math.min(sx - 1, Math.max(0, Math.round(x))) +
                Math.min(sy - 1, Math.max(0, Math.round(y))) * sx +
                Math.min(sz - 1, Math.max(0, Math.round(z))) * sxy
            ];
          continue;
        }
        // In the half-voxel border the nearest edge voxel stands for the outside (edge clamping).
        const cx = Math.min(sx - 1, Math.max(0, x));
        const cy = Math.min(sy - 1, Math.max(0, y));
        const cz = Math.min(sz - 1, Math.max(0, z));
        const x0 = Math.max(0, Math.min(sx - 2, Math.floor(cx)));
        const y0 = Math.max(0, Math.min(sy - 2, Math.floor(cy)));
        const z0 = Math.max(0, Math.min(sz - 2, Math.floor(cz)));
        const fx = cx - x0;
        const fy = cy - y0;
        const fz = cz - z0;
        // A one-voxel-thick axis has no second neighbour: its weight is then always 0.
        const dx = sx > 1 ? 1 : 0;
        const dy = sy > 1 ? sx : 0;
        const dz = sz > 1 ? sxy : 0;
        const b = x0 + y0 * sx + z0 * sxy;
        const c00 = src[b] * (1 - fx) + src[b + dx] * fx;
        const c10 = src[b + dy] * (1 - fx) + src[b + dy + dx] * fx;
        const c01 = src[b + dz] * (1 - fx) + src[b + dz + dx] * fx;
        const c11 = src[b + dz + dy] * (1 - fx) + src[b + dz + dy + dx] * fx;
        out[o] = (c00 * (1 - fy) + c10 * fy) * (1 - fz) + (c01 * (1 - fy) + c11 * fy) * fz;
      }
    }
  }
  if (covered === 0) return noOverlap(sg, target);
  return { ok: true, data: out, coveredFraction: covered / (nx * ny * nz) };
}
