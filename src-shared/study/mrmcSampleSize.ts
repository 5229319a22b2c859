/**
 * Power and sample size (readers × cases) of a future two-source comparison, from the OR variance
 * components of a pilot study (a closed reader study analysed by mrmc.ts). The formulas are those
 * of Hillis, Obuchowski & Berbaum (2011), Power estimation for multireader ROC methods: an updated
 * and unified approach, Acad Radiol 18:129–142 (eqs. 9 and 10 and Table 2), as RJafroc's
 * `SsPowerGivenJK` / `SsSampleSizeKGivenJ` implement them with method "OR":
 *
 * - σ²_TR = max(0, MS(TR) − Var + Cov1 + max(Cov2 − Cov3, 0)) from the pilot (eq. 9);
 * - the pilot's case covariances scale with K′/K, K′ pilot cases and K planned cases;
 * - noncentrality λ = J·d²/2 / den, d the effect (difference of FOMs) to detect;
 * - RRRC: den = σ²_TR + (K′/K)(Var − Cov1 + (J−1)·max(Cov2 − Cov3, 0)), noncentral F(1, ddf) with
 *   ddf = den² / ((σ²_TR + (K′/K)(Var − Cov1 − max(Cov2 − Cov3, 0)))² / (J − 1));
 * - FRRC: den = (K′/K)(Var − Cov1 + (J−1)·max(Cov2 − Cov3, 0)), noncentral chi-square on 1 df;
 * - RRFC: den = σ²_TR + (K′/K)(Var − Cov1 − max(Cov2 − Cov3, 0)), noncentral F(1, J − 1).
 *
 * Two-sided test at α = 0.05, as the report's intervals.
 */
import type { OrAnalysis } from './mrmc';
import { normalCdf, Z_975 } from './statistics/normal';
import { noncentralF1Upper, studentTQuantile } from './statistics/studentT';

export type MrmcGeneralisation = 'RRRC' | 'FRRC' | 'RRFC';

/** What a pilot contributes: its case count, MS(TR) and the OR covariances. */
export type OrPilot = Pick<OrAnalysis, 'cases' | 'msTR' | 'covariances'>;

export interface PowerQuestion {
  readonly pilot: OrPilot;
  readonly readers: number;
  readonly cases: number;
  /** The difference of FOMs to detect (its sign does not matter). */
  readonly effect: number;
  readonly analysis: MrmcGeneralisation;
}

/** σ²_TR of Hillis et al. (2011) eq. 9, floored at 0 as RJafroc does. */
export function orVarTR(pilot: OrPilot): number {
  const { var: v, cov1, cov2, cov3 } = pilot.covariances;
  return Math.max(0, pilot.msTR - v + cov1 + Math.max(cov2 - cov3, 0));
}

/** The power to detect `effect`; null when the pilot gives no positive error term to plan with. */
export function orPower({ pilot, readers, cases, effect, analysis }: PowerQuestion): number | null {
  if (!Number.isInteger(readers) || readers < 2) throw new RangeError(`planning needs at least 2 readers, got ${readers}`);
  if (!Number.isInteger(cases) || cases < 1) throw new RangeError(`planning needs at least 1 case, got ${cases}`);
  const { var: v, cov1, cov2, cov3 } = pilot.covariances;
  const scale = pilot.cases / cases;
  const varTR = orVarTR(pilot);
  const readerCase = Math.max(cov2 - cov3, 0);
  const den =
    analysis === 'RRRC'
      ? varTR + scale * (v - cov1 + (readers - 1) * readerCase)
      : analysis === 'FRRC'
        ? scale * (v - cov1 + (readers - 1) * readerCase)
        : varTR + scale * (v - cov1 - readerCase);
  // Identical readings leave Var − Cov1 at 0 plus rounding (~1e-17): that is no error term to plan
  // with, and its noncentrality (~1e16) would keep the F sum and the search running for hours.
  const magnitude = varTR + scale * (Math.abs(v) + Math.abs(cov1) + (readers - 1) * readerCase);
  if (!(den > 1e-9 * magnitude)) return null;
  const ncp = (effect * effect * readers) / 2 / den;
  if (analysis === 'FRRC') {
    // X = (Z + √λ)², so P(X > z²) = P(|Z + √λ| > z).
    const shift = Math.sqrt(ncp);
    return normalCdf(shift - Z_975) + normalCdf(-Z_975 - shift);
  }
  const ddf = analysis === 'RRRC' ? den ** 2 / ((varTR + scale * (v - cov1 - readerCase)) ** 2 / (readers - 1)) : readers - 1;
  return noncentralF1Upper(studentTQuantile(0.975, ddf) ** 2, ddf, ncp);
}

/** Above this many cases a plan is reported as unattainable with the given readers. */
const MAX_PLANNED_CASES = 100_000;

/**
 * The fewest cases giving at least `target` power with `readers` readers, and that power; null when
 * even MAX_PLANNED_CASES do not (with random readers, power is capped by reader variability however
 * many cases are read: add readers instead). Power grows with K, so a doubling search then a
 * bisection finds the same K as RJafroc's case-by-case search.
 */
export function orCasesForPower(
  question: Omit<PowerQuestion, 'cases'> & { readonly target: number },
): { cases: number; power: number } | null {
  const power = (cases: number): number => orPower({ ...question, cases }) ?? 0;
  if (power(MAX_PLANNED_CASES) < question.target) return null;
  let hi = 2;
  while (power(hi) < question.target) hi *= 2;
  let lo = hi / 2;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (power(mid) < question.target) lo = mid;
    else hi = mid;
  }
  return { cases: hi, power: power(hi) };
}
