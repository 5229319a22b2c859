/**
 * Inference state (issue 5): the models found, the one picked, the run's phase and progress, the EP
 * that ran and why, stage times, and for a finished result the threshold, the map shown and the
 * volumes, and with several classes the one whose maps are shown. The result's arrays stay in the inference controller (inferenceController.ts; not in a frozen
 * snapshot). Changed only through that controller.
 */
import type { ModelEntry } from '../../src-shared/api/inferenceChannels';
import type { ExecutionProvider, InferenceProgress, LabelVolume, StageTimings } from '../../src-shared/inference';
import type { ColourScale } from '../viewer/mapScales';

export type InferencePhase = 'idle' | 'loading' | 'running' | 'cancelling' | 'done' | 'cancelled' | 'error';
export type InferenceDisplay = 'probability' | 'entropy' | 'mutualInformation';

export interface InferenceState {
  readonly models: readonly ModelEntry[];
  readonly userModelsDir: string | null;
  readonly selectedKey: string | null;
  readonly phase: InferencePhase;
  readonly progress: InferenceProgress | null;
  readonly message: string | null;
  /** The provider that ran (or runs) the model, and why it and not the preferred one. */
  readonly ep: ExecutionProvider | null;
  readonly fallbackReason: string | null;
  /** On WebGPU: precision and why, graph capture, GPU accumulation (the worker's sentence); else null. */
  readonly webgpuDetail: string | null;
  readonly timings: StageTimings | null;
  /** The case the shown result belongs to. */
  readonly resultCaseId: string | null;
  readonly hasMutualInformation: boolean;
  readonly display: InferenceDisplay;
  /**
   * Which foreground class's maps and volumes are shown (issue 14): an index into `volumes`
   * (softmax: class shownClass + 1; sigmoid: label shownClass). Always 0 with one foreground label.
   */
  readonly shownClass: number;
  /** The colour scale of the map shown (its colour bar). */
  readonly mapScale: ColourScale | null;
  readonly threshold: number;
  readonly volumes: readonly LabelVolume[] | null;
  /** Saving the shown result as its model's rater (inferenceSave.ts). */
  readonly saving: boolean;
  /** The last save of this result: which rater, which version, at which threshold; or why it failed. */
  readonly saved: { readonly raterName: string; readonly versionId: string; readonly threshold: number } | null;
  readonly saveError: string | null;
}

export const initialInferenceState: InferenceState = {
  models: [],
  userModelsDir: null,
  selectedKey: null,
  phase: 'idle',
  progress: null,
  message: null,
  ep: null,
  fallbackReason: null,
  webgpuDetail: null,
  timings: null,
  resultCaseId: null,
  hasMutualInformation: false,
  display: 'probability',
  shownClass: 0,
  mapScale: null,
  threshold: 0.5,
  volumes: null,
  saving: false,
  saved: null,
  saveError: null,
};
