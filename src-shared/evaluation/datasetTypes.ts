/**
 * The dataset dashboard's data model: one flat row per case for the chosen convention and
 * comparison, and the summary built from those rows. Rows are plain, structured-clone-able data so
 * the worker pool can stream them back and the exports can write them unchanged.
 *
 * Environment-free (no DOM, no Node): the dashboard, the exports and the bench share it.
 */
import type { ImageClass } from '../metrics/emptyCase';
import type { Stratum, StrataThresholds } from '../metrics/aggregate';
import type { ConventionName } from '../metrics/conventions/types';

/** Positive-class reliability bins of one case (10 bins [k/10, (k+1)/10), p = 1 in the last). */
export interface ReliabilityCounts {
  /** Voxels per bin. */
  readonly n: readonly number[];
  /** Σp per bin. */
  readonly sumP: readonly number[];
  /** Σy (reference voxels) per bin. */
  readonly sumY: readonly number[];
}

export interface DatasetCaseRow {
  readonly caseId: string;
  readonly caseName: string;
  readonly convention: ConventionName;
  /** Which comparison the metrics describe, e.g. "model vs majority". */
  readonly comparison: string;
  /**
   * Under a table with several certain labels: the label value the row describes ("1") or "mean"
   * (MetricsReloaded's mean over labels; its volumes are the labels' sum); null under the stroke table.
   */
  readonly label: string | null;
  /** Reference volume in ml of this comparison's reference (NaN when there is none). */
  readonly referenceVolumeMl: number;
  /**
   * The prediction's volume in ml; for the model its mask's, V_thr = #(p > t)·vv at the mask's own
   * t (`modelThreshold`), the mask the metrics describe (NaN without a model result).
   */
  readonly modelVolumeThrMl: number;
  /** The t of the model's mask when the prediction is the model (the saved result's threshold); null otherwise. */
  readonly modelThreshold: number | null;
  /** The model's expected volume V_exp = Σp·vv in ml (NaN without a probability map). */
  readonly modelVolumeExpMl: number;
  /**
   * Metric values by key (the CLI's names: dice, hd95_mm, surface_dice.2, lesions.f1 …). NaN is a
   * value (undefined for this case); a metric the convention does not define is absent.
   */
  readonly metrics: Readonly<Record<string, number>>;
  /** Dice of the model against each rater (NaN where undefined): the box plot's "model–rater". */
  readonly modelRaterDice: readonly number[];
  /** Dice of each rater pair: the box plot's "rater–rater". */
  readonly raterRaterDice: readonly number[];
  /** Reliability bin counts against this comparison's reference, when a probability map exists. */
  readonly reliability: ReliabilityCounts | null;
}

export interface MetricSummaryRow {
  readonly key: string;
  /** Cases with a finite (non-NaN) value. */
  readonly n: number;
  readonly nNan: number;
  readonly mean: number;
  readonly median: number;
  /** Seeded 95% percentile-bootstrap interval of the NaN-ignoring mean. */
  readonly meanCi: readonly [number, number];
  /** Seeded 95% percentile-bootstrap interval of the NaN-ignoring median. */
  readonly medianCi: readonly [number, number];
}

export interface DetectionSummary {
  /** A mask is "small" (no detection) when !(volume > thresholdMl); 0 means "empty". */
  readonly thresholdMl: number;
  readonly tp: number;
  readonly tn: number;
  readonly fp: number;
  readonly fn: number;
  readonly sensitivity: number;
  readonly specificity: number;
  readonly precision: number;
  /** ROC AUC with the model's thresholded volume as the score and V_ref > T as the label. */
  readonly auc: number;
  readonly classes: readonly (ImageClass | null)[];
}

export interface StratumSummary {
  readonly stratum: Stratum;
  readonly count: number;
  /** NaN-ignoring mean of each metric in this stratum. */
  readonly means: Readonly<Record<string, number>>;
}

export interface BlandAltman {
  /** Pairs with both values finite. */
  readonly n: number;
  /** Mean of (model − reference). */
  readonly bias: number;
  /** Sample standard deviation (n − 1) of the differences; NaN when n < 2. */
  readonly sd: number;
  /** bias ± 1.96·sd. */
  readonly loaLow: number;
  readonly loaHigh: number;
  readonly points: readonly { readonly caseId: string; readonly mean: number; readonly diff: number }[];
}

export interface ReliabilityBin {
  readonly lo: number;
  readonly hi: number;
  readonly count: number;
  /** Mean p in the bin (NaN when empty). */
  readonly confidence: number;
  /** Fraction of reference voxels in the bin (NaN when empty). */
  readonly frequency: number;
}

export interface ReliabilitySummary {
  /** Always 'positive-class' (Popordanoska, pooled over every case's voxels); a fraction. */
  readonly convention: 'positive-class';
  readonly bins: readonly ReliabilityBin[];
  readonly ece: number;
  readonly voxels: number;
  readonly cases: number;
}

export interface DatasetSummary {
  readonly convention: ConventionName;
  readonly comparison: string;
  /** The rows' label (DatasetCaseRow.label): a value, "mean", or null under the stroke table. */
  readonly label: string | null;
  readonly nCases: number;
  readonly bootstrap: { readonly method: 'percentile-bootstrap'; readonly level: number; readonly reps: number; readonly seed: number };
  readonly metrics: readonly MetricSummaryRow[];
  readonly detection: DetectionSummary;
  readonly strata: { readonly thresholdsMl: StrataThresholds; readonly rows: readonly StratumSummary[] };
  readonly volume: { readonly thresholded: BlandAltman; readonly expected: BlandAltman };
  readonly reliability: ReliabilitySummary | null;
}
