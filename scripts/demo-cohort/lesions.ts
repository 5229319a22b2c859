/**
 * Synthetic restricted-diffusion lesions, made like the demo model's training recipe
 * (models/train/data.py, lesion_field and make_case): a soft blob w ∈ [0, 1] — the union (max) of
 * 1–4 ellipsoids near a centre with a logistic edge 1 / (1 + exp(6 (d − 1))) — kept inside tissue;
 * inside it the ADC is scaled by f ∈ [0.35, 0.8] and S0 by g ∈ [1, 1.4], so the high-b signal
 * becomes g·S0^(1−f)·Sb^f. The truth is w > 0.5.
 *
 * A blob is stored sparsely (voxel index + w where w ≥ W_MIN): a lesion touches a few thousand of the
 * case's 600 k voxels, and the generator tries several before one lands in its size class.
 */
import type { Vec3 } from '../../src-shared/volume/types';
import type { Rng } from './random';
import { LESION_CLASSES, type LesionClass } from './spec';

/** Below this the blob changes the signal by < 1 % of the lesion's contrast; left out. */
const W_MIN = 0.01;
/** The logistic's steepness (training recipe). */
const EDGE = 6;

export interface Blob {
  index: Int32Array;
  w: Float32Array;
  centre: Vec3;
}

interface Ellipsoid {
  c: Vec3;
  r: Vec3;
}

function blobFromEllipsoids(dims: Vec3, tissue: Uint8Array, ellipsoids: readonly Ellipsoid[], centre: Vec3): Blob {
  const [X, Y] = dims;
  const acc = new Map<number, number>();
  // d = 1 + ln(1/W_MIN − 1)/EDGE bounds where w ≥ W_MIN: 1.77 radii.
  const reach = 1 + Math.log(1 / W_MIN - 1) / EDGE;
  for (const { c, r } of ellipsoids) {
    const lo = c.map((v, a) => Math.max(0, Math.floor(v - reach * r[a])));
    const hi = c.map((v, a) => Math.min(dims[a] - 1, Math.ceil(v + reach * r[a])));
    for (let k = lo[2]; k <= hi[2]; k++) {
      const dk = (k - c[2]) / r[2];
      for (let j = lo[1]; j <= hi[1]; j++) {
        const dj = (j - c[1]) / r[1];
        const row = X * (j + Y * k);
        for (let i = lo[0]; i <= hi[0]; i++) {
          const v = row + i;
          if (!tissue[v]) continue;
          const di = (i - c[0]) / r[0];
          const d = Math.sqrt(di * di + dj * dj + dk * dk);
          const w = 1 / (1 + Math.exp(Math.min((d - 1) * EDGE, 60)));
          if (w >= W_MIN && w > (acc.get(v) ?? 0)) acc.set(v, w);
        }
      }
    }
  }
  const index = Int32Array.from([...acc.keys()].sort((a, b) => a - b));
  const w = Float32Array.from(index, (v) => acc.get(v) ?? 0);
  return { index, w, centre };
}

/** Voxels with w > level. */
export function countAbove(blob: Blob, level: number): number {
  let n = 0;
  for (let t = 0; t < blob.w.length; t++) if (blob.w[t] > level) n++;
  return n;
}

function overlaps(blob: Blob, taken: Uint8Array): boolean {
  for (let t = 0; t < blob.index.length; t++) if (taken[blob.index[t]]) return true;
  return false;
}

/**
 * A lesion of the class, centred on a tissue voxel, whose truth volume lies in the class's range and
 * whose support does not touch `taken` (earlier lesions, so lesions stay separate components).
 */
export function drawLesion(
  rng: Rng,
  dims: Vec3,
  tissue: Uint8Array,
  tissueIndex: Int32Array,
  taken: Uint8Array,
  cls: LesionClass,
  voxelMl: number,
): Blob {
  const spec = LESION_CLASSES[cls];
  for (let attempt = 0; attempt < 500; attempt++) {
    const v = tissueIndex[rng.int(0, tissueIndex.length - 1)];
    const i = v % dims[0];
    const j = Math.floor(v / dims[0]) % dims[1];
    const k = Math.floor(v / (dims[0] * dims[1]));
    // Keep the blob off the first and last slices: a lesion cut by the slab edge is not a fair test.
    if (k < 3 || k > dims[2] - 4) continue;
    const centre: Vec3 = [i, j, k];
    const size = rng.uniform(spec.radiusVox[0], spec.radiusVox[1]);
    const count = rng.int(spec.ellipsoids[0], spec.ellipsoids[1]);
    const ellipsoids: Ellipsoid[] = [];
    for (let e = 0; e < count; e++) {
      const spread = e === 0 ? 0 : size * 0.5;
      ellipsoids.push({
        c: [i + spread * rng.normal(), j + spread * rng.normal(), k + spread * rng.normal()],
        r: [size * rng.uniform(0.6, 1.3), size * rng.uniform(0.6, 1.3), size * rng.uniform(0.6, 1.3)],
      });
    }
    const blob = blobFromEllipsoids(dims, tissue, ellipsoids, centre);
    const ml = countAbove(blob, 0.5) * voxelMl;
    if (ml < spec.ml[0] || ml > spec.ml[1] || overlaps(blob, taken)) continue;
    return blob;
  }
  throw new Error(`demo cohort: no ${cls} lesion fits this anatomy after 500 tries`);
}

/**
 * Pastes a lesion into the volumes in place: `low` are the b ≈ 0 volumes (each scaled by g_eff),
 * `high` the high-b volume, which becomes g_eff · S0^(1 − f_eff) · Sb^f_eff with S0 the mean of the
 * low volumes before scaling, f_eff = 1 − w (1 − f) and g_eff = 1 + w (g − 1).
 */
export function pasteLesion(blob: Blob, low: readonly Float32Array[], high: Float32Array, f: number, g: number): void {
  for (let t = 0; t < blob.index.length; t++) {
    const v = blob.index[t];
    const w = blob.w[t];
    const fEff = 1 - w * (1 - f);
    const gEff = 1 + w * (g - 1);
    let s0 = 0;
    for (const l of low) s0 += l[v];
    s0 /= low.length;
    const sb = high[v];
    if (s0 > 0 && sb > 0) high[v] = gEff * Math.pow(s0, 1 - fEff) * Math.pow(sb, fEff);
    for (const l of low) l[v] *= gEff;
  }
}
