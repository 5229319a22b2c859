/**
 * The lesion table of the per-case panel: one row per 26-connected component of the reference (the
 * raters' majority), with its volume, centroid (voxel and LPS mm), which sources touch it (ISLES'22's
 * any-overlap rule) and each source's best component IoU with it. Everything comes from the metrics
 * engine's analyseLesions (src-shared/metrics/lesions.ts); this module only joins its rows across
 * sources and maps the centroid to LPS.
 */
import type { Dims3, Spacing3 } from '../metrics/grid';
import { type LesionAnalysis, analyseLesions } from '../metrics/lesions';
import type { Direction, Vec3 } from '../volume/types';
import type { KeyedMask, KeyedStore } from './sources';
import type { LesionTable, LesionTableRow } from './types';

const IDENTITY: Direction = [1, 0, 0, 0, 1, 0, 0, 0, 1];
const ZERO: Vec3 = [0, 0, 0];

/** LPS mm of a (fractional) voxel index: origin + Σ_r index_r · spacing_r · direction row r. */
export function voxelToLps(
  ijk: readonly [number, number, number],
  spacing: Spacing3,
  origin: Vec3 = ZERO,
  direction: Direction = IDENTITY,
): [number, number, number] {
  const out: [number, number, number] = [origin[0], origin[1], origin[2]];
  for (let r = 0; r < 3; r++) {
    const d = ijk[r] * spacing[r];
    for (let c = 0; c < 3; c++) out[c] += d * direction[r * 3 + c];
  }
  return out;
}

export interface LesionTableInput {
  readonly reference: KeyedMask;
  /** The sources whose detection is listed (model first, then raters); may include the reference's own id. */
  readonly sources: readonly KeyedMask[];
  readonly dims: Dims3;
  readonly spacing: Spacing3;
  readonly originLps?: Vec3;
  readonly direction?: Direction;
}

export function lesionTable(input: LesionTableInput, cache: KeyedStore<LesionAnalysis>): LesionTable {
  const { reference, dims, spacing } = input;
  const analyse = (src: KeyedMask) =>
    cache.get(`les:${reference.key}|${src.key}`, () => analyseLesions(reference.mask, src.mask, dims, spacing, 26));
  // The reference's components against itself when there is nothing else: same rows, no detections.
  const analyses = input.sources.map((s) => ({ id: s.id, a: analyse(s) }));
  const base = analyses[0]?.a ?? analyse(reference);
  const rows: LesionTableRow[] = base.ref.map((row, n) => {
    const detectedBy: string[] = [];
    const bestIou: Record<string, number> = {};
    for (const { id, a } of analyses) {
      // Labelling is deterministic in raster order, and raster order is the same in every crop, so
      // row n is the same component in every analysis; the voxel count guards that assumption.
      const other = a.ref[n];
      if (!other || other.voxels !== row.voxels) throw new Error('lesion table: reference components differ between analyses');
      if (other.overlapsOther) detectedBy.push(id);
      bestIou[id] = other.bestIou;
    }
    const c = row.centroid;
    const near: [number, number, number] = [Math.round(c[0]), Math.round(c[1]), Math.round(c[2])];
    return {
      id: row.id,
      voxels: row.voxels,
      volumeMl: row.volumeMl,
      centroidVoxel: [c[0], c[1], c[2]],
      centroidLps: voxelToLps(c, spacing, input.originLps, input.direction),
      nearestVoxel: near,
      nearestVoxelLps: voxelToLps(near, spacing, input.originLps, input.direction),
      detectedBy,
      bestIou,
    };
  });
  return { referenceId: reference.id, connectivity: 26, rows };
}
