/**
 * What the threshold slider needs from a model's float probabilities, prepared once per result so
 * that moving the slider touches no voxel (issue 15): the region score the viewer draws through an
 * opacity step at the threshold, and per foreground class the sorted scores that give its
 * thresholded voxel count by binary search.
 *
 * A voxel's score for class c is p_c where c is the voxel's first argmax over all output channels
 * (softmax: the background channel included), else 0. Then score_c > t exactly where
 * outputs.ts labelMask(…, t) gives c's code: labelMask picks the first maximal p, and keeps it only
 * above t (sigmoid: a channel at or below t never wins; softmax: the argmax is kept when its p is
 * above t). The region score is the highest class score, so region > t exactly where labelMask ≠ 0.
 *
 * Pure; no environment.
 */

/** The slider's lowest threshold: class counts hold only scores above it (most voxels' p is tiny). */
export const THRESHOLD_MIN = 0.05;
export const THRESHOLD_MAX = 0.95;

export interface ThresholdIndex {
  /** Per voxel, the highest class score: what the viewer's opacity step thresholds. */
  readonly region: Float32Array;
  /** Per foreground class (output order; softmax without the background), its scores above THRESHOLD_MIN, ascending. */
  readonly sortedScores: readonly Float32Array[];
}

export function buildThresholdIndex(probabilities: readonly Float32Array[], activation: 'sigmoid' | 'softmax'): ThresholdIndex {
  const channels = probabilities.length;
  const n = probabilities[0]?.length ?? 0;
  const first = activation === 'softmax' ? 1 : 0;
  // One sigmoid label: every voxel's score is its p, so the region is the map itself (no copy).
  const single = channels === 1 && activation === 'sigmoid';
  const region = single ? probabilities[0] : new Float32Array(n);
  // Each voxel's winning channel (255: none counted), then one typed array per class: no per-voxel objects.
  const winner = new Uint8Array(n).fill(255);
  const counts = new Array<number>(channels).fill(0);
  for (let v = 0; v < n; v++) {
    let best = 0;
    let bestP = probabilities[0][v];
    for (let c = 1; c < channels; c++) {
      const p = probabilities[c][v];
      if (p > bestP) [best, bestP] = [c, p];
    }
    if (best < first) continue;
    if (!single) region[v] = bestP;
    if (bestP > THRESHOLD_MIN) {
      winner[v] = best;
      counts[best]++;
    }
  }
  const sortedScores = counts.slice(first).map((count) => new Float32Array(count));
  const filled = new Array<number>(channels).fill(0);
  for (let v = 0; v < n; v++) {
    const c = winner[v];
    if (c !== 255) sortedScores[c - first][filled[c]++] = probabilities[c][v];
  }
  for (const s of sortedScores) s.sort();
  return { region, sortedScores };
}

/** How many of `sorted`'s scores are strictly above `threshold` (≥ THRESHOLD_MIN): its voxels in the mask. */
export function countAbove(sorted: Float32Array, threshold: number): number {
  if (!(threshold >= THRESHOLD_MIN)) throw new Error(`threshold ${threshold} is below the counted range (${THRESHOLD_MIN})`);
  // The first index whose score is above the threshold.
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] > threshold) hi = mid;
    else lo = mid + 1;
  }
  return sorted.length - lo;
}
