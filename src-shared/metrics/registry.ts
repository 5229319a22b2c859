/**
 * The metric registry: every number a convention reports, with its unit, the conventions that
 * define it, and per convention its name, its definition (worded as in the shared conventions
 * document, metric-conventions.md) and its computation. The result object of every convention
 * (conventions/index.ts), the per-case panel's rows, the dashboard's column names and the CLI's
 * JSON/CSV keys are all read from here, so a metric's definition cannot drift from its computation.
 *
 * A computation reads the case's shared blocks from the CaseContext (counts, border distances,
 * surfels, lesions), which computes each block at most once and only when a metric asks for it.
 */
import { ccr, imageClass } from './emptyCase';
import { islesLesionCounts, mrLesionCounts, type LesionCounts } from './lesions';
import {
  islesDice,
  mrDice,
  mrIou,
  mrPrecision,
  mrRecall,
  useDice,
  useJaccard,
  usePrecision,
  useRecall,
  useVolumetricSimilarity,
} from './overlap';
import { surfaceDiceAt } from './surfaceDice';
import { hausdorff, hd95MaxDirected, hd95Pooled, meanOfDirectedMeans, nsdCounts, pooledMean } from './surfaceDistance';
import type { ConventionCase } from './conventions/conventionCase';
import { type ConventionName, type ConventionResult, toleranceKey } from './conventions/types';

/** '' for ratios and for the image-level class (a word, not a number). */
export type MetricUnit = '' | 'mm' | 'ml' | 'lesions';

/** The metric fields of a convention's result, in the result's (and the CLI's) key order. */
type MetricValues = Omit<ConventionResult, 'convention' | 'shape' | 'spacing_mm' | 'soft' | 'raters'>;
export type MetricId = keyof MetricValues;
/** The metrics that are one number (or one word) per case. */
type ScalarId = Exclude<MetricId, 'surface_dice' | 'lesions'>;

/** One convention's version of a metric. Label and definition take the tolerance for per-tolerance metrics. */
interface Variant<V, Text> {
  readonly label: Text;
  readonly definition: Text;
  readonly compute: (cc: ConventionCase) => V;
}

type PerConvention<V, Text> = Readonly<Partial<Record<ConventionName, Variant<V, Text>>>>;

/** One number per case. */
interface ScalarMetric<K extends ScalarId> {
  readonly kind: 'scalar';
  readonly id: K;
  readonly unit: MetricUnit;
  readonly conventions: PerConvention<MetricValues[K], string>;
}

/** One number per surface tolerance τ, keyed by toleranceKey(τ). */
interface ToleranceMetric {
  readonly kind: 'per-tolerance';
  readonly id: 'surface_dice';
  readonly unit: MetricUnit;
  readonly conventions: PerConvention<Record<string, number>, (tolerance: string) => string>;
}

/** A lesion count the result's `lesions` record holds; `panelId` names it in the panel and its tests. */
interface LesionPart {
  readonly key: Exclude<keyof LesionCounts, 'connectivity' | 'matching'>;
  readonly panelId: string;
  readonly unit: MetricUnit;
  readonly label: string;
  /** The convention's wording where it has one, else the shared one. */
  readonly definition: Readonly<Partial<Record<ConventionName, string>>> & { readonly any: string };
}

/** The lesion detection record: the conventions differ in matching, the parts are the same counts. */
interface LesionMetric {
  readonly kind: 'lesions';
  readonly id: 'lesions';
  readonly unit: MetricUnit;
  readonly parts: readonly LesionPart[];
  readonly conventions: Readonly<Partial<Record<ConventionName, { readonly compute: (cc: ConventionCase) => LesionCounts }>>>;
}

export type MetricDef = { [K in ScalarId]: ScalarMetric<K> }[ScalarId] | ToleranceMetric | LesionMetric;

// Typed per key, so a computation that returns the wrong kind of value does not compile.
const scalar = <K extends ScalarId>(m: Omit<ScalarMetric<K>, 'kind'>): ScalarMetric<K> => ({ kind: 'scalar', ...m });

const USE_SMALL =
  'NaN when either mask is small: with T, a mask is small when !(volume > T) (volume = T is small); without T, small means empty.';
const USE_BORDER =
  'Border voxels: foreground with at least one background face neighbour (the array edge counts as background); distances between voxel centres, in mm.';
