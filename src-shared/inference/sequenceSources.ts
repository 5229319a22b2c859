/**
 * Model inputs from a case's named sequences (issue 12): besides a DWI's b-values (dwiSources.ts),
 * an ADC, FLAIR, T1, T2 or CT sequence of the case gives the channel of the same name, on the case's
 * reference grid (the server resamples each sequence into it by the affines). A model whose manifest
 * asks for `dwi_b1000` and `adc` thus takes the dataset's own ADC map rather than computing one.
 *
 * ADC maps come in mm²/s or, as scanners and ISLES'22 store them, in 10⁻⁶ mm²/s; manifests work in
 * mm²/s (their clamp ranges are ~0.005). A map whose largest finite value exceeds 0.1 cannot be in
 * mm²/s (free water is 0.003 mm²/s) and is scaled by 10⁻⁶.
 *
 * Environment-free.
 */
import type { SequenceKind } from '../project/sequences';
import type { VoxelArray } from '../volume/types';
import type { ChannelId } from './manifest';

/** The model channel each sequence kind gives; a DWI gives its channels through its b-values instead. */
export const SEQUENCE_CHANNELS: Partial<Record<SequenceKind, ChannelId>> = { adc: 'adc', flair: 'flair', t1: 't1', t2: 't2', ct: 'ct' };

/** Above this no ADC is in mm²/s: it is in 10⁻⁶ mm²/s. */
const ADC_MM2_PER_S_MAX = 0.1;

export interface SequenceVolume {
  readonly sequence?: { readonly kind: SequenceKind };
  readonly data: VoxelArray;
}

/** Whether a volume is part of the case's DWI (a plain case's volumes are its one image). */
export function isDwiVolume(v: { readonly sequence?: { readonly kind: SequenceKind } }): boolean {
  return v.sequence === undefined || v.sequence.kind === 'dwi';
}

/** The channels the case's other sequences give, by kind (the first volume of a kind wins). */
export function sequenceChannelImages(volumes: readonly SequenceVolume[]): Partial<Record<ChannelId, Float32Array>> {
  const images: Partial<Record<ChannelId, Float32Array>> = {};
  for (const v of volumes) {
    const id = v.sequence ? SEQUENCE_CHANNELS[v.sequence.kind] : undefined;
    if (!id || images[id]) continue;
    const data = Float32Array.from(v.data);
    if (id === 'adc') toMm2PerS(data);
    images[id] = data;
  }
  return images;
}

function toMm2PerS(adc: Float32Array): void {
  let max = -Infinity;
  for (const x of adc) if (Number.isFinite(x) && x > max) max = x;
  if (max <= ADC_MM2_PER_S_MAX) return;
  for (let i = 0; i < adc.length; i++) adc[i] *= 1e-6;
}
