/**
 * Intensity normalisation in place, per the manifest (see manifest.ts for the definitions).
 * Means and standard deviations are accumulated in float64: volumes have millions of voxels.
 */
import type { ModelManifest, Normalisation } from './manifest';
import { otsuThreshold } from './otsu';

/** Foreground mask for z-score normalisation; null means every voxel. */
function foregroundMask(norm: Normalisation, channels: readonly Float32Array[]): Uint8Array | null {
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

/** The scheme of each channel: a single manifest scheme applies to all of them. */
function channelSchemes(norm: ModelManifest['normalisation'], count: number): readonly Normalisation[] {
  return Array.isArray(norm) ? norm : Array.from({ length: count }, () => norm);
}

/**
 * Normalise every channel in place, each by its own scheme. The masks are computed from the
 * channels as they were before any of them changed (a mask channel may itself be normalised).
 */
export function normaliseChannels(norm: ModelManifest['normalisation'], channels: Float32Array[]): void {
  const schemes = channelSchemes(norm, channels.length);
  const masks = schemes.map((s) => foregroundMask(s, channels));
  channels.forEach((ch, c) => normaliseOne(schemes[c], ch, masks[c]));
}

function normaliseOne(norm: Normalisation, ch: Float32Array, mask: Uint8Array | null): void {
  if (norm.kind === 'none') return;
  if (norm.kind === 'ct') {
    const [lo, hi] = norm.clip;
    const inv = 1 / norm.std;
    for (let i = 0; i < ch.length; i++) {
      const v = ch[i] < lo ? lo : ch[i] > hi ? hi : ch[i];
      ch[i] = (v - norm.mean) * inv;
    }
    return;
  }
  if (norm.kind === 'rescale') {
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < ch.length; i++) {
      if (ch[i] < min) min = ch[i];
      if (ch[i] > max) max = ch[i];
    }
    // A constant channel becomes 0, as MONAI's ScaleIntensity does.
    const inv = max > min ? 1 / (max - min) : 0;
    for (let i = 0; i < ch.length; i++) ch[i] = (ch[i] - min) * inv;
    return;
  }
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
