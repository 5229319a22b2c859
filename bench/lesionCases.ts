/**
 * Synthetic lesion cases shared by the metrics benchmarks (not a bench module itself: the harness
 * runs only *.bench.ts). Irregular lesions are clusters of overlapping balls; the prediction moves
 * and resizes each one, misses one and adds false positives.
 */
import type { CaseInput } from '../src-shared/metrics/conventions/types';
import type { Dims3, Spacing3 } from '../src-shared/metrics/grid';
import { emptyMask, fillBall } from '../src-shared/metrics/shapes';

/** An irregular lesion: a cluster of overlapping balls around a centre. */
function lesion(m: Uint8Array, dims: Dims3, s: Spacing3, rand: () => number, centre: number[], sizeMm: number): void {
  const parts = 3 + Math.floor(rand() * 5);
  for (let p = 0; p < parts; p++) {
    const c = centre.map((v, a) => v + ((rand() - 0.5) * sizeMm) / s[a]);
    fillBall(m, dims, s, c, sizeMm * (0.35 + 0.4 * rand()));
  }
}

/** 512×512×300 at 0.5×0.5×1.5 mm, about 50 ml of lesions scattered through a brain-sized region. */
export function makeBig(rand: () => number): CaseInput {
  const dims: Dims3 = [512, 512, 300];
  const spacing: Spacing3 = [0.5, 0.5, 1.5];
  const ref = emptyMask(dims),
    pred = emptyMask(dims);
  const n = 8;
  for (let l = 0; l < n; l++) {
    const c = [150 + rand() * 212, 150 + rand() * 212, 60 + rand() * 180];
    const size = 11 + rand() * 5;
    lesion(ref, dims, spacing, rand, c, size);
    if (l !== 0)
      lesion(
        pred,
        dims,
        spacing,
        rand,
        c.map((v, a) => v + ((rand() - 0.5) * 4) / spacing[a]),
        size * (0.8 + 0.4 * rand()),
      );
  }
  for (let f = 0; f < 2; f++) lesion(pred, dims, spacing, rand, [150 + rand() * 212, 150 + rand() * 212, 60 + rand() * 180], 5);
  return { ref, pred, dims, spacing, thresholdMl: 0.1 };
}

/** A few 8 mm lesions in the middle of a small grid (centres at least 30 voxels from each face in i, j). */
export function makeSmall(rand: () => number, dims: Dims3, spacing: Spacing3): CaseInput {
  const ref = emptyMask(dims),
    pred = emptyMask(dims);
  const centre = (a: number) => dims[a] / 2 + (rand() - 0.5) * (dims[a] - 60);
  for (let l = 0; l < 4; l++) {
    const c = [centre(0), centre(1), centre(2)];
    lesion(ref, dims, spacing, rand, c, 8);
    lesion(
      pred,
      dims,
      spacing,
      rand,
      c.map((v) => v + (rand() - 0.5) * 4),
      8,
    );
  }
  return { ref, pred, dims, spacing, thresholdMl: 0.1 };
}

/**
 * `n` lesions spread over the whole 512×512×300 grid at 0.5×0.5×1.5 mm (centres anywhere at least
 * 10 voxels from each face), so their union bounding box is most of the grid. The prediction moves
 * and resizes each lesion by up to 2 mm, misses every tenth one and adds n/10 false positives.
 */
export function makeSpread(rand: () => number, n: number, sizeMm: number): CaseInput {
  const dims: Dims3 = [512, 512, 300];
  const spacing: Spacing3 = [0.5, 0.5, 1.5];
  const ref = emptyMask(dims),
    pred = emptyMask(dims);
  const anywhere = () => [0, 1, 2].map((a) => 10 + rand() * (dims[a] - 20));
  for (let l = 0; l < n; l++) {
    const c = anywhere();
    const size = sizeMm * (0.7 + 0.6 * rand());
    lesion(ref, dims, spacing, rand, c, size);
    if (l % 10 !== 0)
      lesion(
        pred,
        dims,
        spacing,
        rand,
        c.map((v, a) => v + ((rand() - 0.5) * 4) / spacing[a]),
        size * (0.8 + 0.4 * rand()),
      );
  }
  for (let f = 0; f < Math.max(1, n / 10); f++) lesion(pred, dims, spacing, rand, anywhere(), sizeMm / 2);
  return { ref, pred, dims, spacing, thresholdMl: 0.1 };
}
