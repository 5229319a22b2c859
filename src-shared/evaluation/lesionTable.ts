/**
 * The lesion table of the per-case panel: one row per 26-connected component of the reference (the
 * raters' majority), with its volume, centroid (voxel and LPS mm), which sources touch it (ISLES'22's
 * any-overlap rule) and each source's best component IoU with it. Everything comes from the metrics
 * engine's analyseLesions (src-shared/metrics/lesions.ts); this module only joins its rows across
 * sources and maps the centroid to LPS.
 */
import type { Spacing3 } from '../metrics/grid';
import { type LesionAnalysis, analyseLesions } from '../metrics/lesions';
import type { Direction, Geometry, Vec3 } from '../volume/types';
import type { KeyedMask, KeyedStore } from './sources';
import type { LesionTable, LesionTableRow } from './types';

/** LPS mm of a (fractional) voxel index: origin + Σ_r index_r · spacing_r · direction row r. */
function voxelToLps(
  ijk: readonly [number, number, number],
  spacing: Spacing3,
  origin: Vec3,
  direction: Direction,
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
  /** The reference grid: centroids are mapped to LPS by it. */
  readonly geometry: Geometry;
}

export function lesionTable(input: LesionTableInput, cache: KeyedStore<LesionAnalysis>): LesionTable {
  const { reference } = input;
  const { dims, spacingMm: spacing, originLps, direction } = input.geometry;
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
      centroidLps: voxelToLps(c, spacing, originLps, direction),
      nearestVoxel: near,
      nearestVoxelLps: voxelToLps(near, spacing, originLps, direction),
      detectedBy,
      bestIou,
    };
  });
  return { referenceId: reference.id, connectivity: 26, rows };
}
