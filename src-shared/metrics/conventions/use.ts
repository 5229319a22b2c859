/**
 * Convention `use`: USE-Evaluator (SophieOstmeier/UncertainSmallEmpty, metrics.py).
 * Small/empty rule with optional T (ml); Dice/Jaccard/precision/recall, HD, HD95 (pooled), ASSD
 * (mean of directed means, medpy assd) and surfel surface Dice are NaN when either mask is small.
 */
import { ccr, imageClass, smallFlags } from '../emptyCase';
import { useDice, useJaccard, usePrecision, useRecall, useVolumetricSimilarity } from '../overlap';
import { hausdorff, hd95Pooled, meanOfDirectedMeans } from '../surfaceDistance';
import { surfaceDiceAt } from '../surfaceDice';
import { ratersBlock, softBlock } from './blocks';
import type { CaseContext } from './context';
import { type ConventionResult, toleranceKey } from './types';

const USE_DEFAULT_TOLERANCES_MM: readonly number[] = [2, 5, 10];

export function evaluateUse(ctx: CaseContext): ConventionResult {
  const c = ctx.confusion;
  const T = ctx.input.thresholdMl;
  const f = smallFlags(c, ctx.voxelMm3, T);
  const anySmall = f.refSmall || f.predSmall;
  const tols = ctx.input.tolerancesMm ?? USE_DEFAULT_TOLERANCES_MM;
  let hd = NaN,
    hd95 = NaN,
    assd = NaN;
  const sd: Record<string, number> = {};
  if (!anySmall) {
    const d = ctx.borderDistances;
    hd = hausdorff(d);
    hd95 = hd95Pooled(d);
    assd = meanOfDirectedMeans(d);
    const s = ctx.surfelDistances;
    for (const t of tols) sd[toleranceKey(t)] = surfaceDiceAt(s, t);
  } else {
    for (const t of tols) sd[toleranceKey(t)] = NaN;
  }
  const vRef = ctx.ml(c.nRef);
  const vPred = ctx.ml(c.nPred);
  const cls = T === undefined ? null : imageClass(f);
  const pairDice = (pc: typeof c) => {
    const pf = smallFlags(pc, ctx.voxelMm3, T);
    return useDice(pc, pf.refSmall, pf.predSmall);
  };
  const soft = softBlock(ctx);
  const raters = ratersBlock(ctx, pairDice);
  return {
    convention: 'use',
    shape: [...ctx.dims],
    spacing_mm: [...ctx.spacing],
    dice: useDice(c, f.refSmall, f.predSmall),
    jaccard: useJaccard(c, f.refSmall, f.predSmall),
    precision: usePrecision(c, f.refSmall, f.predSmall),
    recall: useRecall(c, f.refSmall, f.predSmall),
    volumetric_similarity: useVolumetricSimilarity(c, f.refSmall, f.predSmall),
    hd_mm: hd,
    hd95_mm: hd95,
    assd_mm: assd,
    masd_mm: null,
    surface_dice: sd,
    volume_ref_ml: vRef,
    volume_pred_ml: vPred,
    // abs_volume_difference: NaN only when both are small; |(tp+fn) − (tp+fp)| × vv × 0.001.
    abs_volume_diff_ml: f.refSmall && f.predSmall ? NaN : ctx.ml(Math.abs(c.nRef - c.nPred)),
    image_class: cls,
    ccr: cls === null ? null : ccr(cls),
    lesions: null,
    ...(soft ? { soft } : {}),
    ...(raters ? { raters } : {}),
  };
}
