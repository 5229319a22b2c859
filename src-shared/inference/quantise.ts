/**
 * Probabilities stored in the project as uint8 (p × 255, rounded) with NIfTI scl_slope 1/255, so any
 * NIfTI reader gets p back in [0, 1]. Why not float32: float32 sigmoid outputs are mostly distinct
 * tiny values that barely compress (≈ 4 bytes a voxel), while the quantised map is mostly zeros and
 * gzips to a few KB–100 KB. The server quantises the Float32 map the renderer sends, once, when it
 * stores it (issue 15: apiInferenceResults.ts); nothing quantises it again. The cost: |q − p| ≤ 1/510 per voxel. The mask is made from the float p at the user's
 * threshold before quantising, and the expected volume Σp is computed from the float p and kept in
 * the provenance, so neither carries the quantisation error.
 */

const PROBABILITY_SCALE = 255;

/** Label-major uint8 stack: volume c at offset c × n. */
export function quantiseProbabilities(probabilities: readonly Float32Array[]): Uint8Array {
  const n = probabilities[0]?.length ?? 0;
  const out = new Uint8Array(n * probabilities.length);
  probabilities.forEach((p, c) => {
    const base = c * n;
    for (let v = 0; v < n; v++) {
      const x = p[v];
      // NaN fails both comparisons and becomes 0 (Uint8Array assignment of NaN is 0).
      out[base + v] = x >= 1 ? PROBABILITY_SCALE : x > 0 ? Math.round(x * PROBABILITY_SCALE) : 0;
    }
  });
  return out;
}

/**
 * Voxels where a single-label (sigmoid) mask cannot have come from thresholding the float p that
 * was quantised to `q` at `threshold` (strict p > t is lesion). With |q/255 − p| ≤ 1/510: a lesion
 * voxel needs q ≥ 255t − ½, a background voxel q ≤ 255t + ½. Returns how many voxels break this.
 */
export function maskThresholdMismatches(mask: Uint8Array, q: Uint8Array, threshold: number): number {
  const lo = PROBABILITY_SCALE * threshold - 0.5 - 1e-6;
  const hi = PROBABILITY_SCALE * threshold + 0.5 + 1e-6;
  let bad = 0;
  for (let v = 0; v < mask.length; v++) {
    const x = q[v];
    if (mask[v] !== 0 ? x < lo : x > hi) bad++;
  }
  return bad;
}
