/**
 * The per-case evaluation's input, options and result (issue 7). The input is one case's sources on
 * the reference grid: each human rater's newest submitted labelmap (or an explicit "no lesion"), and
 * the model's probability map (possibly missing). The result is plain data — numbers, strings,
 * arrays and plain objects, no typed arrays, no class instances — so it crosses postMessage with
 * structured clone and serialises to JSON for exports unchanged (NaN aside, which JSON has not).
 *
 * Environment-free: used by the metrics worker, the dataset dashboard's worker pool and tests.
 */
import type { EceSet } from '../metrics/calibration';
import type { ImageClass } from '../metrics/emptyCase';
import type { ConventionName, ConventionResult } from '../metrics/conventions/types';
import type { AllConventionsLabelResults } from '../metrics/conventions/labels';
import type { UncertainAs } from '../project/labels';
import type { ReliabilityCounts } from './datasetTypes';
import type { Geometry } from '../volume/types';

export type { ConventionName, ConventionResult, UncertainAs };

/** One human rater's newest submitted answer. */
export interface RaterSource {
  /** The rater's id (stable across calls: it keys the incremental cache together with `key`). */
  readonly id: string;
  readonly name: string;
  /** Labelmap 0 background / 1 lesion / 2 uncertain on the reference grid; null = the explicit "no lesion" answer. */
  readonly labelmap: Uint8Array | null;
  /** Changes whenever the labelmap does (the versionId, or versionId + an edit counter for live edits). */
  readonly key: string;
}

/**
 * Probabilities as codes into a table of their values, p at voxel i = values[codes[i]]: a stored map
 * as it is stored, q = round(255 p) with values[q] = q / 255 (float32), so a 512×512×300 map costs
 * 75 MiB instead of a 300 MiB Float32 copy, and the metrics read the same p as from that copy.
 */
export interface CodedProbability {
  readonly codes: Uint8Array;
  readonly values: Float32Array;
}

/** The model's result for the case. */
export interface ModelSource {
  readonly id: string;
  readonly name: string;
  /** p in [0, 1] per voxel (label 1 of a sigmoid model); null when the model has no result for this case. */
  readonly probability: Float32Array | CodedProbability | null;
  /** Changes whenever the probability map does (the result's versionId). */
  readonly key: string;
  /** The t of the model's mask p > t (strict): the threshold the saved result was made at (0.5 for an unsaved map). */
  readonly threshold: number;
  /**
   * The mask saved with the result (nonzero = lesion), made from the float map at `threshold`. When
   * given it is the model's mask everywhere — one name, one mask — because p > t of the quantised
   * map (p = q/255) can move a voxel within 1/510 of t across it. Without it the mask is p > t.
   */
  readonly savedMask?: Uint8Array;
  /**
   * Σp · voxel volume (ml) of the model's float map, as saved with the result. The stored map is
   * quantised to p × 255, which rounds every p < 1/510 to 0; over a whole head those tiny
   * probabilities add up (≈ 1 ml on a demo case), so V_exp from the quantised map would be biased
   * low — the very bias the indicator is there to show. When given, V_exp is this value.
   */
  readonly expectedMl?: number;
}

export interface CaseSourcesInput {
  /** The reference grid every source lies on (origin and direction place lesion centroids in LPS mm). */
  readonly geometry: Geometry;
  readonly raters: readonly RaterSource[];
  /** No model at all (no row, no column); `probability: null` keeps the model listed as "no result". */
  readonly model: ModelSource | null;
}

