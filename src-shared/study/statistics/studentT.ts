/**
 * Student's t and F distributions with non-integer degrees of freedom, written here because
 * src-shared has no numeric library. The multi-reader analysis (../mrmc.ts) needs them: Hillis'
 * denominator degrees of freedom are a real number (15.26 for the Van Dyke data), and its power
 * estimate needs the noncentral F with one numerator degree of freedom.
 *
 * Everything rests on the regularised incomplete beta function I_x(a, b), summed from its continued
 * fraction (modified Lentz method) on the side of the mean where it converges fast, and on
 * ln Γ from the Lanczos approximation (g = 7, 9 terms), ~1e-15 relative over the arguments used.
 */

const LANCZOS_G = 7;
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
  -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** ln Γ(x) for x > 0. */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x); // reflection
  const z = x - 1;
  let sum = LANCZOS[0];
  for (let i = 1; i < LANCZOS.length; i++) sum += LANCZOS[i] / (z + i);
  const t = z + LANCZOS_G + 0.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

/** Continued fraction of I_x(a, b) (without its prefactor), modified Lentz; converges for x < (a+1)/(a+b+2). */
function betaContinuedFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  d = Math.abs(d) < tiny ? 1 / tiny : 1 / d;
  let f = d;
  for (let m = 1; m < 10_000; m++) {
    // Even step d_{2m}, then odd step d_{2m+1} of the continued fraction.
    for (const coef of [
      (m * (b - m) * x) / ((a + 2 * m - 1) * (a + 2 * m)),
      (-(a + m) * (a + b + m) * x) / ((a + 2 * m) * (a + 2 * m + 1)),
    ]) {
      d = 1 + coef * d;
      d = Math.abs(d) < tiny ? 1 / tiny : 1 / d;
      c = 1 + coef / c;
      if (Math.abs(c) < tiny) c = tiny;
      f *= c * d;
      if (Math.abs(c * d - 1) < 1e-16) return f;
    }
  }
  return f;
}

/** The regularised incomplete beta function I_x(a, b) = P(B ≤ x) for B ~ Beta(a, b). */
export function regularizedBeta(x: number, a: number, b: number): number {
  if (!(a > 0 && b > 0)) throw new RangeError(`incomplete beta needs a, b > 0, got ${a}, ${b}`);
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const logPrefactor = logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log1p(-x);
  if (x < (a + 1) / (a + b + 2)) return (Math.exp(logPrefactor) * betaContinuedFraction(x, a, b)) / a;
  return 1 - (Math.exp(logPrefactor) * betaContinuedFraction(1 - x, b, a)) / b;
}

/** P(T ≥ |t|) · 2 for T ~ t(df): the two-sided p-value of a t statistic. */
export function studentTTwoSidedP(t: number, df: number): number {
  const t2 = t * t;
  // P = I_{df/(df+t²)}(df/2, ½) = 1 − I_{t²/(df+t²)}(½, df/2). Each argument is formed without
  // subtracting from 1, and the second form is used when df ≫ t², where df/(df+t²) rounds near 1.
  return t2 < df ? 1 - regularizedBeta(t2 / (df + t2), 0.5, df / 2) : regularizedBeta(df / (df + t2), df / 2, 0.5);
}

/** The quantile t_p(df) for p in (½, 1), by bisection on the two-sided tail (monotone in t). */
export function studentTQuantile(p: number, df: number): number {
  if (!(p > 0.5 && p < 1)) throw new RangeError(`t quantile implemented for p in (0.5, 1), got ${p}`);
  const tail = 2 * (1 - p);
  let lo = 0;
  let hi = 1;
  while (studentTTwoSidedP(hi, df) > tail) hi *= 2;
  for (let i = 0; i < 200 && hi - lo > 1e-15 * hi; i++) {
    const mid = (lo + hi) / 2;
    if (studentTTwoSidedP(mid, df) > tail) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/**
 * P(F' > f) for F' ~ noncentral F(1, ddf, λ): the Poisson(λ/2) mixture of central
 * Beta(½ + j, ddf/2) tails (Johnson, Kotz & Balakrishnan, ch. 30). The Poisson weights are taken in
 * logs over mode ± 40 standard deviations (+ 40), which holds all but ~1e-300 of their mass and does
 * not underflow when λ is large (a big planned study).
 */
export function noncentralF1Upper(f: number, ddf: number, ncp: number): number {
  const y = f / (f + ddf);
  const half = ncp / 2;
  const spread = 40 * Math.sqrt(half) + 40;
  let sum = 0;
  let massSoFar = 0;
  for (let j = Math.max(0, Math.floor(half - spread)); j <= half + spread; j++) {
    const logWeight = half === 0 ? (j === 0 ? 0 : -Infinity) : -half + j * Math.log(half) - logGamma(j + 1);
    if (logWeight <= -745) continue;
    const weight = Math.exp(logWeight);
    const tail = 1 - regularizedBeta(y, 0.5 + j, ddf / 2);
    // The tails grow with j towards 1; once there, the rest of the Poisson mass counts whole. This
    // keeps a very large planned study (λ in the millions) to a few hundred terms.
    if (tail > 1 - 1e-15) return Math.min(1, sum + (1 - massSoFar));
    sum += weight * tail;
    massSoFar += weight;
  }
  return Math.min(1, sum); // rounding can put the sum a few ulps above 1
}
