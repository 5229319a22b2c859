/**
 * The OR analysis checked against the published results for the Van Dyke dataset: the OR-DBM MRMC
 * 2.51 (Iowa) output that RJafroc's tests compare its `St(dataset02, FOM = "Wilcoxon", method =
 * "OR")` with (dpc10ster/RJafroc, inst/Iowa/VanDyke.txt and tests/testthat/test-StCompare2Iowa.R),
 * each figure to the precision it is printed with, and RJafroc's more precise RRRC p-value
 * 0.051665686 (inst/obumrm2/ObuRoc.R). The Wilcoxon AUC is written here, from its definition: the
 * app's figure of merit is the mean score, but the published example is an ROC study.
 */
import { describe, expect, it } from 'vitest';
import { type FigureOfMerit, orAgainstValue, orAnalysis } from './mrmc';
import { orPower } from './mrmcSampleSize';
import { empiricalAuc } from './statistics/auc';
import { noncentralF1Upper, studentTQuantile } from './statistics/studentT';
import { VAN_DYKE_RATINGS, VAN_DYKE_TRUTH } from './vanDykeData';

/** Trapezoidal AUC = P(abnormal rated above normal) + ½ P(tie), over the given cases. */
const wilcoxonAuc: FigureOfMerit = (t, r, cases) => {
  const rating = (k: number) => Number(VAN_DYKE_RATINGS[t][r][k]);
  const normal = cases.filter((k) => VAN_DYKE_TRUTH[k] === '0').map(rating);
  const abnormal = cases.filter((k) => VAN_DYKE_TRUTH[k] === '1').map(rating);
  return empiricalAuc(abnormal, normal) ?? NaN;
};

/** |actual − printed| within half a unit of the printed figure's last digit. */
function printed(actual: number | null | undefined, text: string): void {
  const decimals = text.split('.')[1]?.length ?? 0;
  expect(actual).not.toBeNull();
  expect(Math.abs((actual as number) - Number(text))).toBeLessThanOrEqual(0.5 * 10 ** -decimals + 1e-15);
}

describe('Obuchowski–Rockette analysis (Hillis ddf) on the Van Dyke data', () => {
  const vd = orAnalysis(wilcoxonAuc, 5, 114);

  it('reproduces the reader AUCs, their means and difference', () => {
    const published = [
      ['0.91964573', '0.85877617', '0.90386473', '0.97310789', '0.82979066'],
      ['0.94782609', '0.90531401', '0.92173913', '0.99935588', '0.92995169'],
    ];
    published.forEach((row, t) => row.forEach((auc, r) => printed(vd.foms[t][r], auc)));
    printed(vd.means[0], '0.89703704');
    printed(vd.means[1], '0.94083736');
    printed(vd.difference, '-0.04380032');
  });

  it('reproduces the treatment × reader ANOVA and the jackknife OR covariances', () => {
    printed(vd.msT, '0.00479617');
    printed(vd.msR, '0.00383620');
    printed(vd.msTR, '0.00055103');
    printed(vd.covariances.var, '0.00080229');
    printed(vd.covariances.cov1, '0.00034661');
    printed(vd.covariances.cov2, '0.00034407');
    printed(vd.covariances.cov3, '0.00023903');
  });

  it('reproduces RRRC: F, Hillis ddf, p and the CI of the difference', () => {
    const t = vd.rrrc;
    printed(t?.f, '4.46');
    printed(t?.ddf, '15.26');
    printed(t?.pValue, '0.051665686');
    printed(t?.stdErr, '0.02075');
    printed(t?.ciLower, '-0.08796');
    printed(t?.ciUpper, '0.00036');
    // Error term MS(TR) + J·max(Cov2 − Cov3, 0), printed as the F test's denominator mean square.
    printed(((t?.stdErr ?? 0) ** 2 * 5) / 2, '0.00107626');
  });

  it('reproduces FRRC: chi-square, p and the z interval', () => {
    const t = vd.frrc;
    expect(t?.ddf).toBeNull();
    printed(t?.f, '5.47595');
    printed(t?.pValue, '0.0193');
    printed(t?.stdErr, '0.01872');
    printed(t?.ciLower, '-0.08049');
    printed(t?.ciUpper, '-0.00711');
  });

  it('reproduces RRFC: the paired t-test on reader AUCs', () => {
    const t = vd.rrfc;
    printed(t?.f, '8.70');
    expect(t?.ddf).toBe(4);
    printed(t?.pValue, '0.0420');
    printed(t?.stdErr, '0.01485');
    printed(t?.ciLower, '-0.08502');
    printed(t?.ciUpper, '-0.00258');
  });
});

describe('orAnalysis on constructed data', () => {
  it('swapping the treatments negates the difference and keeps every test', () => {
    const scores = [
      [
        [4, 5, 3, 4, 2, 5],
        [3, 4, 4, 5, 2, 4],
        [5, 5, 4, 3, 3, 4],
      ],
      [
        [3, 4, 3, 2, 2, 4],
        [3, 3, 4, 4, 1, 3],
        [4, 5, 2, 3, 3, 3],
      ],
    ];
    const meanOf =
      (swap: boolean): FigureOfMerit =>
      (t, r, cases) =>
        cases.reduce((s, k) => s + scores[swap ? 1 - t : t][r][k], 0) / cases.length;
    const a = orAnalysis(meanOf(false), 3, 6);
    const b = orAnalysis(meanOf(true), 3, 6);
    expect(b.difference).toBeCloseTo(-a.difference, 14);
    for (const key of ['rrrc', 'frrc', 'rrfc'] as const) {
      expect(b[key]?.pValue).toBeCloseTo(a[key]?.pValue ?? NaN, 12);
      expect(b[key]?.ciLower).toBeCloseTo(-(a[key]?.ciUpper ?? NaN), 12);
    }
  });

  it('gives RRFC no test when every reader shows the same difference', () => {
    // Source 0 scores exactly one point above source 1 for every reader and case: MS(TR) = 0.
    const fom: FigureOfMerit = (t, r, cases) => cases.reduce((s, k) => s + ((k + r) % 5) + (t === 0 ? 1 : 0), 0) / cases.length;
    const a = orAnalysis(fom, 3, 5);
    expect(a.msTR).toBeCloseTo(0, 14);
    expect(a.rrfc).toBeNull();
  });

  it('refuses fewer than 2 readers or 2 cases', () => {
    const fom: FigureOfMerit = () => 1;
    expect(() => orAnalysis(fom, 1, 10)).toThrow(/2 readers/);
    expect(() => orAnalysis(fom, 3, 1)).toThrow(/2 cases/);
  });
});

