/**
 * The per-case metrics panel's state (issue 7): its settings (convention shown, USE threshold,
 * surface tolerances, uncertain-voxel rule, matrix measure, label shown), whether it is expanded, and the worker's
 * last result with its status. Changed only by controllers/evaluationController.ts.
 */
import type { CaseEvaluation, ConventionName, UncertainAs } from '../../src-shared/evaluation/types';
import { DEFAULT_UNCERTAIN_AS, DEFAULT_USE_THRESHOLD_ML } from '../../src-shared/evaluation/defaults';

export interface EvaluationSettings {
  /** The convention whose numbers are shown (all three are computed, so switching is instant). */
  readonly convention: ConventionName;
  /** USE's T in ml; null: small means empty (no image-level class). */
  readonly useThresholdMl: number | null;
  /** Surface Dice / NSD tolerances in mm; empty: each convention's default (USE 2, 5, 10; MetricsReloaded 1). */
  readonly tolerancesMm: readonly number[];
  readonly uncertainAs: UncertainAs;
  /** The source matrix's measure: the convention's Dice, or its surface measure at the first tolerance. */
  readonly matrixMetric: 'dice' | 'nsd';
  /**
   * Under a table with several certain labels, the label the matrix, volumes and lesion table show,
   * or 'all' (every label's volumes and lesions, the matrix's mean over labels); null: the first
   * certain label. Every label is computed, so switching is instant.
   */
  readonly label: LabelChoice | null;
}

export type LabelChoice = number | 'all';

/** The choice in force for these evaluated labels: a label no longer in the table falls back to the first. */
export function shownLabel(choice: LabelChoice | null, labels: readonly number[]): LabelChoice {
  return choice === 'all' || (choice !== null && labels.includes(choice)) ? choice : labels[0];
}

export type EvaluationStatus = 'idle' | 'loading' | 'computing' | 'ready' | 'error';

export interface EvaluationState {
  readonly expanded: boolean;
  readonly settings: EvaluationSettings;
  readonly status: EvaluationStatus;
  /** The case the result belongs to. */
  readonly caseId: string | null;
  readonly result: CaseEvaluation | null;
  readonly error: string | null;
  /** Raters listed without a labelmap (only a draft), and the live edit in use, for the panel's notes. */
  readonly notes: readonly string[];
  /** How many recomputes ran (e2e and the "computing…" state watch it). */
  readonly runs: number;
}

export const initialEvaluationState: EvaluationState = {
  expanded: true,
  settings: {
    convention: 'use',
    useThresholdMl: DEFAULT_USE_THRESHOLD_ML,
    tolerancesMm: [],
    uncertainAs: DEFAULT_UNCERTAIN_AS,
    matrixMetric: 'dice',
    label: null,
  },
  status: 'idle',
  caseId: null,
  result: null,
  error: null,
  notes: [],
  runs: 0,
};
