/**
 * Wilson score interval for a binomial proportion (Wilson 1927). Chosen over the Wald interval
 * because reader studies are small (tens of answers) and rates near 0 or 1 are the interesting
 * ones: Wilson stays inside [0, 1] and keeps close to nominal coverage there, where Wald collapses
 * to a zero-width interval at 0/n or n/n. No continuity correction (R's prop.test uses one; we
 * follow the uncorrected form recommended by Newcombe 1998 and Brown, Cai & DasGupta 2001).
 */
import { Z_975 } from './normal';

export interface ProportionInterval {
  /** Successes. */
  readonly successes: number;
  /** Trials. */
  readonly trials: number;
  /** successes / trials. */
  readonly estimate: number;
  readonly lower: number;
  readonly upper: number;
  /** Nominal coverage, e.g. 0.95. */
  readonly level: number;
}

function checkCounts(successes: number, trials: number): void {
  if (!Number.isInteger(trials) || trials < 1) {
    throw new RangeError(`Wilson interval needs at least one trial (a positive integer), got ${trials}`);
  }
  if (!Number.isInteger(successes) || successes < 0 || successes > trials) {
    throw new RangeError(`successes must be an integer in 0..${trials}, got ${successes}`);
  }
}

/**
 * The Wilson score interval:
 *   centre = (p̂ + z²/2n) / (1 + z²/n),  half-width = z/(1 + z²/n) · √(p̂(1−p̂)/n + z²/4n²).
 * `z` defaults to the 0.975 normal quantile (a 95% interval); pass another quantile with its level.
 */
export function wilsonInterval(successes: number, trials: number, z = Z_975, level = 0.95): ProportionInterval {
  checkCounts(successes, trials);
  const n = trials;
  const p = successes / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denom;
  const half = (z / denom) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  // At 0/n and n/n the bound is exactly 0 (or 1) analytically; clamp rounding noise.
  const lower = successes === 0 ? 0 : Math.max(0, centre - half);
  const upper = successes === n ? 1 : Math.min(1, centre + half);
  return { successes, trials, estimate: p, lower, upper, level };
}