/**
 * Each treatment's AUC against chance: OR-DBM MRMC's "single treatment AUC 95% confidence
 * intervals" for the Van Dyke data (inst/Iowa/VanDyke.txt, analyses 1c, 2c and 3c; RJafroc's
 * `ciAvgRdrEachTrt`), to the printed precision: the AUC, its standard error, Hillis' single-treatment
 * ddf and the interval, for random readers and cases, fixed readers and fixed cases.
 */
describe('orAgainstValue: one treatment against a fixed AUC, on the Van Dyke data', () => {
  const published = [
    {
      auc: '0.89703704',
      rrrc: { se: '0.03317360', df: '12.74', ci: ['0.82522360', '0.96885048'] },
      frrc: { se: '0.02428971', ci: ['0.84943008', '0.94464399'] },
      rrfc: { se: '0.02482994', ci: ['0.82809808', '0.96597599'] },
      msR: '0.00308263',
      var: '0.00101410',
      cov2: '0.00048396',
    },
    {
      auc: '0.94083736',
      rrrc: { se: '0.02156637', df: '12.71', ci: ['0.89413783', '0.98753689'] },
      frrc: { se: '0.01677632', ci: ['0.90795637', '0.97371835'] },
      rrfc: { se: '0.01615303', ci: ['0.89598936', '0.98568536'] },
      msR: '0.00130460',
      var: '0.00059047',
      cov2: '0.00020419',
    },
  ];
  published.forEach((p, t) => {
    const chance = orAgainstValue((r, cases) => wilcoxonAuc(t as 0 | 1, r, cases), 5, 114, 0.5);
    it(`treatment ${t + 1}: the AUC, and the embedded treatment's halved MS(R), Var and Cov2`, () => {
      printed(chance.means[0], p.auc);
      printed(chance.difference + 0.5, p.auc);
      // The constant second treatment halves the mean squares and covariances of the first.
      printed(2 * chance.msTR, p.msR);
      printed(2 * chance.covariances.var, p.var);
      printed(2 * chance.covariances.cov2, p.cov2);
      expect(chance.covariances.cov1).toBe(0);
      expect(chance.covariances.cov3).toBe(0);
    });
    it(`treatment ${t + 1}: RRRC, FRRC and RRFC intervals of the AUC`, () => {
      printed(chance.rrrc?.stdErr, p.rrrc.se);
      printed(chance.rrrc?.ddf, p.rrrc.df);
      printed((chance.rrrc?.ciLower ?? NaN) + 0.5, p.rrrc.ci[0]);
      printed((chance.rrrc?.ciUpper ?? NaN) + 0.5, p.rrrc.ci[1]);
      printed(chance.frrc?.stdErr, p.frrc.se);
      expect(chance.frrc?.ddf).toBeNull();
      printed((chance.frrc?.ciLower ?? NaN) + 0.5, p.frrc.ci[0]);
      printed((chance.frrc?.ciUpper ?? NaN) + 0.5, p.frrc.ci[1]);
      printed(chance.rrfc?.stdErr, p.rrfc.se);
      expect(chance.rrfc?.ddf).toBe(4);
      printed((chance.rrfc?.ciLower ?? NaN) + 0.5, p.rrfc.ci[0]);
      printed((chance.rrfc?.ciUpper ?? NaN) + 0.5, p.rrfc.ci[1]);
    });
  });

  it('plans with the single-treatment formulas (σ²_R, Var + (J − 1)·Cov2), worked out from the printed components', () => {
    // Hillis et al. (2011) for one treatment against a value: σ²_R = MS(R) − Var + Cov2; with K′/K
    // the case scaling, den = σ²_R + (K′/K)(Var + (J − 1)·Cov2), λ = J·d²/den, and the RRRC ddf
    // den² / ((σ²_R + (K′/K)(Var − Cov2))² / (J − 1)). Treatment 1's printed values, J = 4, K = 60.
    const msR = 0.00308263;
    const v = 0.0010141;
    const cov2 = 0.00048396;
    const [J, K, d] = [4, 60, 0.1];
    const s = 114 / K;
    const sigmaR = msR - v + cov2;
    const den = sigmaR + s * (v + (J - 1) * cov2);
    const ddf = den ** 2 / ((sigmaR + s * (v - cov2)) ** 2 / (J - 1));
    const expected = noncentralF1Upper(studentTQuantile(0.975, ddf) ** 2, ddf, (J * d * d) / den);
    const chance = orAgainstValue((r, cases) => wilcoxonAuc(0, r, cases), 5, 114, 0.5);
    const power = orPower({ pilot: chance, readers: J, cases: K, effect: d, analysis: 'RRRC' });
    // The printed components carry 6 significant digits.
    expect(Math.abs((power ?? NaN) - expected)).toBeLessThan(1e-4);
  });
});
