/**
 * Evaluate one case under one or all named conventions. Shared work is cached in a CaseContext,
 * so `evaluateAll` costs little more than the slowest single convention.
 */
import { CaseContext } from './context';
import { evaluateIsles22 } from './isles22';
import { evaluateMetricsReloaded } from './metricsreloaded';
import type { CaseInput, ConventionName, ConventionResult } from './types';
import { evaluateUse } from './use';

export { CaseContext } from './context';
export * from './types';

export function evaluateWith(ctx: CaseContext, convention: ConventionName): ConventionResult {
  switch (convention) {
    case 'use':
      return evaluateUse(ctx);
    case 'isles22':
      return evaluateIsles22(ctx);
    case 'metricsreloaded':
      return evaluateMetricsReloaded(ctx);
  }
}

export function evaluateCase(input: CaseInput, convention: ConventionName): ConventionResult {
  return evaluateWith(new CaseContext(input), convention);
}

export function evaluateAll(input: CaseInput): Record<ConventionName, ConventionResult> {
  const ctx = new CaseContext(input);
  return { use: evaluateUse(ctx), isles22: evaluateIsles22(ctx), metricsreloaded: evaluateMetricsReloaded(ctx) };
}
