/**
 * Volumes in ml from probabilities and references (Bertels et al.; docs/metric-conventions.md):
 * expected volume Σp·vv (unbiased when the model is calibrated per image), thresholded volume
 * #(p > 0.5)·vv with a strict >, and their signed differences to a reference volume.
 */

/** `values`, when given, makes `prob` codes into it (p at voxel i is values[prob[i]]): the same sum as over the decoded map. */
export function expectedVolumeMl(prob: ArrayLike<number>, voxelMl: number, values?: Float32Array): number {
  let s = 0;
  for (let p = 0; p < prob.length; p++) s += values ? values[prob[p]] : prob[p];
  return s * voxelMl;
}

export function thresholdedVolumeMl(prob: ArrayLike<number>, voxelMl: number): number {
  let n = 0;
  for (let p = 0; p < prob.length; p++) if (prob[p] > 0.5) n++;
  return n * voxelMl;
}

export function maskVolumeMl(mask: Uint8Array, voxelMl: number): number {
  let n = 0;
  for (let p = 0; p < mask.length; p++) n += mask[p];
  return n * voxelMl;
}

export interface VolumeDifferences {
  readonly thrMinusRef: number;
  readonly expMinusRef: number;
  /** The volume-bias indicator for soft-Dice-trained models. */
  readonly thrMinusExp: number;
}

export function volumeDifferences(vThr: number, vExp: number, vRef: number): VolumeDifferences {
  return { thrMinusRef: vThr - vRef, expMinusRef: vExp - vRef, thrMinusExp: vThr - vExp };
}
