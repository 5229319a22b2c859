/**
 * The per-case input and the per-convention result. Result keys are the `evaluate` CLI's output
 * contract (snake_case), so the CLI, the app and exports all show the same named numbers.
 */
import type { Dims3, Spacing3 } from '../grid';
import type { ImageClass } from '../emptyCase';
import type { EceSet } from '../calibration';
import type { LesionCounts } from '../lesions';

export type ConventionName = 'use' | 'isles22' | 'metricsreloaded';
export const CONVENTIONS: readonly ConventionName[] = ['use', 'isles22', 'metricsreloaded'];

export interface CaseInput {
  /** 0/1 masks, i fastest. */
  readonly ref: Uint8Array;
  readonly pred: Uint8Array;
  readonly dims: Dims3;
  readonly spacing: Spacing3;
  /** USE small threshold T in ml; without it, small means empty. */
  readonly thresholdMl?: number;
  /** Surface Dice / NSD tolerances in mm; defaults per convention (USE 2,5,10; MetricsReloaded 1). */
  readonly tolerancesMm?: readonly number[];
  /** Model probabilities in [0,1] for the soft block. */
  readonly prob?: ArrayLike<number>;
  /** Binary rater masks for the soft reference and the raters block. */
  readonly raters?: readonly Uint8Array[];
  /** Region for ECE, Brier and Fleiss' kappa (0/1 mask); whole image when omitted. */
  readonly region?: Uint8Array;
}

export interface SoftBlock {
  readonly dice_dml_vs_soft: number | null;
  readonly dice_dml_vs_majority: number;
  readonly volume_expected_ml: number;
  readonly volume_thresholded_ml: number;
  readonly volume_soft_ref_ml: number | null;
  readonly ece_vs_majority: EceSet;
  readonly brier_vs_majority: number;
}

export interface RatersBlock {
  readonly n: number;
  readonly volumes_ml: number[];
  readonly pairwise_dice: number[][];
  readonly loo_dice: number[];
  readonly fleiss_kappa: number;
  readonly use_entropy: number;
}

export interface ConventionResult {
  readonly convention: ConventionName;
  readonly shape: [number, number, number];
  readonly spacing_mm: [number, number, number];
  readonly dice: number | null;
  readonly jaccard: number | null;
  readonly precision: number | null;
  readonly recall: number | null;
  readonly volumetric_similarity: number | null;
  readonly hd_mm: number | null;
  readonly hd95_mm: number | null;
  readonly assd_mm: number | null;
  readonly masd_mm: number | null;
  readonly surface_dice: Record<string, number> | null;
  readonly volume_ref_ml: number;
  readonly volume_pred_ml: number;
  readonly abs_volume_diff_ml: number | null;
  readonly image_class: ImageClass | null;
  readonly ccr: number | null;
  readonly lesions: LesionCounts | null;
  readonly soft?: SoftBlock;
  readonly raters?: RatersBlock;
}

/** Tolerance keys are plain numbers: "1", "2", "0.5". */
export function toleranceKey(t: number): string {
  return String(t);
}