export interface EvaluationOptions {
  /** The conventions to compute; the panel asks for all three so switching is instant. */
  readonly conventions: readonly ConventionName[];
  /** USE-Evaluator's small threshold T in ml; without it, small means empty (and there is no image class). */
  readonly useThresholdMl?: number;
  /** Surface Dice (USE, surfel areas) and NSD (MetricsReloaded, border voxels) tolerances in mm; default per convention. */
  readonly surfaceTolerancesMm?: readonly number[];
  /**
   * How an uncertain voxel (label 2) counts. A single rater's binary mask: `lesion` → 1,
   * `background` and `half` → 0 (half a vote is not a lesion). Consensus (majority, soft, leave-one-out)
   * weighs it 1, 0 or 0.5 (src-shared/project/consensus.ts voteWeights).
   */
  readonly uncertainAs: UncertainAs;
  /**
   * The labels to evaluate one by one (labelsEvaluated of the project's table), for a table with
   * several certain labels; absent under the stroke table. Each comparison then also gets `perLabel`.
   */
  readonly labels?: readonly number[];
}

/** Which two sources a comparison is between. Ids: a rater id, the model id, 'majority', 'loo:<raterId>'. */
export type ComparisonKind = 'model-rater' | 'model-majority' | 'rater-loo' | 'rater-rater';

/** What the empty-case rules look at: volumes, emptiness and, with T, USE's small flags and image-level class. */
export interface EmptyCaseInfo {
  readonly refVoxels: number;
  readonly predVoxels: number;
  readonly refMl: number;
  readonly predMl: number;
  readonly refEmpty: boolean;
  readonly predEmpty: boolean;
  /** USE's T in ml, or null (then small = empty and there is no class). */
  readonly thresholdMl: number | null;
  /** USE's rule: !(volume > T), or empty without T. */
  readonly refSmall: boolean;
  readonly predSmall: boolean;
  readonly imageClass: ImageClass | null;
}

export interface Comparison {
  readonly kind: ComparisonKind;
  /** Source ids; the reference is R and the prediction P in every formula. */
  readonly referenceId: string;
  readonly predictionId: string;
  readonly referenceLabel: string;
  readonly predictionLabel: string;
  readonly emptyCase: EmptyCaseInfo;
  /** One result per requested convention: the metrics engine's own record (src-shared/metrics/conventions). */
  readonly results: Partial<Record<ConventionName, ConventionResult>>;
  /**
   * With EvaluationOptions.labels: each label's results in all three conventions and their mean over
   * labels (evaluateLabels), the label maps compared being the raters' own values, the multi-label
   * majority and the model's saved mask (or p > t as value 1).
   */
  readonly perLabel?: AllConventionsLabelResults;
}

/** Model vs the soft reference: the Dice semimetric (JDTLosses), never the product soft Dice. */
export interface SoftComparison {
  readonly referenceId: 'soft';
  readonly predictionId: string;
  readonly measure: 'dice-semimetric';
  /** (Σx + Σy − Σ|x−y|) / (Σx + Σy); NaN when both are all zero. */
  readonly diceDml: number;
}

export interface CaseVolumes {
  readonly unit: 'ml';
  readonly raters: ReadonlyArray<{ readonly id: string; readonly name: string; readonly ml: number }>;
  /** null without raters. */
  readonly majorityMl: number | null;
  /** V_soft = Σ(mean rater vote)·vv; null without raters. */
  readonly softMl: number | null;
  readonly model: {
    /** V_thr = the model mask's volume, #(p > t)·vv with the mask's own t (ModelSource.threshold), strict. */
    readonly thresholdedMl: number;
    /** V_exp = Σp·vv. */
    readonly expectedMl: number;
    /** V_thr − V_exp: the volume-bias indicator for soft-Dice-trained models. */
    readonly thrMinusExpMl: number;
  } | null;
  /** Signed gaps of the model to each consensus reference (null when either side is missing). */
  readonly gaps: {
    readonly thrMinusMajorityMl: number | null;
    readonly expMinusMajorityMl: number | null;
    readonly thrMinusSoftMl: number | null;
    readonly expMinusSoftMl: number | null;
  };
}

