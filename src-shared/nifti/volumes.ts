/**
 * Splitting a 4D NIfTI into 3D Volumes (views, no copy), and reading FSL .bval files so that a DWI
 * becomes one volume per b-value.
 */
import { VolumeReadError } from '../volume/errors';
import { labelVolumes } from '../volume/bvalues';
import type { Volume, VoxelArray } from '../volume/types';
import type { NiftiImage } from './read';

export interface LabelledVolume {
  label: string;
  /** The b-value from the .bval file, null without one. */
  bValue: number | null;
  /** Position in the 4D file, 0-based. */
  index: number;
  volume: Volume;
}

/** Volume t (0-based) of the image, sharing its buffer. */
function volumeAt(image: NiftiImage, t: number): Volume {
  if (!(Number.isInteger(t) && t >= 0 && t < image.volumeCount)) {
    throw new RangeError(`volume ${t} out of range 0..${image.volumeCount - 1}`);
  }
  const n = image.header.voxelsPerVolume;
  const data = image.data.subarray(t * n, (t + 1) * n) as VoxelArray;
  return { geometry: image.geometry, data };
}

/** All volumes of the image, in file order. */
export function splitVolumes(image: NiftiImage): Volume[] {
  return Array.from({ length: image.volumeCount }, (_, t) => volumeAt(image, t));
}

/**
 * Parses an FSL .bval file: whitespace-separated numbers, one per volume (written as one row, or one
 * per line by some tools).
 */
export function parseBval(text: string, fileName = 'the .bval file'): number[] {
  const tokens = text.split(/\s+/).filter((t) => t.length > 0);
  const values = tokens.map(Number);
  const bad = values.findIndex((v) => !Number.isFinite(v) || v < 0);
  if (bad >= 0) {
    throw new VolumeReadError('corrupt-file', `${fileName} is not a b-value list: entry ${bad + 1} is "${tokens[bad]}".`);
  }
  return values;
}

/**
 * One labelled volume per 4D frame. With b-values (one per frame) the labels are "b=…"; without, or
 * when their count does not match (noted), "volume 1..n". A 3D image gives one volume labelled
 * `singleLabel`.
 */
export function splitByBValue(
  image: NiftiImage,
  bValues: readonly number[] | null,
  notes: string[],
  singleLabel = 'image',
): LabelledVolume[] {
  const volumes = splitVolumes(image);
  let bs: ReadonlyArray<number | null> = volumes.map(() => null);
  if (bValues) {
    if (bValues.length === volumes.length) bs = bValues;
    else notes.push(`The .bval file lists ${bValues.length} b-values but the image has ${volumes.length} volumes; b-values ignored.`);
  }
  const labels = volumes.length === 1 && bs[0] === null ? [singleLabel] : labelVolumes(bs);
  return volumes.map((volume, index) => ({ label: labels[index], bValue: bs[index], index, volume }));
}
