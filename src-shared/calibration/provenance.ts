/**
 * What a calibrated model version's manifest records (issue 17): the recalibration and where it
 * came from, i.e. the base model, the reviewed cases, the reference and region, and the
 * cross-validation's per-fold and pooled before/after metrics, for a binary model or a softmax one,
 * and whether the logits were the model's own or read back from stored maps. JSON has no NaN, so a metric that is
 * undefined on a fold (an ECE over no voxels) is stored as null.
 */
import { z } from '../zod';
import type { CrossValidationReport, SoftmaxCrossValidationReport } from './crossValidation';
import { recalibrationSchema } from './recalibration';
import type { SetMetrics } from './report';
import { softmaxRecalibrationSchema } from './softmax';
import type { SoftmaxSetMetrics } from './softmaxReport';

const metric = z.number().nullable();

const setSummarySchema = z.object({
  voxels: z.number().int().nonnegative(),
  ece: z.object({ 'positive-class': metric, 'top-label': metric, metricsreloaded: metric }),
  brier: metric,
  nll: metric,
  dice: metric,
  meanExpMinusRefMl: metric,
  meanThrMinusRefMl: metric,
});
type SetSummary = z.infer<typeof setSummarySchema>;

const beforeAfterSchema = z.object({ before: setSummarySchema, after: setSummarySchema });

const referenceKindSchema = z.enum(['majority', 'soft']);
export type ReferenceKind = z.infer<typeof referenceKindSchema>;

/**
 * Where the fit's logits came from: `model-rerun`, the model's float logits from running it again on
 * each reviewed case (the pipeline's `keepLogits`); `stored-probability-map`, logit(q / 255) of the stored
 * results (recalibration.ts), the fallback when the model cannot run here.
 */
const logitSourceSchema = z.enum(['model-rerun', 'stored-probability-map']);
export type LogitSource = z.infer<typeof logitSourceSchema>;

const provenanceBase = {
  baseModel: z.object({ id: z.string(), version: z.string() }),
  fittedAt: z.string(),
  /** The raters' majority (0/1 targets) or the soft reference (the fraction of raters). */
  reference: referenceKindSchema,
  /** "whole image", or the name of the mask the voxels were taken from. */
  region: z.string().min(1),
  logits: logitSourceSchema,
  cases: z.array(z.string()).min(2),
  folds: z.number().int().min(2),
  seed: z.number().int(),
};

const calibrationProvenanceSchema = z.object({
  ...provenanceBase,
  perFold: z.array(beforeAfterSchema.extend({ fold: z.number().int(), heldOut: z.array(z.string()), calibration: recalibrationSchema })),
  pooled: beforeAfterSchema,
});

/** Multi-class metrics (softmaxReport.ts); per-class arrays are in label order. */
const softmaxSummarySchema = z.object({
  voxels: z.number().int().nonnegative(),
  ece: z.object({ 'top-label': metric, classwise: metric }),
  brier: metric,
  nll: metric,
  dice: z.array(metric),
  meanExpMinusRefMl: z.array(metric),
  meanThrMinusRefMl: z.array(metric),
});
type SoftmaxSummary = z.infer<typeof softmaxSummarySchema>;
const softmaxBeforeAfterSchema = z.object({ before: softmaxSummarySchema, after: softmaxSummarySchema });

const softmaxProvenanceSchema = z.object({
  ...provenanceBase,
  /** Tells a softmax model's provenance from a binary one's (which predates it and has no such field). */
  activation: z.literal('softmax'),
  labels: z.array(z.string().min(1)).min(2),
  perFold: z.array(
    softmaxBeforeAfterSchema.extend({ fold: z.number().int(), heldOut: z.array(z.string()), calibration: softmaxRecalibrationSchema }),
  ),
  pooled: softmaxBeforeAfterSchema,
});

/** A binary model's recalibration, or a softmax model's temperatures; the manifest checks which fits its output. */
export const manifestCalibrationSchema = z.union([
  z.object({ recalibration: recalibrationSchema, provenance: calibrationProvenanceSchema }),
  z.object({ recalibration: softmaxRecalibrationSchema, provenance: softmaxProvenanceSchema }),
]);
export type ManifestCalibration = z.infer<typeof manifestCalibrationSchema>;

const finiteOrNull = (x: number) => (Number.isFinite(x) ? x : null);

function summary(m: SetMetrics): SetSummary {
  return {
    voxels: m.voxels,
    ece: {
      'positive-class': finiteOrNull(m.ece['positive-class']),
      'top-label': finiteOrNull(m.ece['top-label']),
      metricsreloaded: finiteOrNull(m.ece.metricsreloaded),
    },
    brier: finiteOrNull(m.brier),
    nll: finiteOrNull(m.nll),
    dice: finiteOrNull(m.dice),
    meanExpMinusRefMl: finiteOrNull(m.meanExpMinusRefMl),
    meanThrMinusRefMl: finiteOrNull(m.meanThrMinusRefMl),
  };
}

function softmaxSummary(m: SoftmaxSetMetrics): SoftmaxSummary {
  return {
    voxels: m.voxels,
    ece: { 'top-label': finiteOrNull(m.ece['top-label']), classwise: finiteOrNull(m.ece.classwise) },
    brier: finiteOrNull(m.brier),
    nll: finiteOrNull(m.nll),
    dice: m.dice.map(finiteOrNull),
    meanExpMinusRefMl: m.meanExpMinusRefMl.map(finiteOrNull),
    meanThrMinusRefMl: m.meanThrMinusRefMl.map(finiteOrNull),
  };
}

interface CalibrationSource {
  readonly baseModel: { readonly id: string; readonly version: string };
  readonly reference: ReferenceKind;
  readonly region: string;
  readonly fittedAt: string;
  readonly logits: LogitSource;
}

/** The manifest's `calibration` for a cross-validation report: its final fit and how it was made. */
export function manifestCalibration(
  report: CrossValidationReport | SoftmaxCrossValidationReport,
  source: CalibrationSource,
): ManifestCalibration {
  const common = {
    baseModel: { ...source.baseModel },
    fittedAt: source.fittedAt,
    reference: source.reference,
    region: source.region,
    logits: source.logits,
    cases: report.perFold.flatMap((f) => f.heldOut),
    folds: report.folds,
    seed: report.seed,
  };
  if (report.activation === 'softmax')
    return {
      recalibration: report.calibration,
      provenance: {
        ...common,
        activation: 'softmax',
        labels: [...report.labels],
        perFold: report.perFold.map((f) => ({
          fold: f.fold,
          heldOut: [...f.heldOut],
          calibration: f.calibration,
          before: softmaxSummary(f.before),
          after: softmaxSummary(f.after),
        })),
        pooled: { before: softmaxSummary(report.pooled.before), after: softmaxSummary(report.pooled.after) },
      },
    };
  return {
    recalibration: report.calibration,
    provenance: {
      ...common,
      perFold: report.perFold.map((f) => ({
        fold: f.fold,
        heldOut: [...f.heldOut],
        calibration: f.calibration,
        before: summary(f.before),
        after: summary(f.after),
      })),
      pooled: { before: summary(report.pooled.before), after: summary(report.pooled.after) },
    },
  };
}
