/**
 * A model's channel sources from an opened case's volumes, one rule for every place a model runs
 * (the renderer's worker, the server's native runner): a series with b-values gives the b≈0 and
 * high-b images (dwiSources.ts), a CT its one volume, and the case's other sequences (ADC, FLAIR…,
 * already on its grid) their channels by kind (sequenceSources.ts); anything else has no input a
 * model knows.
 */
import type { VoxelArray } from '../volume/types';
import type { ChannelSources } from './channels';
import { dwiChannelSources, type DwiVolume } from './dwiSources';
import { isDwiVolume, sequenceChannelImages, type SequenceVolume } from './sequenceSources';

export function caseChannelSources(modality: string, all: readonly (DwiVolume & SequenceVolume)[]): ChannelSources {
  const others = sequenceChannelImages(all);
  const volumes = all.filter(isDwiVolume);
  if (volumes.some((v) => v.bValue !== null)) return dwiChannelSources(volumes, others);
  if (modality === 'CT' && volumes.length > 0) return { images: { ...others, ct: asFloat32(volumes[0].data) } };
  if (Object.keys(others).length > 0) return { images: others };
  throw new Error('This case has no DWI b-values and is not a CT: the model has no input it knows.');
}

/** The channels as float32 (what the pipeline and a transfer to a worker want). */
export function asFloat32(a: VoxelArray): Float32Array {
  return a instanceof Float32Array ? a : Float32Array.from(a);
}
