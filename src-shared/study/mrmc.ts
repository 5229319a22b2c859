/**
 * Multi-reader multi-case (MRMC) comparison of two "treatments" (here: two segmentation sources)
 * by the Obuchowski–Rockette (OR) method with Hillis' denominator degrees of freedom: the method of
 * the FDA's iMRMC, of OR-DBM MRMC (Iowa) and of RJafroc's `St(method = "OR")`.
 *
 * - Obuchowski NA, Rockette HE (1995). Commun Stat Simul Comput 24:285–308.
 * - Hillis SL (2007). A comparison of denominator degrees of freedom for multiple observer ROC
 *   analysis. Stat Med 26:596–619 (ddf_H).
 * - Hillis SL, Obuchowski NA, Schartz KM, Berbaum KS (2005). Stat Med 24:1579–1607.
 *
 * Readers and cases are both random samples, so a figure of merit (FOM) per reader and treatment
 * varies with both; the OR model puts the case variability into the error covariances (Var, Cov1,
 * Cov2, Cov3), estimated here by jackknifing cases, and the reader variability into the
 * treatment × reader mean square. Three analyses say what a conclusion generalises to:
 * RRRC (random readers and cases), FRRC (these readers, random cases) and RRFC (random readers,
 * these cases). The figure of merit is a function of (treatment, reader, set of cases), so the same
 * code serves the mean acceptability score of a reader study and the Wilcoxon AUC of an ROC study
 * (the published example it is tested on).
 */
import { normalTwoSidedP, Z_975 } from './statistics/normal';
import { studentTQuantile, studentTTwoSidedP } from './statistics/studentT';

/** The two treatments compared, as indices 0 and 1. */
export type Treatment = 0 | 1;

/** FOM of `treatment` for `reader` over the given case indices (a subset of 0..K−1, in order). */
export type FigureOfMerit = (treatment: Treatment, reader: number, cases: readonly number[]) => number;

/** The OR error covariances of the FOMs due to cases, averaged as in Obuchowski & Rockette (1995). */
export interface OrCovariances {
  /** Var: the error variance of one reader's FOM in one treatment. */
  readonly var: number;
  /** Cov1: same reader, different treatments. */
  readonly cov1: number;
  /** Cov2: different readers, same treatment. */
  readonly cov2: number;
  /** Cov3: different readers, different treatments. */
  readonly cov3: number;
}

/** One of the three analyses: a test of equal FOMs and the CI of the difference (first − second). */
export interface OrTest {
  /** F statistic (1 numerator df; for FRRC the chi-square statistic X², also on 1 df). */
  readonly f: number;
  /** Denominator df; null for FRRC, whose reference distribution is chi-square / normal. */
  readonly ddf: number | null;
  readonly pValue: number;
  readonly stdErr: number;
  readonly ciLower: number;
  readonly ciUpper: number;
}

export interface OrAnalysis {
  readonly readers: number;
  readonly cases: number;
  /** FOM per treatment and reader, [treatment][reader]. */
  readonly foms: readonly [readonly number[], readonly number[]];
  /** Mean FOM per treatment, over readers. */
  readonly means: readonly [number, number];
  /** means[0] − means[1]. */
  readonly difference: number;
  readonly msT: number;
  readonly msR: number;
  readonly msTR: number;
  readonly covariances: OrCovariances;
  /**
   * The three analyses; null where the error term is not positive (e.g. every reader's difference
   * identical for RRFC), since no test is defined then.
   */
  readonly rrrc: OrTest | null;
  readonly frrc: OrTest | null;
  readonly rrfc: OrTest | null;
}

const mean = (v: readonly number[]): number => v.reduce((a, b) => a + b, 0) / v.length;

/**
 * The jackknife covariance matrix of the FOMs over cases, reduced to the four OR averages. With
 * θ_(k) the FOM without case k: Cov = (K−1)/K · Σ_k (θ_(k) − θ̄)(θ'_(k) − θ̄') (Efron's jackknife).
 */
function jackknifeCovariances(jack: readonly (readonly number[])[][], readers: number, cases: number): OrCovariances {
  const centred = jack.map((perReader) =>
    perReader.map((v) => {
      const m = mean(v);
      return v.map((x) => x - m);
    }),
  );
  const cov = (t1: Treatment, r1: number, t2: Treatment, r2: number): number => {
    const a = centred[t1][r1];
    const b = centred[t2][r2];
    let s = 0;
    for (let k = 0; k < cases; k++) s += a[k] * b[k];
    return ((cases - 1) / cases) * s;
  };
  const sums = { var: 0, cov1: 0, cov2: 0, cov3: 0 };
  const counts = { var: 0, cov1: 0, cov2: 0, cov3: 0 };
  for (const t1 of [0, 1] as const) {
    for (const t2 of [0, 1] as const) {
      for (let r1 = 0; r1 < readers; r1++) {
        for (let r2 = 0; r2 < readers; r2++) {
          const key = t1 === t2 ? (r1 === r2 ? 'var' : 'cov2') : r1 === r2 ? 'cov1' : 'cov3';
          sums[key] += cov(t1, r1, t2, r2);
          counts[key]++;
        }
      }
    }
  }
  return { var: sums.var / counts.var, cov1: sums.cov1 / counts.cov1, cov2: sums.cov2 / counts.cov2, cov3: sums.cov3 / counts.cov3 };
}