const MR_EMPTY_DIST = '0 when both masks are empty, NaN when one is.';
const MR_BORDER = 'Border = mask minus its erosion by the 6-neighbourhood cross; distances use the spacing.';

/** A distance under the convention's empty rule: the rule's value without a surface pair, else measured. */
function distance(cc: ConventionCase, measure: (cc: ConventionCase) => number): number {
  return cc.noSurface ? cc.noSurface.distanceMm : measure(cc);
}

function perTolerance(cc: ConventionCase, at: (tolerance: number) => number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const t of cc.tolerancesMm) out[toleranceKey(t)] = cc.noSurface ? cc.noSurface.surfaceDice : at(t);
  return out;
}

const volume = (side: 'nRef' | 'nPred') => (cc: ConventionCase) => cc.ctx.ml(cc.ctx.confusion[side]);

/** In result key order (ConventionResult); the panel's order is each convention's own (conventions/specs.ts). */
export const METRICS: readonly MetricDef[] = [
  scalar({
    id: 'dice',
    unit: '',
    conventions: {
      use: {
        label: 'Dice',
        definition: `USE-Evaluator Dice = 2TP/(2TP+FP+FN+1e-8). ${USE_SMALL}`,
        compute: (cc) => useDice(cc.ctx.confusion, cc.small.refSmall, cc.small.predSmall),
      },
      isles22: {
        label: 'Dice',
        definition: "ISLES'22 Dice = 2|P∩R|/(|P|+|R|), masks binarised (nonzero = lesion). Both empty: 1. One empty: 0.",
        compute: (cc) => islesDice(cc.ctx.confusion),
      },
      metricsreloaded: {
        label: 'DSC',
        definition: 'MetricsReloaded dsc = 2TP/(|P|+|R|). Both empty: 1. One empty: 0.',
        compute: (cc) => mrDice(cc.ctx.confusion),
      },
    },
  }),
  scalar({
    id: 'jaccard',
    unit: '',
    conventions: {
      use: {
        label: 'Jaccard',
        definition: `USE-Evaluator Jaccard = TP/(TP+FP+FN+1e-8). ${USE_SMALL}`,
        compute: (cc) => useJaccard(cc.ctx.confusion, cc.small.refSmall, cc.small.predSmall),
      },
      metricsreloaded: {
        label: 'IoU',
        definition: 'MetricsReloaded iou = TP/|P∪R|. Both empty: NaN. One empty: 0.',
        compute: (cc) => mrIou(cc.ctx.confusion),
      },
    },
  }),
  scalar({
    id: 'precision',
    unit: '',
    conventions: {
      use: {
        label: 'Precision',
        definition: `USE-Evaluator precision = TP/(TP+FP+1e-8). ${USE_SMALL}`,
        compute: (cc) => usePrecision(cc.ctx.confusion, cc.small.refSmall, cc.small.predSmall),
      },
      metricsreloaded: {
        label: 'PPV',
        definition: 'MetricsReloaded positive predictive value = TP/|P|. NaN when both are empty, 0 when only the prediction is empty.',
        compute: (cc) => mrPrecision(cc.ctx.confusion),
      },
    },
  }),
  scalar({
    id: 'recall',
    unit: '',
    conventions: {
      use: {
        label: 'Recall',
        definition: `USE-Evaluator recall = TP/(TP+FN+1e-8). ${USE_SMALL}`,
        compute: (cc) => useRecall(cc.ctx.confusion, cc.small.refSmall, cc.small.predSmall),
      },
      metricsreloaded: {
        label: 'Recall',
        definition: 'MetricsReloaded recall = TP/|R|. NaN when the reference is empty, 0 when only the prediction is empty.',
        compute: (cc) => mrRecall(cc.ctx.confusion),
      },
    },
  }),
  scalar({
    id: 'volumetric_similarity',
    unit: '',
    conventions: {
      use: {
        label: 'Volumetric similarity',
        definition:
          'USE-Evaluator VS = 1 − |FN−FP|/(2TP+FP+FN+1e-8). NaN rule refSmall XOR (refSmall AND testSmall): both small gives a value (1 when both are empty).',
        compute: (cc) => useVolumetricSimilarity(cc.ctx.confusion, cc.small.refSmall, cc.small.predSmall),
      },
    },
  }),
  scalar({
    id: 'hd_mm',
    unit: 'mm',
    conventions: {
      use: {
        label: 'HD',
        definition: `USE-Evaluator HD = the maximum of both directed maxima. ${USE_BORDER} ${USE_SMALL}`,
        compute: (cc) => distance(cc, (c) => hausdorff(c.ctx.borderDistances)),
      },
      metricsreloaded: {
        label: 'HD',
        definition: `MetricsReloaded hd = the maximum of the directed maxima. ${MR_BORDER} ${MR_EMPTY_DIST}`,
        compute: (cc) => distance(cc, (c) => hausdorff(c.ctx.borderDistances)),
      },
    },
  }),
  scalar({
    id: 'hd95_mm',
    unit: 'mm',
    conventions: {
      use: {
        label: 'HD95',
        definition: `USE-Evaluator HD95 = the 95th percentile (numpy linear interpolation) of the pooled distances P→R and R→P. ${USE_BORDER} ${USE_SMALL}`,
        compute: (cc) => distance(cc, (c) => hd95Pooled(c.ctx.borderDistances)),
      },
      metricsreloaded: {
        label: 'HD95',
        definition: `MetricsReloaded hd_perc = max(p95(d(P→R)), p95(d(R→P))): the maximum of the two directed percentiles, not pooled. ${MR_BORDER} ${MR_EMPTY_DIST}`,
        compute: (cc) => distance(cc, (c) => hd95MaxDirected(c.ctx.borderDistances)),
      },
    },
  }),
  scalar({
    id: 'assd_mm',
    unit: 'mm',
    conventions: {
      use: {
        label: 'ASSD',
        definition: `USE-Evaluator ASSD = the mean of the two directed means, (mean d(P→R) + mean d(R→P))/2. ${USE_BORDER} ${USE_SMALL}`,
        compute: (cc) => distance(cc, (c) => meanOfDirectedMeans(c.ctx.borderDistances)),
      },
      metricsreloaded: {
        label: 'ASSD',
        definition: `MetricsReloaded assd = the pooled mean of all border distances in both directions. ${MR_BORDER} ${MR_EMPTY_DIST}`,
        compute: (cc) => distance(cc, (c) => pooledMean(c.ctx.borderDistances)),
      },
    },
  }),
  scalar({
    id: 'masd_mm',
    unit: 'mm',
    conventions: {
      metricsreloaded: {
        label: 'MASD',
        definition: `MetricsReloaded masd = the mean of the two directed means. ${MR_BORDER} ${MR_EMPTY_DIST}`,
        compute: (cc) => distance(cc, (c) => meanOfDirectedMeans(c.ctx.borderDistances)),
      },
    },
  }),
  {
    kind: 'per-tolerance',
    id: 'surface_dice',
    unit: '',
    conventions: {
      use: {
        label: (t) => `Surface Dice @ ${t} mm`,
        definition: (t) =>
          `USE-Evaluator surface Dice at τ = ${t} mm (DeepMind surfel method): surfels on the voxel-corner lattice with marching-cubes areas scaled by the spacing; SD = (Σ area_R[d(R→P) ≤ τ] + Σ area_P[d(P→R) ≤ τ]) / (Σ area_R + Σ area_P). ${USE_SMALL}`,
        compute: (cc) => perTolerance(cc, (t) => surfaceDiceAt(cc.ctx.surfelDistances, t)),
      },
      metricsreloaded: {
        label: (t) => `NSD @ ${t} mm`,
        definition: (t) =>
          `MetricsReloaded nsd(τ = ${t} mm) = (#border-P within τ of border-R + #border-R within τ of border-P) / (#border-P + #border-R); counts voxels, not surfel areas. Both empty: 1. One empty: 0.`,
        compute: (cc) => perTolerance(cc, (t) => nsdCounts(cc.ctx.borderDistances, t)),
      },
    },
  },
  scalar({
    id: 'volume_ref_ml',
    unit: 'ml',
    conventions: everyConvention({ label: 'V_R', definition: 'Volume of the reference mask in ml', compute: volume('nRef') }),
  }),
  scalar({
    id: 'volume_pred_ml',
    unit: 'ml',
    conventions: everyConvention({ label: 'V_P', definition: 'Volume of the prediction mask in ml', compute: volume('nPred') }),
  }),
  scalar({
    id: 'abs_volume_diff_ml',
    unit: 'ml',
    conventions: {
      use: {
        label: '|V_R − V_P|',
        definition: 'USE-Evaluator absolute volume difference |V_R − V_P| in ml; NaN only when both masks are small.',
        // |(tp+fn) − (tp+fp)| × vv × 0.001, as USE forms it.
        compute: ({ ctx, small }) => (small.refSmall && small.predSmall ? NaN : ctx.ml(Math.abs(ctx.confusion.nRef - ctx.confusion.nPred))),
      },
      isles22: {
        label: 'AVD',
        definition: "ISLES'22 absolute volume difference = |ΣP·vv − ΣR·vv| in ml. Both empty: 0.",
        // The difference of the two volumes, as ISLES'22 forms it (not always the same last bit as USE's).
        compute: ({ ctx }) => Math.abs(ctx.ml(ctx.confusion.nPred) - ctx.ml(ctx.confusion.nRef)),
      },
    },
  }),
  scalar({
    id: 'image_class',
    unit: '',
    conventions: {
      use: {
        label: 'Image-level class',
        definition:
          'USE-Evaluator image-level class (only with T): reference small & prediction small → TN; neither small → TP; reference small only → FP; prediction small only → FN. CCR 1 for TP/TN, 0 for FP/FN.',
        compute: (cc) => (cc.thresholdMl === undefined ? null : imageClass(cc.small)),
      },
    },
  }),
  scalar({
    id: 'ccr',
    unit: '',
    conventions: {
      use: {
        label: 'CCR',
        definition: 'USE-Evaluator correct classification rate of the image-level class: 1 for TP/TN, 0 for FP/FN (only with T)',
        compute: (cc) => (cc.thresholdMl === undefined ? null : ccr(imageClass(cc.small))),
      },
    },
  }),
  {
    kind: 'lesions',
    id: 'lesions',
    unit: 'lesions',
    parts: [
      {
        key: 'n_ref',
        panelId: 'n_ref',
        unit: 'lesions',
        label: 'Lesions in R',
        definition: { any: 'Reference lesions (26-connected components)' },
      },
      {
        key: 'n_pred',
        panelId: 'n_pred',
        unit: 'lesions',
        label: 'Lesions in P',
        definition: { any: 'Predicted lesions (26-connected components)' },
      },
      {
        key: 'tp',
        panelId: 'tp',
        unit: 'lesions',
        label: 'Lesion TP',
        definition: { any: "Reference lesions detected, under the convention's matching" },
      },
      {
        key: 'fp',
        panelId: 'fp',
        unit: 'lesions',
        label: 'Lesion FP',
        definition: { any: "Predicted lesions matching no reference lesion, under the convention's matching" },
      },
      {
        key: 'fn',
        panelId: 'fn',
        unit: 'lesions',
        label: 'Lesion FN',
        definition: { any: "Reference lesions missed, under the convention's matching" },
      },
      {
        key: 'f1',
        panelId: 'lesion_f1',
        unit: '',
        label: 'Lesion F1',
        definition: {
          any: "Lesion F1 under the convention's matching",
          isles22:
            "ISLES'22 lesion F1 = TP/(TP + (FP+FN)/2) over 26-connected components, no minimum size; a reference lesion is TP when any of its voxels is in P (no one-to-one assignment), a predicted component is FP when none of its voxels is in R. 1 when TP+FP+FN = 0; 0 when one mask is empty.",
          metricsreloaded:
            'MetricsReloaded lesion F1 = 2TP/(2TP+FP+FN) over 26-connected components matched greedily by mask IoU strictly above 0.5 (IoU = 0.5 is not a match). 1 when TP+FP+FN = 0.',
        },
      },
      {
        key: 'abs_count_diff',
        panelId: 'abs_count_diff',
        unit: 'lesions',
        label: '|N_R − N_P|',
        definition: {
          any: 'Absolute lesion count difference (26-connected)',
          isles22:
            "ISLES'22 absolute lesion count difference |N_R − N_P| (26-connected). It can be 0 while one lesion is missed and another is false.",
        },
      },
    ],
    conventions: {
      isles22: { compute: (cc) => islesLesionCounts(cc.ctx.lesions26) },
      metricsreloaded: { compute: (cc) => mrLesionCounts(cc.ctx.lesions26) },
    },
  },
];

/** The same variant under every convention (volumes are formed the same way in all three). */
function everyConvention<V>(v: Variant<V, string>): PerConvention<V, string> {
  return { use: v, isles22: v, metricsreloaded: v };
}
