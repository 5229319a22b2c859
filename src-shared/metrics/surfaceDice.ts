/**
 * Surface Dice on the voxel-corner lattice, the DeepMind method (google-deepmind/surface-distance,
 * surface_distance/metrics.py: compute_surface_distances and compute_surface_dice_at_tolerance),
 * which USE-Evaluator calls for its surface Dice at 2, 5 and 10 mm.
 *
 * Each corner of the lattice gets the 8-bit code of its 2×2×2 voxel neighbourhood. Corners whose
 * code is neither 0 nor 255 are surface points carrying the surfel area of their code. Distances run,
 * on the corner lattice with the voxel spacing, from each surface corner of one mask to the nearest
 * surface corner of the other (DeepMind takes them from an EDT; the values are the same). Then
 *   SD(τ) = (Σ area_R[d(R→P) ≤ τ] + Σ area_P[d(P→R) ≤ τ]) / (Σ area_R + Σ area_P).
 *
 * The surface corners are listed from the masks (surfacePoints.ts), corners from the lower corner of
 * the union bounding box to one past its upper corner, which is exactly what DeepMind's crop plus
 * 1-voxel zero padding covers (outside the array is background, so the array edge needs no special
 * case). Each distance is an exact nearest-point search among the other mask's surface corners
 * (nearestSurface.ts), so the cost follows the surfaces, not the bounding box of the lesions.
 */
import type { Dims3, Spacing3 } from './grid';
import { nearestDistances } from './nearestSurface';
import { type RowPair, unionRows } from './rows';
import { surfaceCorners } from './surfacePoints';
import { surfelAreaTable } from './surfelTable';

export interface SurfelDistances {
  readonly refToPred: Float64Array;
  readonly refAreas: Float64Array;
  readonly predToRef: Float64Array;
  readonly predAreas: Float64Array;
}

function areasOf(codes: Uint8Array, table: Float64Array): Float64Array {
  const a = new Float64Array(codes.length);
  for (let n = 0; n < codes.length; n++) a[n] = table[codes[n]];
  return a;
}

/** Distances and areas in scan order of each mask's surface corners. `rows` is the caller's when it has them. */
export function surfelDistances(ref: Uint8Array, pred: Uint8Array, dims: Dims3, spacing: Spacing3, rows?: RowPair): SurfelDistances {
  const rp = rows ?? unionRows(ref, pred, dims);
  const table = surfelAreaTable(spacing);
  const r = surfaceCorners(ref, dims, rp.ref);
  const p = surfaceCorners(pred, dims, rp.pred);
  return {
    refToPred: nearestDistances(r.xyz, p.xyz, spacing),
    refAreas: areasOf(r.codes, table),
    predToRef: nearestDistances(p.xyz, r.xyz, spacing),
    predAreas: areasOf(p.codes, table),
  };
}

/** Surface Dice at tolerance τ mm (NaN when both surfaces are empty: 0/0, as in DeepMind's code). */
export function surfaceDiceAt(s: SurfelDistances, tolMm: number): number {
  let hit = 0,
    total = 0;
  for (let i = 0; i < s.refAreas.length; i++) {
    total += s.refAreas[i];
    if (s.refToPred[i] <= tolMm) hit += s.refAreas[i];
  }
  for (let i = 0; i < s.predAreas.length; i++) {
    total += s.predAreas[i];
    if (s.predToRef[i] <= tolMm) hit += s.predAreas[i];
  }
  return hit / total;
}