function tTest(difference: number, errorTerm: number, readers: number, ddf: number): OrTest | null {
  if (!(errorTerm > 0)) return null;
  // MS(TR) = 0 with positive case covariance makes ddf_H infinite: the t becomes the normal.
  if (!Number.isFinite(ddf)) return zTest(difference, errorTerm, readers);
  const stdErr = Math.sqrt((2 / readers) * errorTerm);
  const t = difference / stdErr;
  const half = studentTQuantile(0.975, ddf) * stdErr;
  return { f: t * t, ddf, pValue: studentTTwoSidedP(t, ddf), stdErr, ciLower: difference - half, ciUpper: difference + half };
}

function zTest(difference: number, errorTerm: number, readers: number): OrTest | null {
  if (!(errorTerm > 0)) return null;
  const stdErr = Math.sqrt((2 / readers) * errorTerm);
  const z = difference / stdErr;
  return {
    f: z * z,
    ddf: null,
    pValue: normalTwoSidedP(z),
    stdErr,
    ciLower: difference - Z_975 * stdErr,
    ciUpper: difference + Z_975 * stdErr,
  };
}

/**
 * The OR analysis of two treatments read by `readers` readers on `cases` cases (fully crossed:
 * every reader read every case in both treatments). Needs at least 2 readers and 2 cases.
 */
export function orAnalysis(fom: FigureOfMerit, readers: number, cases: number): OrAnalysis {
  if (!Number.isInteger(readers) || readers < 2) throw new RangeError(`the OR analysis needs at least 2 readers, got ${readers}`);
  if (!Number.isInteger(cases) || cases < 2) throw new RangeError(`the OR analysis needs at least 2 cases, got ${cases}`);
  const all = Array.from({ length: cases }, (_, k) => k);
  const leaveOut = all.map((k) => all.filter((c) => c !== k));
  const treatments = [0, 1] as const;
  const readerIdx = Array.from({ length: readers }, (_, r) => r);
  const foms = treatments.map((t) => readerIdx.map((r) => fom(t, r, all))) as [number[], number[]];
  const jack = treatments.map((t) => readerIdx.map((r) => leaveOut.map((subset) => fom(t, r, subset))));

  const means = [mean(foms[0]), mean(foms[1])] as const;
  const grand = (means[0] + means[1]) / 2;
  const readerMeans = readerIdx.map((r) => (foms[0][r] + foms[1][r]) / 2);
  // Two treatments: MS(T) has 1 df, MS(R) has J−1, MS(TR) has (I−1)(J−1) = J−1.
  const msT = readers * ((means[0] - grand) ** 2 + (means[1] - grand) ** 2);
  const msR = (2 / (readers - 1)) * readerMeans.reduce((s, m) => s + (m - grand) ** 2, 0);
  let ssTR = 0;
  for (const t of treatments) for (const r of readerIdx) ssTR += (foms[t][r] - means[t] - readerMeans[r] + grand) ** 2;
  const msTR = ssTR / (readers - 1);

  const covariances = jackknifeCovariances(jack, readers, cases);
  const { var: v, cov1, cov2, cov3 } = covariances;
  const difference = means[0] - means[1];
  const readerCaseTerm = Math.max(cov2 - cov3, 0);

  // RRRC: error term MS(TR) + J·max(Cov2 − Cov3, 0), ddf_H = error² / (MS(TR)² / ((I−1)(J−1))).
  const rrrcError = msTR + readers * readerCaseTerm;
  const ddfH = rrrcError ** 2 / (msTR ** 2 / (readers - 1));
  // FRRC: Var − Cov1 + (J−1)·max(Cov2 − Cov3, 0), against chi-square / normal.
  const frrcError = v - cov1 + (readers - 1) * readerCaseTerm;
  return {
    readers,
    cases,
    foms,
    means,
    difference,
    msT,
    msR,
    msTR,
    covariances,
    rrrc: tTest(difference, rrrcError, readers, ddfH),
    frrc: zTest(difference, frrcError, readers),
    // RRFC: cases fixed, so the covariances drop out: a paired t-test on the reader FOMs.
    rrfc: tTest(difference, msTR, readers, readers - 1),
  };
}

/** FOM of one treatment for `reader` over the given case indices. */
export type SingleFigureOfMerit = (reader: number, cases: readonly number[]) => number;

/**
 * The OR analysis of one treatment against a fixed value (e.g. an AUC against chance, ½): Hillis'
 * single-treatment analysis (Hillis 2007, "ddf_H_single"; OR-DBM MRMC's and RJafroc's
 * single-treatment confidence intervals). It is `orAnalysis` with a second treatment whose FOM is
 * `value` for every reader and case subset: that treatment's jackknife values are constant, so Var,
 * Cov2 (and MS(TR)) halve and Cov1 = Cov3 = 0, and the two-treatment error terms become exactly
 * the single-treatment ones, e.g. RRRC: 2E/J = (MS(R) + J·max(Cov2, 0))/J with ddf
 * (MS(R) + J·max(Cov2, 0))² / (MS(R)²/(J − 1)), where MS(R) and Cov2 are the treatment's own. The
 * sample-size formulas (mrmcSampleSize.ts) reduce the same way, so one planner serves both.
 * `difference` is FOM − value and the intervals are those of the difference.
 */
export function orAgainstValue(fom: SingleFigureOfMerit, readers: number, cases: number, value: number): OrAnalysis {
  return orAnalysis((t, r, subset) => (t === 0 ? fom(r, subset) : value), readers, cases);
}
