/**
 * The multi-class demo case (issue 14): a synthetic infarct core and penumbra on the demo head CT,
 * and two synthetic raters who outline both. Pure and deterministic (mulberry32, CORE_PENUMBRA_SEED):
 * the same CT gives the same image and masks, byte for byte.
 *
 * Where: a seeded centre in brain parenchyma, accepted when the penumbra's ellipsoid lies in soft
 * tissue (≥ 95 % of its voxels 0–80 HU) whose mean is 20–45 HU (grey and white matter, not CSF,
 * blood or bone). What: two concentric soft ellipsoids w = 1 / (1 + exp(6 (d − 1))) as the DWI
 * cohort's lesions (scripts/demo-cohort/lesions.ts), the core's radii 40–55 % of the penumbra's; in
 * soft-tissue voxels the HU drops by max(Δcore · w_core, Δpen · w_pen) with Δcore ∈ [6, 12] and
 * Δpen ∈ [2, 5] HU, so the core is darker than the penumbra around it. Bone, air and CSF are never
 * touched, and no mask holds them.
 *
 * Labels are the core/penumbra preset's: 1 core (w_core > level), else 2 penumbra (w_pen > level).
 * The truth's level is 0.5; the generous rater's 0.4, the tight rater's 0.6.
 */
import type { Geometry, Vec3 } from '../../src-shared/volume/types';
import { makeRng } from '../demo-cohort/random';

export const CORE_PENUMBRA_SEED = 20261207;

/** The label values of the core/penumbra preset (src-shared/project/labelTable.ts). */
const CORE = 1;
const PENUMBRA = 2;

interface CorePenumbraRater {
  name: string;
  /** The mask's file name, without `.nii.gz`. */
  file: string;
  description: string;
  /** The iso-level of both soft ellipsoids this rater outlines (the truth's is 0.5). */
  level: number;
}

/** The DWI cohort's generous and tight raters (scripts/demo-cohort/spec.ts), with the same habits. */
export const CORE_PENUMBRA_RATERS: readonly CorePenumbraRater[] = [
  {
    name: 'Dr. Anna Jansen',
    file: 'anna-jansen',
    description: 'generous outline: core and penumbra blobs > 0.4 (synthetic rater)',
    level: 0.4,
  },
  { name: 'Dr. Ben Okafor', file: 'ben-okafor', description: 'tight outline: core and penumbra blobs > 0.6 (synthetic rater)', level: 0.6 },
];

/** Soft tissue: what the blobs may darken and the masks may hold. */
const TISSUE_HU: readonly [number, number] = [0, 80];
/** The logistic's steepness, as the DWI cohort's lesions. */
const EDGE = 6;
/** Beyond this normalised distance w < 0.01: the bounding box of the work. */
const REACH = 1 + Math.log(99) / EDGE;

interface CorePenumbraCase {
  /** The CT with the synthetic core and penumbra, Int16 HU on the CT's grid. */
  image: Int16Array;
  centreVoxel: Vec3;
  coreRadiiVox: Vec3;
  penumbraRadiiVox: Vec3;
  /** The HU drop at the core's centre and in the penumbra's plateau. */
  coreDropHu: number;
  penumbraDropHu: number;
  /** Labels 1 core, 2 penumbra at level 0.5. */
  truth: Uint8Array;
  raters: Array<{ spec: CorePenumbraRater; mask: Uint8Array }>;
}

/** Voxels per label value (index 0: background). */
export function labelVoxelCounts(mask: Uint8Array): [number, number, number] {
  const n: [number, number, number] = [0, 0, 0];
  for (let v = 0; v < mask.length; v++) n[mask[v]]++;
  return n;
}

function logistic(d: number): number {
  return 1 / (1 + Math.exp(Math.min((d - 1) * EDGE, 60)));
}

function isTissue(hu: number): boolean {
  return hu >= TISSUE_HU[0] && hu <= TISSUE_HU[1];
}

/** The box of voxels within REACH of the ellipsoid, clipped to the grid. */
function boxOf(dims: Vec3, c: Vec3, r: Vec3, reach: number): { lo: Vec3; hi: Vec3 } {
  const lo = c.map((v, a) => Math.max(0, Math.floor(v - reach * r[a]))) as unknown as Vec3;
  const hi = c.map((v, a) => Math.min(dims[a] - 1, Math.ceil(v + reach * r[a]))) as unknown as Vec3;
  return { lo, hi };
}

