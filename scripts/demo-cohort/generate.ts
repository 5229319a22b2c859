/**
 * The cohort's images and raters' masks, as pure functions of the source DWI and the seed (no files,
 * no model): the same inputs give the same bytes, which the determinism test checks.
 */
import { computeAdc } from '../../src-shared/inference/channels';
import { LOW_B_MAX } from '../../src-shared/inference/dwiSources';
import { otsuThreshold } from '../../src-shared/inference/otsu';
import { writeNifti } from '../../src-shared/nifti/index';
import type { Geometry } from '../../src-shared/volume/types';
import { countAbove, drawLesion, pasteLesion, type Blob } from './lesions';
import { makeRng } from './random';
import { raterMask, smallestOfSeveral } from './raters';
import { CASES, RATERS, type CaseSpec, type RaterSpec } from './spec';

export interface SourceDwi {
  geometry: Pick<Geometry, 'dims' | 'spacingMm' | 'originLps' | 'direction'>;
  /** One array per volume, in file order. */
  volumes: readonly Float32Array[];
  bValues: readonly number[];
}

export interface GeneratedCase {
  spec: CaseSpec;
  seed: number;
  /** All volumes, i fastest, volume after volume: the case's 4D uint16 image. */
  image: Uint16Array;
  blobs: Blob[];
  /** Per lesion: ADC scaled by adcFactor (f), S0 by s0Factor (g). */
  contrast: Array<{ adcFactor: number; s0Factor: number }>;
  /** Truth voxels (w > 0.5) per lesion. */
  truthVoxels: number[];
  /** Index of the lesion the "misses the smallest" rater leaves out, -1 if none. */
  missed: number;
  raters: Array<{ spec: RaterSpec; mask: Uint8Array }>;
}

/** ADC range the training recipe pastes lesions into (models/train/data.py: Anatomy.tissue). */
const TISSUE_ADC: readonly [number, number] = [0.3e-3, 1.6e-3];

/** Brain tissue: inside the Otsu mask of the high-b image (the model's mask channel) with a tissue-like ADC. */
function tissueMask(src: SourceDwi): Uint8Array {
  const { low, high, b } = split(src);
  const s0 = mean(low);
  const adc = computeAdc(s0, high[0], b, [0, 0.005]);
  const t = otsuThreshold(high[0]);
  const out = new Uint8Array(s0.length);
  for (let v = 0; v < out.length; v++) out[v] = high[0][v] > t && adc[v] > TISSUE_ADC[0] && adc[v] < TISSUE_ADC[1] ? 1 : 0;
  return out;
}

function split(src: SourceDwi): { low: Float32Array[]; high: Float32Array[]; b: number } {
  const b = Math.max(...src.bValues);
  const low = src.volumes.filter((_, i) => src.bValues[i] <= LOW_B_MAX);
  const high = src.volumes.filter((_, i) => src.bValues[i] === b);
  if (low.length === 0 || high.length !== 1 || !(b > LOW_B_MAX))
    throw new Error(`demo cohort: the source needs b ≈ 0 volumes and one high-b volume (b-values ${src.bValues.join(', ')})`);
  return { low, high, b };
}

function mean(arrays: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(arrays[0].length);
  for (const a of arrays) for (let v = 0; v < out.length; v++) out[v] += a[v] / arrays.length;
  return out;
}

export function voxelMlOf(src: SourceDwi): number {
  const [a, b, c] = src.geometry.spacingMm;
  return (a * b * c) / 1000;
}

function generateCase(src: SourceDwi, tissue: Uint8Array, spec: CaseSpec, seed: number): GeneratedCase {
  const dims = src.geometry.dims;
  const n = dims[0] * dims[1] * dims[2];
  const voxelMl = voxelMlOf(src);
  const rng = makeRng(seed);
  const tissueIndex = Int32Array.from({ length: n }, (_, v) => v).filter((v) => tissue[v] === 1);
  const taken = new Uint8Array(n);
  const blobs: Blob[] = [];
  for (const cls of spec.lesions) {
    const blob = drawLesion(rng, dims, tissue, tissueIndex, taken, cls, voxelMl);
    for (let t = 0; t < blob.index.length; t++) taken[blob.index[t]] = 1;
    blobs.push(blob);
  }
  const volumes = src.volumes.map((v) => v.slice());
  const isLow = src.bValues.map((b) => b <= LOW_B_MAX);
  const low = volumes.filter((_, i) => isLow[i]);
  const high = volumes.find((_, i) => !isLow[i]);
  if (!high) throw new Error('demo cohort: no high-b volume');
  // f and g from the stronger half of the training ranges (f ∈ [0.35, 0.8], g ∈ [1, 1.4]): a demo
  // cohort where the model misses most lesions would show little; the small one still tests it.
  const contrast = blobs.map(() => ({ adcFactor: rng.uniform(0.35, 0.6), s0Factor: rng.uniform(1.1, 1.4) }));
  blobs.forEach((blob, b) => pasteLesion(blob, low, high, contrast[b].adcFactor, contrast[b].s0Factor));

  // Rician magnitude noise on every volume, its own realisation per case.
  const noise = makeRng(seed + 7);
  const image = new Uint16Array(n * volumes.length);
  volumes.forEach((vol, c) => {
    const base = c * n;
    for (let v = 0; v < n; v++) {
      const re = vol[v] + spec.noiseSigma * noise.normal();
      const im = spec.noiseSigma * noise.normal();
      image[base + v] = Math.min(65535, Math.round(Math.hypot(re, im)));
    }
  });

  const truthVoxels = blobs.map((b) => countAbove(b, 0.5));
  const missed = smallestOfSeveral(blobs, truthVoxels);
  const raters = RATERS.map((r, idx) => ({ spec: r, mask: raterMask(dims, blobs, missed, r, makeRng(seed + 100 + idx)) }));
  return { spec, seed, image, blobs, contrast, truthVoxels, missed, raters };
}

function caseSeed(cohortSeed: number, caseIndex: number): number {
  return cohortSeed + 1000 * (caseIndex + 1);
}

export function generateCohort(src: SourceDwi, cohortSeed: number, cases: readonly CaseSpec[] = CASES): GeneratedCase[] {
  const tissue = tissueMask(src);
  return cases.map((spec, i) => generateCase(src, tissue, spec, caseSeed(cohortSeed, i)));
}

/** Voxels per label value (0, 1, 2) of a mask. */
export function labelCounts(mask: Uint8Array): [number, number, number] {
  const c: [number, number, number] = [0, 0, 0];
  for (let v = 0; v < mask.length; v++) c[mask[v]]++;
  return c;
}

/** The case's image as the cohort stores it: .nii.gz bytes (gzip mtime 0, so the same case gives the same bytes) and .bval text. */
export function caseImageFiles(g: GeneratedCase, src: SourceDwi): { niiGz: Uint8Array; bval: string } {
  const niiGz = writeNifti(
    {
      geometry: src.geometry,
      data: g.image,
      volumeCount: src.volumes.length,
      description: `Quorum demo cohort ${g.spec.id} (synthetic lesions)`,
    },
    { gzip: true },
  );
  return { niiGz, bval: `${src.bValues.join(' ')}\n` };
}
