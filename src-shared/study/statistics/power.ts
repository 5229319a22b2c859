/**
 * Power of the exact two-sided binomial test (binomial.ts, R's binom.test p-value) and what it
 * implies at a given number of answers: the smallest true rate the test would detect, and the
 * number of answers needed. A non-significant result means little when the test could not have
 * rejected anyway (with 5 answers no outcome is significant at 0.05: the smallest two-sided p is
 * 2/32), so the report states these beside every AI-identification test.
 */
import { binomialPmf } from './binomial';

/** R's relErr in binom.test (binomial.ts), so the rejection region is exactly the test's. */
const RELATIVE_TOLERANCE = 1 + 1e-7;

/**
 * The outcomes k = 0..n whose exact two-sided p-value against `p0` is below `alpha`. The p-value of
 * k is the mass of all outcomes no more likely than k, so sorting the masses once gives every p.
 */
export function binomialRejectionRegion(trials: number, p0: number, alpha: number): boolean[] {
  const pmf = binomialPmf(trials, p0);
  const sorted = Float64Array.from(pmf).sort();
  const cumulative = new Float64Array(sorted.length);
  let sum = 0;
  sorted.forEach((v, i) => (cumulative[i] = sum += v));
  return Array.from(pmf, (f) => {
    // Mass of every outcome with pmf ≤ f·(1 + 1e-7): the last sorted index at or under that bound.
    const bound = f * RELATIVE_TOLERANCE;
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid] <= bound) lo = mid + 1;
      else hi = mid;
    }
    return lo > 0 && Math.min(1, cumulative[lo - 1]) < alpha;
  });
}

/** Probability that the test rejects at level `alpha` when the true rate is `p1`. */
export function binomialPower(trials: number, p0: number, p1: number, alpha: number): number {
  if (trials === 0) return 0;
  const region = binomialRejectionRegion(trials, p0, alpha);
  const pmf = binomialPmf(trials, p1);
  let power = 0;
  region.forEach((rejects, k) => {
    if (rejects) power += pmf[k];
  });
  return Math.min(1, power);
}

/**
 * The smallest true rate above `p0` that the test detects with probability ≥ `target` at this many
 * trials (bisection to 1e-6), or null when no rate does (too few trials for any rejection above p0).
 * Power is not exactly monotone in the rate near p0 for an exact test, so this is the smallest
 * rate on the bisection path, not a guarantee for every rate above it.
 */
export function detectableRate(trials: number, p0: number, alpha: number, target: number): number | null {
  if (trials === 0 || binomialPower(trials, p0, 1, alpha) < target) return null;
  let lo = p0;
  let hi = 1;
  while (hi - lo > 1e-6) {
    const mid = (lo + hi) / 2;
    if (binomialPower(trials, p0, mid, alpha) >= target) hi = mid;
    else lo = mid;
  }
  return hi;
}

/**
 * The fewest trials at which the test has power ≥ `target` against the true rate `p1`, searched up
 * to `maxTrials` (null beyond). Exact power saw-tooths with n, so a few larger n may fall short again.
 */
export function trialsForPower(p0: number, p1: number, alpha: number, target: number, maxTrials = 2000): number | null {
  for (let n = 1; n <= maxTrials; n++) if (binomialPower(n, p0, p1, alpha) >= target) return n;
  return null;
}
