/**
 * Intensity normalisation in place, per the manifest (see manifest.ts for the definitions).
 * Means and standard deviations are accumulated in float64: volumes have millions of voxels.
 */
import type { Normalisation } from './manifest';
import { otsuThreshold } from './otsu';

/** Foreground mask for z-score normalisation; null means every voxel. */
export function foregroundMask(norm: Normalisation, channels: readonly Float32Array[]): Uint8Array | null {
  if (norm.kind !== 'zscore' || norm.foreground === 'all') return null;
  const src = channels[norm.maskChannel];
  const mask = new Uint8Array(src.length);
  if (norm.foreground === 'nonzero') {
    for (let i = 0; i < src.length; i++) mask[i] = src[i] !== 0 ? 1 : 0;
  } else {
    const t = otsuThreshold(src);
    for (let i = 0; i < src.length; i++) mask[i] = src[i] > t ? 1 : 0;
  }
  return mask;
}

/** Normalise every channel in place. Returns the mask used (z-score) for provenance/debugging. */
export function normaliseChannels(norm: Normalisation, channels: Float32Array[]): Uint8Array | null {
  if (norm.kind === 'ct') {
    const [lo, hi] = norm.clip;
    const inv = 1 / norm.std;
    for (const ch of channels) {
      for (let i = 0; i < ch.length; i++) {
        const v = ch[i] < lo ? lo : ch[i] > hi ? hi : ch[i];
        ch[i] = (v - norm.mean) * inv;
      }
    }
    return null;
  }
  const mask = foregroundMask(norm, channels);
  for (const ch of channels) {
    let n = 0;
    let sum = 0;
    let sum2 = 0;
    for (let i = 0; i < ch.length; i++) {
      if (mask && !mask[i]) continue;
      const v = ch[i];
      n++;
      sum += v;
      sum2 += v * v;
    }
    const mean = n > 0 ? sum / n : 0;
    const std = n > 0 ? Math.sqrt(Math.max(sum2 / n - mean * mean, 0)) : 1;
    // Same floor as the training recipe: a constant channel becomes 0, not NaN.
    const inv = 1 / Math.max(std, 1e-8);
    for (let i = 0; i < ch.length; i++) ch[i] = mask && !mask[i] ? 0 : (ch[i] - mean) * inv;
  }
  return mask;
}
