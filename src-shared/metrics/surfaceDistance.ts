/**
 * Border-voxel surface distances (voxel centres), the basis of HD, HD95, ASSD, MASD and the
 * MetricsReloaded NSD. Both directions come from one padded crop of the union bounding box:
 * EDT of R's border read at P's border voxels, and the reverse.
 *
 * USE computes these through medpy (metric.binary.__surface_distances: border = mask XOR
 * erosion by the cross, distance_transform_edt(~border, sampling)); MetricsReloaded through
 * pairwise_measures.py border_distance(). Both are the same numbers; the conventions differ only in
 * how they summarise them (below).
 */
import { borderOfPadded } from './borders';
import { squaredEdt } from './edt';
import { type Box3, type CropPair, type Dims3, type Spacing3, unionCrops } from './grid';
import { max, percentileLinear, sum } from './stats';

export interface BorderDistances {
  /** mm from each border voxel of P to the nearest border voxel of R (Infinity if R is empty). */
  readonly predToRef: Float64Array;
  /** mm from each border voxel of R to the nearest border voxel of P (Infinity if P is empty). */
  readonly refToPred: Float64Array;
}

function gather(dist2: Float64Array, at: Uint8Array, count: number): Float64Array {
  const out = new Float64Array(count);
  let n = 0;
  for (let p = 0; p < at.length; p++) {
    if (at[p] !== 0) out[n++] = Math.sqrt(dist2[p]);
  }
  return out;
}

export function borderDistances(
  ref: Uint8Array,
  pred: Uint8Array,
  dims: Dims3,
  spacing: Spacing3,
  box?: Box3,
  crops?: CropPair,
): BorderDistances {
  const pair = unionCrops(ref, pred, dims, box, crops);
  if (!pair) return { predToRef: new Float64Array(0), refToPred: new Float64Array(0) };
  const { ref: cr, pred: cp } = pair;
  const br = borderOfPadded(cr.data, cr.dims);
  const bp = borderOfPadded(cp.data, cp.dims);
  // Each EDT is read only at the other mask's border voxels.
  const buf = squaredEdt(br.mask, cr.dims, spacing, undefined, bp.mask);
  const predToRef = gather(buf, bp.mask, bp.count);
  squaredEdt(bp.mask, cp.dims, spacing, buf, br.mask);
  const refToPred = gather(buf, br.mask, br.count);
  return { predToRef, refToPred };
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
