/**
 * Channel sources from the volumes of a DWI series: the b≈0 image is the mean of the low-b volumes
 * (b ≤ 50 s/mm²; scanners often acquire b = 5 rather than 0, and repeat it), the high-b image is the
 * mean of the volumes at the highest b-value, which is the b used for an ADC. The demo model was
 * trained on exactly this (models/train/data.py: mean of the two b = 5 volumes, and b = 1500).
 */
import type { VoxelArray } from '../volume/types';
import type { ChannelSources } from './channels';

export const LOW_B_MAX = 50;

export interface DwiVolume {
  readonly bValue: number | null;
  readonly data: VoxelArray;
}

export function dwiChannelSources(volumes: readonly DwiVolume[], extra: ChannelSources['images'] = {}): ChannelSources {
  const withB = volumes.filter((v): v is DwiVolume & { bValue: number } => v.bValue !== null);
  if (withB.length === 0) throw new Error('DWI: no b-values are known for this series (a .bval file or DICOM b-value is needed)');
  const low = withB.filter((v) => v.bValue <= LOW_B_MAX);
  const bMax = Math.max(...withB.map((v) => v.bValue));
  const high = bMax > LOW_B_MAX ? withB.filter((v) => Math.round(v.bValue) === Math.round(bMax)) : [];
  const images: ChannelSources['images'] = { ...extra };
  if (low.length) images.dwi_b0 = meanOf(low.map((v) => v.data));
  if (high.length) images.dwi_b1000 = meanOf(high.map((v) => v.data));
  return { images, bValue: high.length ? bMax : undefined };
}

function meanOf(arrays: readonly VoxelArray[]): Float32Array {
  const n = arrays[0].length;
  const out = new Float32Array(n);
  for (const a of arrays) {
    if (a.length !== n) throw new Error('DWI: volumes of one series differ in size');
    for (let i = 0; i < n; i++) out[i] += a[i];
  }
  const inv = 1 / arrays.length;
  for (let i = 0; i < n; i++) out[i] *= inv;
  return out;
}