function distance(i: number, j: number, k: number, c: Vec3, r: Vec3): number {
  const di = (i - c[0]) / r[0];
  const dj = (j - c[1]) / r[1];
  const dk = (k - c[2]) / r[2];
  return Math.sqrt(di * di + dj * dj + dk * dk);
}

/** Whether the penumbra's ellipsoid (d ≤ 1.2) lies in brain parenchyma: ≥ 95 % soft tissue, mean 20–45 HU. */
function inParenchyma(ct: Int16Array, dims: Vec3, c: Vec3, r: Vec3): boolean {
  const [X, Y] = dims;
  const { lo, hi } = boxOf(dims, c, r, 1.2);
  let n = 0;
  let tissue = 0;
  let sum = 0;
  for (let k = lo[2]; k <= hi[2]; k++)
    for (let j = lo[1]; j <= hi[1]; j++)
      for (let i = lo[0]; i <= hi[0]; i++) {
        if (distance(i, j, k, c, r) > 1.2) continue;
        const hu = ct[i + X * (j + Y * k)];
        n++;
        if (isTissue(hu)) {
          tissue++;
          sum += hu;
        }
      }
  const mean = sum / tissue;
  return n > 0 && tissue >= 0.95 * n && mean >= 20 && mean <= 45;
}

export function generateCorePenumbra(ct: Int16Array, geometry: Geometry, seed = CORE_PENUMBRA_SEED): CorePenumbraCase {
  const dims = geometry.dims;
  const [X, Y, Z] = dims;
  if (ct.length !== X * Y * Z) throw new Error(`core/penumbra case: the CT has ${ct.length} voxels, its grid ${X * Y * Z}`);
  const rng = makeRng(seed);
  // About 12 mm in plane and 9 mm across slices for the penumbra (0.96 × 0.96 × 1.5 mm voxels).
  const radii = (): Vec3 => [rng.uniform(11, 14), rng.uniform(11, 14), rng.uniform(5, 7)];
  for (let attempt = 0; attempt < 2000; attempt++) {
    const centre: Vec3 = [
      rng.int(Math.floor(X * 0.25), Math.floor(X * 0.75)),
      rng.int(Math.floor(Y * 0.2), Math.floor(Y * 0.6)),
      rng.int(Math.floor(Z * 0.35), Math.floor(Z * 0.6)),
    ];
    const penumbraRadiiVox = radii();
    const share = rng.uniform(0.4, 0.55);
    const coreRadiiVox = penumbraRadiiVox.map((r) => r * share) as unknown as Vec3;
    const coreDropHu = rng.uniform(6, 12);
    const penumbraDropHu = rng.uniform(2, 5);
    if (!inParenchyma(ct, dims, centre, penumbraRadiiVox)) continue;

    const image = Int16Array.from(ct);
    const truth = new Uint8Array(ct.length);
    const masks = CORE_PENUMBRA_RATERS.map(() => new Uint8Array(ct.length));
    const label = (wCore: number, wPen: number, level: number): number => (wCore > level ? CORE : wPen > level ? PENUMBRA : 0);
    const { lo, hi } = boxOf(dims, centre, penumbraRadiiVox, REACH);
    for (let k = lo[2]; k <= hi[2]; k++)
      for (let j = lo[1]; j <= hi[1]; j++)
        for (let i = lo[0]; i <= hi[0]; i++) {
          const v = i + X * (j + Y * k);
          if (!isTissue(ct[v])) continue;
          const wCore = logistic(distance(i, j, k, centre, coreRadiiVox));
          const wPen = logistic(distance(i, j, k, centre, penumbraRadiiVox));
          image[v] = Math.round(ct[v] - Math.max(coreDropHu * wCore, penumbraDropHu * wPen));
          truth[v] = label(wCore, wPen, 0.5);
          CORE_PENUMBRA_RATERS.forEach((spec, r) => (masks[r][v] = label(wCore, wPen, spec.level)));
        }
    return {
      image,
      centreVoxel: centre,
      coreRadiiVox,
      penumbraRadiiVox,
      coreDropHu,
      penumbraDropHu,
      truth,
      raters: CORE_PENUMBRA_RATERS.map((spec, r) => ({ spec, mask: masks[r] })),
    };
  }
  throw new Error('core/penumbra case: no place in brain parenchyma found for the blobs after 2000 tries');
}
