/**
 * Exact binomial test. The two-sided p-value follows R's binom.test: the sum of the probabilities of
 * every outcome that is no more likely than the one observed, P = Σ_{k : f(k) ≤ f(x)·(1+1e-7)} f(k),
 * where f is the Binomial(n, p₀) mass function. The 1e-7 relative tolerance is R's, so outcomes
 * that are equally likely in exact arithmetic (e.g. k and n−k when p₀ = ½) are not split by rounding.
 * Unlike doubling the smaller tail, this never exceeds 1 and is the standard "minimum likelihood"
 * definition for asymmetric p₀; for p₀ = ½ it equals twice the smaller tail.
 */

export interface BinomialTestResult {
  readonly successes: number;
  readonly trials: number;
  /** The null hypothesis' success probability. */
  readonly nullProbability: number;
  readonly estimate: number;
  /** Exact two-sided p-value. */
  readonly pValue: number;
}

/** R's relErr in binom.test. */
const RELATIVE_TOLERANCE = 1 + 1e-7;

/**
 * The Binomial(n, p) mass function at 0..n, from the ratio f(k+1)/f(k) = (n−k)/(k+1) · p/(1−p),
 * accumulated in log space so that n in the thousands neither underflows nor overflows.
 */
export function binomialPmf(trials: number, p: number): Float64Array {
  if (!Number.isInteger(trials) || trials < 0) throw new RangeError(`trials must be a non-negative integer, got ${trials}`);
  if (!(p >= 0 && p <= 1)) throw new RangeError(`probability must lie in [0, 1], got ${p}`);
  const n = trials;
  const out = new Float64Array(n + 1);
  if (p === 0 || p === 1) {
    out[p === 0 ? 0 : n] = 1;
    return out;
  }
  const logOdds = Math.log(p) - Math.log1p(-p);
  let logF = n * Math.log1p(-p);
  out[0] = Math.exp(logF);
  for (let k = 0; k < n; k++) {
    logF += Math.log((n - k) / (k + 1)) + logOdds;
    out[k + 1] = Math.exp(logF);
  }
  return out;
}

/** Exact two-sided binomial test of `successes` out of `trials` against success probability `p0`. */
export function binomialTest(successes: number, trials: number, p0 = 0.5): BinomialTestResult {
  if (!Number.isInteger(trials) || trials < 1) {
    throw new RangeError(`binomial test needs at least one trial (a positive integer), got ${trials}`);
  }
  if (!Number.isInteger(successes) || successes < 0 || successes > trials) {
    throw new RangeError(`successes must be an integer in 0..${trials}, got ${successes}`);
  }
  if (!(p0 >= 0 && p0 <= 1)) throw new RangeError(`null probability must lie in [0, 1], got ${p0}`);
  const pmf = binomialPmf(trials, p0);
  const observed = pmf[successes] * RELATIVE_TOLERANCE;
  let pValue = 0;
  for (let k = 0; k <= trials; k++) if (pmf[k] <= observed) pValue += pmf[k];
  return {
    successes,
    trials,
    nullProbability: p0,
    estimate: successes / trials,
    pValue: Math.min(1, pValue),
  };
}
