/**
 * Border-voxel surface distances (voxel centres), the basis of HD, HD95, ASSD, MASD and the
 * MetricsReloaded NSD: from each border voxel of P to the nearest border voxel of R, and the reverse.
 * The border voxels are listed from the masks (surfacePoints.ts) and each distance is an exact
 * nearest-point search among the other mask's border voxels (nearestSurface.ts), so the cost and
 * memory follow the surfaces, not the bounding box of the lesions.
 *
 * USE computes these through medpy (metric.binary.__surface_distances: border = mask XOR
 * erosion by the cross, distance_transform_edt(~border, sampling)); MetricsReloaded through
 * pairwise_measures.py border_distance(). Both are the same numbers; the conventions differ only in
 * how they summarise them (below).
 */
import type { Dims3, Spacing3 } from './grid';
import { nearestDistances } from './nearestSurface';
import { type RowPair, unionRows } from './rows';
import { borderVoxels } from './surfacePoints';
import { max, percentileLinear, sum } from './stats';

export interface BorderDistances {
  /** mm from each border voxel of P to the nearest border voxel of R (Infinity if R is empty). */
  readonly predToRef: Float64Array;
  /** mm from each border voxel of R to the nearest border voxel of P (Infinity if P is empty). */
  readonly refToPred: Float64Array;
}

/** Distances in scan order of each mask's border voxels. `rows` is the caller's when it has them. */
export function borderDistances(ref: Uint8Array, pred: Uint8Array, dims: Dims3, spacing: Spacing3, rows?: RowPair): BorderDistances {
  const rp = rows ?? unionRows(ref, pred, dims);
  const r = borderVoxels(ref, dims, rp.ref);
  const p = borderVoxels(pred, dims, rp.pred);
  return { predToRef: nearestDistances(p.xyz, r.xyz, spacing), refToPred: nearestDistances(r.xyz, p.xyz, spacing) };
}

/** HD: the larger directed maximum. */
export function hausdorff(d: BorderDistances): number {
  return Math.max(max(d.predToRef), max(d.refToPred));
}

/** USE (medpy hd95): 95th percentile (numpy linear) of the pooled distances of both directions. */
export function hd95Pooled(d: BorderDistances, q = 95): number {
  const pooled = new Float64Array(d.predToRef.length + d.refToPred.length);
  pooled.set(d.predToRef, 0);
  pooled.set(d.refToPred, d.predToRef.length);
  return percentileLinear(pooled, q);
}

/** MetricsReloaded hd_perc: the larger of the two directed 95th percentiles. */
export function hd95MaxDirected(d: BorderDistances, q = 95): number {
  return Math.max(percentileLinear(d.predToRef, q), percentileLinear(d.refToPred, q));
}

/** Mean of the two directed means: USE's ASSD (medpy assd) and MetricsReloaded's masd. */
export function meanOfDirectedMeans(d: BorderDistances): number {
  return 0.5 * (sum(d.predToRef) / d.predToRef.length + sum(d.refToPred) / d.refToPred.length);
}

/** MetricsReloaded assd: all border distances of both directions pooled, then averaged. */
export function pooledMean(d: BorderDistances): number {
  return (sum(d.predToRef) + sum(d.refToPred)) / (d.predToRef.length + d.refToPred.length);
}

/** MetricsReloaded nsd(τ): border voxels within τ of the other border, counted, over all border voxels. */
export function nsdCounts(d: BorderDistances, tauMm: number): number {
  let within = 0;
  for (let i = 0; i < d.predToRef.length; i++) if (d.predToRef[i] <= tauMm) within++;
  for (let i = 0; i < d.refToPred.length; i++) if (d.refToPred[i] <= tauMm) within++;
  return within / (d.predToRef.length + d.refToPred.length);
}
