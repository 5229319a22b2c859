/**
 * Invariants of the demo cohort generator (scripts/demo-cohort/): deterministic bytes, an empty case
 * that is empty for every rater, lesion volumes in their stated ranges, lowered ADC inside lesions,
 * the rater who misses the smallest lesion, and (on the cohort set-up wrote) every file on the case's
 * reference grid.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { maskThresholdMismatches, quantiseProbabilities } from '../../../src-shared/inference/quantise';
import { parseBval, readNifti, splitByBValue } from '../../../src-shared/nifti/index';
import { geometryMismatches } from '../../../src-shared/project/geometryMatch';
import {
  caseImageFiles,
  generateCohort,
  labelCounts,
  voxelMlOf,
  type GeneratedCase,
  type SourceDwi,
} from '../../../scripts/demo-cohort/generate';
import { loadDemoModel, runDemoModel } from '../../../scripts/demo-cohort/model';
import { readShippedResult, sha256Of } from '../../../scripts/demo-cohort/shippedModel';
import { CASES, COHORT_SEED, LESION_CLASSES, RATERS } from '../../../scripts/demo-cohort/spec';
import { repoRoot } from '../demoDwiBackend.testSupport';
import { COHORT_FILE, parseCohortManifest } from './demoCohortManifest';

let src: SourceDwi;
let cohort: GeneratedCase[];

beforeAll(() => {
  const dir = path.join(repoRoot, 'demo', 'dwi');
  const image = readNifti(new Uint8Array(readFileSync(path.join(dir, 'dwi.nii.gz'))), { fileName: 'dwi.nii.gz' });
  const n = image.geometry.dims[0] * image.geometry.dims[1] * image.geometry.dims[2];
  src = {
    geometry: image.geometry,
    volumes: Array.from({ length: image.volumeCount }, (_, c) => Float32Array.from(image.data.subarray(c * n, (c + 1) * n))),
    bValues: parseBval(readFileSync(path.join(dir, 'dwi.bval'), 'utf8'), 'dwi.bval'),
  };
  cohort = generateCohort(src, COHORT_SEED);
});

const byKind = (kind: string) => cohort.filter((c) => c.spec.kind === kind);
const voxelIndex = (c: GeneratedCase, [i, j, k]: readonly number[]) => i + src.geometry.dims[0] * (j + src.geometry.dims[1] * k);

describe('the demo cohort generator', () => {
  it('is deterministic: the same seed gives the same bytes, another seed other bytes', () => {
    const again = generateCohort(src, COHORT_SEED);
    again.forEach((c, i) => {
      expect(Buffer.from(c.image.buffer).equals(Buffer.from(cohort[i].image.buffer))).toBe(true);
      c.raters.forEach((r, j) => expect(Buffer.from(r.mask).equals(Buffer.from(cohort[i].raters[j].mask))).toBe(true));
    });
    const other = generateCohort(src, COHORT_SEED + 1, CASES.slice(0, 1));
    expect(Buffer.from(other[0].image.buffer).equals(Buffer.from(cohort[0].image.buffer))).toBe(false);
  }, 60_000);

  it('has the promised cases: an empty reference, a lone small lesion (< 0.5 ml), a multi-lesion case', () => {
    const voxelMl = voxelMlOf(src);
    expect(voxelMl).toBeCloseTo(1.5 ** 3 / 1000, 6);
    expect(byKind('empty').length).toBeGreaterThanOrEqual(1);
    for (const c of byKind('empty')) {
      expect(c.blobs).toHaveLength(0);
      // Empty for every rater: no lesion and no uncertain voxel.
      for (const r of c.raters) expect(labelCounts(r.mask).slice(1)).toEqual([0, 0]);
    }
    const [small] = byKind('small');
    expect(small.blobs).toHaveLength(1);
    expect(small.truthVoxels[0] * voxelMl).toBeLessThan(0.5);
    expect(byKind('multi')[0].blobs.length).toBeGreaterThanOrEqual(2);
    // Every lesion's truth volume lies in its class's stated range.
    for (const c of cohort) {
      c.spec.lesions.forEach((cls, b) => {
        const ml = c.truthVoxels[b] * voxelMl;
        expect(ml).toBeGreaterThanOrEqual(LESION_CLASSES[cls].ml[0]);
        expect(ml).toBeLessThanOrEqual(LESION_CLASSES[cls].ml[1]);
      });
      // Every rater outlines something on every case with a lesion, and masks are on the case grid.
      for (const r of c.raters) {
        expect(r.mask.length).toBe(src.volumes[0].length);
        if (c.blobs.length > 0) expect(labelCounts(r.mask)[1]).toBeGreaterThan(0);
      }
    }
  });

  it('lowers the ADC inside a lesion by a factor between f (core) and (1 + f)/2 (the w = 0.5 edge)', () => {
    const c = byKind('multi')[0];
    const b = src.bValues[2];
    const n = src.volumes[0].length;
    const adc = (s0: number, sb: number) => Math.log(s0 / sb) / b;
    // The largest lesion: many voxels, so the added noise averages out.
    const big = c.truthVoxels.indexOf(Math.max(...c.truthVoxels));
    const blob = c.blobs[big];
    let before = 0;
    let after = 0;
    let count = 0;
    for (let t = 0; t < blob.index.length; t++) {
      if (blob.w[t] <= 0.5) continue;
      const v = blob.index[t];
      before += adc((src.volumes[0][v] + src.volumes[1][v]) / 2, src.volumes[2][v]);
      after += adc((c.image[v] + c.image[n + v]) / 2, c.image[2 * n + v]);
      count++;
    }
    const f = c.contrast[big].adcFactor;
    const ratio = after / before;
    expect(count).toBe(c.truthVoxels[big]);
    expect(ratio).toBeGreaterThan(f - 0.05);
    expect(ratio).toBeLessThan((1 + f) / 2 + 0.05);
  });

  it('has the tight rater miss the smallest lesion of a multi-lesion case, and the others find it', () => {
    const c = byKind('multi')[0];
    const smallest = c.truthVoxels.indexOf(Math.min(...c.truthVoxels));
    expect(c.missed).toBe(smallest);
    // The small class is one ellipsoid centred on the drawn centre: w there is 1/(1 + e^-6) ≈ 0.998.
    const centre = voxelIndex(c, c.blobs[smallest].centre);
    RATERS.forEach((r, i) => expect(c.raters[i].mask[centre], r.name).toBe(r.missesSmallestOfSeveral ? 0 : 1));
  });
});

describe('the committed model results (demo/cohort-model)', () => {
  const modelDir = path.join(repoRoot, 'models', 'demo-dwi-lesion');
  const shipped = (c: GeneratedCase) => {
    const { niiGz, bval } = caseImageFiles(c, src);
    return readShippedResult(c.spec.id, sha256Of(niiGz, bval), sha256Of(readFileSync(path.join(modelDir, 'model.json'))));
  };

  it('were made from the images this generator makes and from the current demo model', () => {
    // Otherwise set-up runs the model again (~75 s of CPU): refresh them with
    // `npx tsx scripts/demo-cohort/main.ts --out <tmp> --update-shipped-model`.
    for (const c of cohort) expect(shipped(c), c.spec.id).not.toBeNull();
  });

  it('equal a fresh run of the demo model on the small-lesion case', async () => {
    // One case (~12 s of CPU) stands for all: they are made by the same call. A CPU with other SIMD
    // may round the last float bits differently: a probability may move by one quantisation step,
    // and a mask voxel may flip only where p is that close to the 0.5 threshold (uint8 127 or 128).
    const c = byKind('small')[0];
    const files = shipped(c);
    if (!files) throw new Error(`no committed result for ${c.spec.id}`);
    const image = readNifti(caseImageFiles(c, src).niiGz, { fileName: 'dwi.nii.gz' });
    const vols = splitByBValue(image, src.bValues.slice(), []);
    const fresh = await runDemoModel(
      await loadDemoModel(modelDir),
      image.geometry.dims,
      image.geometry.spacingMm,
      vols.map((v) => ({ bValue: v.bValue, data: v.volume.data })),
    );
    const committedP = readNifti(files['probability.nii.gz'], { fileName: 'probability.nii.gz' });
    const committedMask = readNifti(files['mask.nii.gz'], { fileName: 'mask.nii.gz' }).data;
    const committedLevels = Uint8Array.from(committedP.data, (p) => Math.round(p * 255));
    let worstLevel = 0;
    let maskFlipsAwayFromThreshold = 0;
    for (let v = 0; v < fresh.mask.length; v++) {
      worstLevel = Math.max(worstLevel, Math.abs(committedLevels[v] - fresh.probability[v]));
      if (committedMask[v] !== fresh.mask[v] && fresh.probability[v] !== 127 && fresh.probability[v] !== 128) maskFlipsAwayFromThreshold++;
    }
    expect(worstLevel).toBeLessThanOrEqual(1);
    expect(maskFlipsAwayFromThreshold).toBe(0);
  }, 180_000);
});

describe('the cohort written at set-up (data-cache/demo-cohort)', () => {
  const file = path.join(repoRoot, 'data-cache', 'demo-cohort', COHORT_FILE);

  it('keeps every image, rater mask and model map on the case grid, with volumes matching the index', () => {
    if (!existsSync(file)) throw new Error(`${file} is missing: run scripts/fetch-sample-data.sh first`);
    const m = parseCohortManifest(readFileSync(file, 'utf8'), file);
    const dir = path.dirname(file);
    const read = (rel: string) => readNifti(new Uint8Array(readFileSync(path.join(dir, rel))), { fileName: rel });
    expect(m.cases.map((c) => c.name)).toEqual(CASES.map((c) => c.name));
    for (const c of m.cases) {
      const image = read(c.image);
      expect(image.volumeCount).toBe(3);
      expect(geometryMismatches(src.geometry, image.geometry)).toEqual([]);
      for (const r of c.raters) {
        if (r.mask === null) {
          expect(c.kind).toBe('empty');
          continue;
        }
        const mask = read(r.mask);
        expect(geometryMismatches(image.geometry, mask.geometry)).toEqual([]);
        const counts = labelCounts(Uint8Array.from(mask.data));
        expect(counts[1] * m.voxelMl).toBeCloseTo(r.lesionMl, 9);
        expect(counts[2] * m.voxelMl).toBeCloseTo(r.uncertainMl, 9);
      }
      expect(c.model).not.toBeNull();
      const modelMask = read(c.model?.mask ?? '');
      expect(geometryMismatches(image.geometry, modelMask.geometry)).toEqual([]);
      expect(labelCounts(Uint8Array.from(modelMask.data))[1] * m.voxelMl).toBeCloseTo(c.model?.maskMl ?? NaN, 9);
      const p = read(c.model?.probability ?? '').data;
      // Stored as p × 255 with scl_slope 1/255: readers get p in [0, 1], and the mask is p > 0.5 of it.
      let max = 0;
      for (let v = 0; v < p.length; v++) max = Math.max(max, p[v]);
      expect(max).toBeLessThanOrEqual(1);
      expect(maskThresholdMismatches(Uint8Array.from(modelMask.data), quantiseProbabilities([Float32Array.from(p)]), 0.5)).toBe(0);
    }
  });
});
