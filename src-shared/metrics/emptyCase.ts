/**
 * The image-level ("empty-case") class of USE-Evaluator (UncertainSmallEmpty metrics.py: detection,
 * detection_tp/tn/fp/fn, ConfusionMatrix.compute). With a threshold T in ml a mask is small when
 * !(volume > T), so volume == T is small; without T, small means empty.
 */
import type { Confusion } from './overlap';

export type ImageClass = 'TP' | 'TN' | 'FP' | 'FN';

export interface SmallFlags {
  readonly refSmall: boolean;
  readonly predSmall: boolean;
}

/** `voxelMm3` is s0·s1·s2; volumes are formed as USE does: voxels × voxelMm3 × 0.001. */
export function smallFlags(c: Confusion, voxelMm3: number, thresholdMl?: number): SmallFlags {
  if (thresholdMl === undefined) return { refSmall: c.nRef === 0, predSmall: c.nPred === 0 };
  const vRef = c.nRef * voxelMm3 * 0.001;
  const vPred = c.nPred * voxelMm3 * 0.001;
  return { refSmall: !(vRef > thresholdMl), predSmall: !(vPred > thresholdMl) };
}

export function imageClass(f: SmallFlags): ImageClass {
  if (f.refSmall) return f.predSmall ? 'TN' : 'FP';
  return f.predSmall ? 'FN' : 'TP';
}

/** Correct classification rate of one case: 1 for TP/TN, 0 for FP/FN. */
export function ccr(cls: ImageClass): number {
  return cls === 'TP' || cls === 'TN' ? 1 : 0;
}
