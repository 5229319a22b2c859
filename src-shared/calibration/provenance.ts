/**
 * What a calibrated model version's manifest records (issue 17): the recalibration and where it
 * came from, i.e. the base model, the reviewed cases, the reference and region, and the
 * cross-validation's per-fold and pooled before/after metrics. JSON has no NaN, so a metric that is
 * undefined on a fold (an ECE over no voxels) is stored as null.
 */
import '../api/zodSetup';
import { z } from 'zod';
import type { CrossValidationReport } from './crossValidation';
import { recalibrationSchema, type Recalibration } from './recalibration';
import type { SetMetrics } from './report';

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

const calibrationProvenanceSchema = z.object({
  baseModel: z.object({ id: z.string(), version: z.string() }),
  fittedAt: z.string(),
  /** The raters' majority (0/1 targets) or the soft reference (the fraction of raters). */
  reference: referenceKindSchema,
  /** "whole image", or the name of the mask the voxels were taken from. */
  region: z.string().min(1),
  /** The fit reads logit(q / 255) of the stored results, not the model's logits (recalibration.ts). */
  logits: z.literal('stored-probability-map'),
  cases: z.array(z.string()).min(2),
  folds: z.number().int().min(2),
  seed: z.number().int(),
  perFold: z.array(beforeAfterSchema.extend({ fold: z.number().int(), heldOut: z.array(z.string()), calibration: recalibrationSchema })),
  pooled: beforeAfterSchema,
});

export const manifestCalibrationSchema = z.object({ recalibration: recalibrationSchema, provenance: calibrationProvenanceSchema });
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

interface CalibrationSource {
  readonly baseModel: { readonly id: string; readonly version: string };
  readonly reference: ReferenceKind;
  readonly region: string;
  readonly fittedAt: string;
}

/** The manifest's `calibration` for a cross-validation report: its final fit and how it was made. */
export function manifestCalibration(report: CrossValidationReport, source: CalibrationSource): ManifestCalibration {
  const recalibration: Recalibration = report.calibration;
  return {
    recalibration,
    provenance: {
      baseModel: { ...source.baseModel },
      fittedAt: source.fittedAt,
      reference: source.reference,
      region: source.region,
      logits: 'stored-probability-map',
      cases: report.perFold.flatMap((f) => f.heldOut),
      folds: report.folds,
      seed: report.seed,
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
