/**
 * What a registry metric computes from: the case's shared blocks (CaseContext) and the convention's
 * parameters for this case — its tolerances, USE's small flags under T, and the value its empty rule
 * gives the surface metrics when there is no pair of surfaces to measure.
 */
import type { SmallFlags } from '../emptyCase';
import type { CaseContext } from './context';

/** The surface metrics' values without a pair of surfaces: distances in mm, and surface Dice / NSD. */
export interface NoSurface {
  readonly distanceMm: number;
  readonly surfaceDice: number;
}

export interface ConventionCase {
  readonly ctx: CaseContext;
  readonly thresholdMl: number | undefined;
  readonly tolerancesMm: readonly number[];
  /** USE's small rule under T (small = empty without T); cheap, from the counts. */
  readonly small: SmallFlags;
  /** Set when the convention's empty rule decides the surface metrics, so no distance is computed. */
  readonly noSurface: NoSurface | null;
}