export interface LesionTableRow {
  /** 1-based component id of the reference (26-connected, raster order of first voxel). */
  readonly id: number;
  readonly voxels: number;
  readonly volumeMl: number;
  /** Mean voxel index (i, j, k). */
  readonly centroidVoxel: readonly [number, number, number];
  /** The same point in LPS mm. */
  readonly centroidLps: readonly [number, number, number];
  /**
   * The voxel nearest the centroid (indices rounded) and its centre in LPS mm: where "jump to" puts
   * the viewports, since slice planes between voxel centres leave the editing tools nothing to paint.
   */
  readonly nearestVoxel: readonly [number, number, number];
  readonly nearestVoxelLps: readonly [number, number, number];
  /** Sources (model id, rater ids) with at least one voxel in this lesion (ISLES'22's any-overlap). */
  readonly detectedBy: readonly string[];
  /** Per source: the best IoU of one of its components with this lesion (0 when none overlaps). */
  readonly bestIou: Readonly<Record<string, number>>;
}

export interface LesionTable {
  /** The reference whose lesions are listed: the raters' majority, or the model's own mask without raters. */
  readonly referenceId: string;
  readonly connectivity: 26;
  readonly rows: readonly LesionTableRow[];
}

/**
 * One label of a table with several certain labels (EvaluationOptions.labels): every source's
 * voxels of that value, counted and split into lesions. The reference is the multi-label majority.
 */
export interface LabelBreakdown {
  readonly label: number;
  readonly volumes: {
    /** Voxels of this value × vv per rater (an uncertain voxel is no label's: it is not a class). */
    readonly raters: ReadonlyArray<{ readonly id: string; readonly name: string; readonly ml: number }>;
    /** The multi-label majority's voxels of this value; null without raters. */
    readonly majorityMl: number | null;
    /** V_soft of this label: Σ labelSoftConsensus · vv, i.e. the mean of the raters' volumes of it; null without raters. */
    readonly softMl: number | null;
    /** The model mask's voxels of this value (a sigmoid model's mask is all label 1); null without a result. */
    readonly modelMl: number | null;
  };
  /** The majority's components of this value (the model's without raters), detected by each source's voxels of it. */
  readonly lesions: LesionTable | null;
}

export interface CalibrationSummary {
  readonly reference: 'majority';
  readonly region: 'whole image';
  readonly ece: EceSet;
  /** Mean (p − y)² over the region. */
  readonly brier: number;
  /** Positive-class bins ([k/10, (k+1)/10), p = 1 in the last) of p against the majority: n, Σp, Σy per bin, for pooled reliability diagrams. */
  readonly reliability: ReliabilityCounts;
}

export interface CaseEvaluation {
  /** Echo of what was computed, so a cached or exported result names its own settings. */
  readonly options: {
    readonly conventions: readonly ConventionName[];
    readonly useThresholdMl: number | null;
    readonly surfaceTolerancesMm: readonly number[] | null;
    readonly uncertainAs: UncertainAs;
  };
  readonly dims: [number, number, number];
  readonly spacingMm: [number, number, number];
  readonly raters: ReadonlyArray<{ readonly id: string; readonly name: string; readonly noLesion: boolean }>;
  /**
   * null: no model; `hasResult: false`: the model exists but has no result for this case. `threshold`
   * is the t of the mask every comparison, V_thr and the lesion table use; `mask` says whether that
   * mask is the one saved with the result or p > t of the map.
   */
  readonly model: {
    readonly id: string;
    readonly name: string;
    readonly hasResult: boolean;
    readonly threshold: number;
    readonly mask: 'saved' | 'thresholded';
  } | null;
  readonly comparisons: readonly Comparison[];
  readonly soft: SoftComparison | null;
  readonly volumes: CaseVolumes;
  readonly lesions: LesionTable | null;
  /** With EvaluationOptions.labels: volumes and lesions per label, in the options' order. */
  readonly labels?: readonly LabelBreakdown[];
  readonly calibration: CalibrationSummary | null;
  /** How many comparisons were computed anew (the rest came from the cache) and how long it took. */
  readonly computed: { readonly comparisons: number; readonly cached: number; readonly ms: number };
}
