/**
 * Build the model's input channels, in the manifest's order, from what the case provides.
 * An ADC missing from the case is computed when the manifest allows it:
 *   ADC = ln(S0 / Sb) / b   (mm²/s; S0 = the b≈0 image, Sb = the high-b image, b in s/mm²),
 * clamped to the manifest's range, and 0 where either signal is ≤ 0 (background, where the ratio is
 * noise). models/train/data.py (adc_from) computes training ADCs the same way.
 */
import type { VoxelArray } from '../volume/types';
import type { ChannelId, ChannelSpec } from './manifest';

export interface ChannelSources {
  /** Images on the case grid, keyed by channel id. */
  readonly images: Partial<Record<ChannelId, VoxelArray>>;
  /** b-value (s/mm²) of the `dwi_b1000` image, needed to compute an ADC. */
  readonly bValue?: number;
}

class ChannelError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ChannelError';
  }
}

export function computeAdc(s0: ArrayLike<number>, sb: ArrayLike<number>, bValue: number, clamp: readonly [number, number]): Float32Array {
  if (s0.length !== sb.length) throw new ChannelError(`ADC: the b0 image has ${s0.length} voxels but the high-b image has ${sb.length}`);
  if (!(bValue > 0)) throw new ChannelError(`ADC: the b-value must be > 0 s/mm² (got ${bValue})`);
  const out = new Float32Array(s0.length);
  const [lo, hi] = clamp;
  for (let i = 0; i < out.length; i++) {
    const a = s0[i];
    const b = sb[i];
    let v = a > 0 && b > 0 ? Math.log(a / b) / bValue : 0;
    if (v < lo) v = lo;
    else if (v > hi) v = hi;
    out[i] = v;
  }
  return out;
}

/** One Float32Array per manifest channel, each of `voxelCount` values. */
export function buildChannels(specs: readonly ChannelSpec[], src: ChannelSources, voxelCount: number): Float32Array[] {
  const provided = Object.keys(src.images).join(', ') || 'none';
  return specs.map((spec) => {
    const given = src.images[spec.id];
    if (given) {
      if (given.length !== voxelCount) {
        throw new ChannelError(
          `channel ${spec.id} has ${given.length} voxels, expected ${voxelCount} (all channels must share the case grid)`,
        );
      }
      return given instanceof Float32Array ? given : Float32Array.from(given);
    }
    if (spec.ifMissing === 'computeFromB0') {
      const s0 = src.images.dwi_b0;
      const sb = src.images.dwi_b1000;
      if (!s0 || !sb || src.bValue === undefined) {
        throw new ChannelError(
          `the model needs an ADC; none was given and it cannot be computed without a b≈0 image, a high-b image and its b-value (case provides: ${provided}${src.bValue === undefined ? '; no b-value' : ''})`,
        );
      }
      if (s0.length !== voxelCount || sb.length !== voxelCount)
        throw new ChannelError(`ADC: the DWI images do not match the case grid (${voxelCount} voxels)`);
      return computeAdc(s0, sb, src.bValue, spec.clampMm2PerS);
    }
    throw new ChannelError(`the model needs channel ${spec.id}, which this case does not provide (case provides: ${provided})`);
  });
}
