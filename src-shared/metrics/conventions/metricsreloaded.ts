/**
 * Convention `metricsreloaded`: MetricsReloaded main (Project-MONAI/MetricsReloaded,
 * metrics/pairwise_measures.py). dsc (1 when both empty), iou (NaN when both empty), ppv and recall
 * with their empty rules; hd, hd_perc (max of directed p95), assd (pooled mean), masd (mean of
 * directed means) — 0 when both empty, NaN when one is; nsd(τ) by border-voxel counts — 1 when
 * both empty, 0 when one is. Lesions: 26-connected, greedy IoU > 0.5.
 */
import { mrDice, mrIou, mrPrecision, mrRecall } from '../overlap';
import { mrLesionCounts } from '../lesions';
import { hausdorff, hd95MaxDirected, meanOfDirectedMeans, nsdCounts, pooledMean } from '../surfaceDistance';
import { ratersBlock, softBlock } from './blocks';
import type { CaseContext } from './context';
import { type ConventionResult, toleranceKey } from './types';

const MR_DEFAULT_TOLERANCES_MM: readonly number[] = [1];

export function evaluateMetricsReloaded(ctx: CaseContext): ConventionResult {
  const c = ctx.confusion;
  const tols = ctx.input.tolerancesMm ?? MR_DEFAULT_TOLERANCES_MM;
  const refEmpty = c.nRef === 0,
    predEmpty = c.nPred === 0;
  let hd: number, hdp: number, assd: number, masd: number;
  const nsd: Record<string, number> = {};
  if (refEmpty && predEmpty) {
    hd = hdp = assd = masd = 0;
    for (const t of tols) nsd[toleranceKey(t)] = 1;
  } else if (refEmpty || predEmpty) {
    hd = hdp = assd = masd = NaN;
    for (const t of tols) nsd[toleranceKey(t)] = 0;
  } else {
    const d = ctx.borderDistances;
    hd = hausdorff(d);
    hdp = hd95MaxDirected(d);
    assd = pooledMean(d);
    masd = meanOfDirectedMeans(d);
    for (const t of tols) nsd[toleranceKey(t)] = nsdCounts(d, t);
  }
  const soft = softBlock(ctx);
  const raters = ratersBlock(ctx, mrDice);
  return {
    convention: 'metricsreloaded',
    shape: [...ctx.dims],
    spacing_mm: [...ctx.spacing],
    dice: mrDice(c),
    jaccard: mrIou(c),
    precision: mrPrecision(c),
    recall: mrRecall(c),
    volumetric_similarity: null,
    hd_mm: hd,
    hd95_mm: hdp,
    assd_mm: assd,
    masd_mm: masd,
    surface_dice: nsd,
    volume_ref_ml: ctx.ml(c.nRef),
    volume_pred_ml: ctx.ml(c.nPred),
    abs_volume_diff_ml: null,
    image_class: null,
    ccr: null,
    lesions: mrLesionCounts(ctx.lesions26),
    ...(soft ? { soft } : {}),
    ...(raters ? { raters } : {}),
  };
}
