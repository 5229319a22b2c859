/**
 * The soft and raters blocks, shared by all conventions except for the Dice used between raters,
 * which is the convention's own.
 */
import { brierScore, eceAll } from '../calibration';
import type { Confusion } from '../overlap';
import { fleissKappa, leaveOneOutDice, pairwiseDice, useEntropy } from '../raters';
import { diceDml, softSums } from '../softDice';
import { expectedVolumeMl, thresholdedVolumeMl } from '../volume';
import type { CaseContext } from './context';
import type { RatersBlock, SoftBlock } from './types';

// The soft block does not depend on the convention: compute it once per case.
const softCache = new WeakMap<CaseContext, SoftBlock>();

export function softBlock(ctx: CaseContext): SoftBlock | undefined {
  const prob = ctx.input.prob;
  if (!prob) return undefined;
  const hit = softCache.get(ctx);
  if (hit) return hit;
  const block = computeSoftBlock(ctx, prob);
  softCache.set(ctx, block);
  return block;
}

function computeSoftBlock(ctx: CaseContext, prob: ArrayLike<number>): SoftBlock {
  const vml = ctx.voxelMm3 * 0.001;
  const soft = ctx.softReference;
  const hard = ctx.majority;
  let softVol: number | null = null;
  if (soft) {
    let s = 0;
    for (let p = 0; p < soft.length; p++) s += soft[p];
    softVol = s * vml;
  }
  return {
    dice_dml_vs_soft: soft ? diceDml(softSums(prob, soft)) : null,
    dice_dml_vs_majority: diceDml(softSums(prob, hard)),
    volume_expected_ml: expectedVolumeMl(prob, vml),
    volume_thresholded_ml: thresholdedVolumeMl(prob, vml),
    volume_soft_ref_ml: softVol,
    ece_vs_majority: eceAll(prob, hard, ctx.input.region),
    brier_vs_majority: brierScore(prob, hard, ctx.input.region),
  };
}

export function ratersBlock(ctx: CaseContext, dice: (c: Confusion) => number): RatersBlock | undefined {
  const raters = ctx.input.raters;
  if (!raters || raters.length === 0) return undefined;
  return {
    n: raters.length,
    volumes_ml: raters.map((m) => {
      let n = 0;
      for (let p = 0; p < m.length; p++) n += m[p];
      return ctx.ml(n);
    }),
    pairwise_dice: pairwiseDice(raters, dice),
    loo_dice: leaveOneOutDice(raters, dice),
    fleiss_kappa: fleissKappa(raters, ctx.input.region),
    use_entropy: useEntropy(raters),
  };
}
