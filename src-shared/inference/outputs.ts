/**
 * Masks and volumes from probability maps, at the default threshold or one the user picks. The
 * expected volume Σp·voxel is reported next to the thresholded one because models trained with a
 * soft Dice loss bias the thresholded volume.
 */
import type { Vec3 } from '../volume/types';

export interface LabelVolume {
  readonly label: string;
  /** Σ p × voxel volume. */
  readonly expectedMl: number;
  /** Voxels carrying this label in the mask × voxel volume. */
  readonly maskMl: number;
}

/**
 * sigmoid: the 1-based index of the most probable label whose p is strictly above `threshold`
 * (p = threshold stays background), else 0. softmax: the argmax class (0 = background), and
 * background where that class's p is at or below `threshold` (issue 14: one threshold for every
 * class). With two classes the argmax already has p ≥ ½, so a threshold up to ½ changes nothing;
 * threshold 0 is the plain argmax.
 */
export function labelMask(probabilities: readonly Float32Array[], activation: 'sigmoid' | 'softmax', threshold = 0.5): Uint8Array {
  const n = probabilities[0].length;
  const mask = new Uint8Array(n);
  for (let v = 0; v < n; v++) {
    let best = activation === 'sigmoid' ? threshold : -1;
    let label = 0;
    for (let c = 0; c < probabilities.length; c++) {
      const p = probabilities[c][v];
      if (p > best) {
        best = p;
        label = activation === 'sigmoid' ? c + 1 : c;
      }
    }
    mask[v] = activation === 'softmax' && best <= threshold ? 0 : label;
  }
  return mask;
}

/** Per label (softmax: without the background), the expected and the thresholded volume. */
export function labelVolumes(
  probabilities: readonly Float32Array[],
  mask: Uint8Array,
  labels: readonly string[],
  activation: 'sigmoid' | 'softmax',
  spacingMm: Vec3,
): LabelVolume[] {
  const voxelMl = (spacingMm[0] * spacingMm[1] * spacingMm[2]) / 1000;
  const out: LabelVolume[] = [];
  labels.forEach((label, c) => {
    if (activation === 'softmax' && c === 0) return;
    const p = probabilities[c];
    const code = activation === 'sigmoid' ? c + 1 : c;
    let sum = 0;
    let count = 0;
    for (let v = 0; v < mask.length; v++) {
      sum += p[v];
      if (mask[v] === code) count++;
    }
    out.push({ label, expectedMl: sum * voxelMl, maskMl: count * voxelMl });
  });
  return out;
}
