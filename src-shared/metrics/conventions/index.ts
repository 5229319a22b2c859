/**
 * The one evaluation pipeline for a pair of masks: the `evaluate` CLI (src-main/cli/evaluateCase.ts),
 * the app's per-case evaluation (src-shared/evaluation/caseEvaluation.ts) and the per-label loop
 * (labels.ts) all build a CaseContext and call evaluateConventions. A convention's result is built
 * generically from the metric registry (../registry.ts) and the convention's parameters
 * (specs.ts); shared work is cached in the CaseContext, so all three conventions cost little more
 * than the slowest one.
 */
import { smallFlags } from '../emptyCase';
import { METRICS, type MetricDef } from '../registry';
import { ratersBlock, softBlock } from './blocks';
import type { ConventionCase } from './conventionCase';
import { CaseContext } from './context';
import { CONVENTION_SPECS } from './specs';
import { CONVENTIONS, type CaseInput, type ConventionName, type ConventionResult } from './types';

export { CaseContext } from './context';
export * from './types';

function conventionCase(ctx: CaseContext, convention: ConventionName): ConventionCase {
  const spec = CONVENTION_SPECS[convention];
  const T = ctx.input.thresholdMl;
  const small = smallFlags(ctx.confusion, ctx.voxelMm3, T);
  return {
    ctx,
    thresholdMl: T,
    tolerancesMm: ctx.input.tolerancesMm ?? spec.defaultTolerancesMm,
    small,
    noSurface: spec.noSurface(ctx, small),
  };
}

/** The metric's value under the convention, or null where the convention does not define it. */
function valueOf(m: MetricDef, convention: ConventionName, cc: ConventionCase): unknown {
  const variant = m.conventions[convention];
  return variant ? variant.compute(cc) : null;
}

export function evaluateWith(ctx: CaseContext, convention: ConventionName): ConventionResult {
  const cc = conventionCase(ctx, convention);
  const result: Record<string, unknown> = { convention, shape: [...ctx.dims], spacing_mm: [...ctx.spacing] };
  for (const m of METRICS) result[m.id] = valueOf(m, convention, cc);
  const soft = softBlock(ctx);
  const { raterDice } = CONVENTION_SPECS[convention];
  const raters = ratersBlock(ctx, (c) => raterDice(c, ctx.voxelMm3, cc.thresholdMl));
  if (soft) result.soft = soft;
  if (raters) result.raters = raters;
  // Every field of ConventionResult is written above, from the registry's ids (registry.test.ts).
  return result as unknown as ConventionResult;
}

/** The named conventions' results for one case, sharing the context's work. */
export function evaluateConventions<C extends ConventionName>(ctx: CaseContext, conventions: readonly C[]): Record<C, ConventionResult> {
  const out = {} as Record<C, ConventionResult>;
  for (const c of conventions) out[c] = evaluateWith(ctx, c);
  return out;
}

export function evaluateCase(input: CaseInput, convention: ConventionName): ConventionResult {
  return evaluateWith(new CaseContext(input), convention);
}

export function evaluateAll(input: CaseInput): Record<ConventionName, ConventionResult> {
  return evaluateConventions(new CaseContext(input), CONVENTIONS);
}
