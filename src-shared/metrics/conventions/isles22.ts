/**
 * Convention `isles22`: the ISLES'22 challenge evaluation (ezequieldlrosa/isles22,
 * utils/eval_utils.py). Dice (1 when both empty), absolute volume difference in ml, 26-connected
 * lesions with any-overlap matching, lesion F1 and the absolute lesion count difference. Nothing
 * else is defined by ISLES'22, so it is null here.
 */
import { islesDice } from '../overlap';
import { islesLesionCounts } from '../lesions';
import { ratersBlock, softBlock } from './blocks';
import type { CaseContext } from './context';
import type { ConventionResult } from './types';

export function evaluateIsles22(ctx: CaseContext): ConventionResult {
  const c = ctx.confusion;
  const vRef = ctx.ml(c.nRef);
  const vPred = ctx.ml(c.nPred);
  const soft = softBlock(ctx);
  const raters = ratersBlock(ctx, islesDice);
  return {
    convention: 'isles22',
    shape: [...ctx.dims],
    spacing_mm: [...ctx.spacing],
    dice: islesDice(c),
    jaccard: null,
    precision: null,
    recall: null,
    volumetric_similarity: null,
    hd_mm: null,
    hd95_mm: null,
    assd_mm: null,
    masd_mm: null,
    surface_dice: null,
    volume_ref_ml: vRef,
    volume_pred_ml: vPred,
    abs_volume_diff_ml: Math.abs(vPred - vRef),
    image_class: null,
    ccr: null,
    lesions: islesLesionCounts(ctx.lesions26),
    ...(soft ? { soft } : {}),
    ...(raters ? { raters } : {}),
  };
}
