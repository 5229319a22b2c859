/**
 * The OR analysis checked against the published results for the Van Dyke dataset: the OR-DBM MRMC
 * 2.51 (Iowa) output that RJafroc's tests compare its `St(dataset02, FOM = "Wilcoxon", method =
 * "OR")` with (dpc10ster/RJafroc, inst/Iowa/VanDyke.txt and tests/testthat/test-StCompare2Iowa.R),
 * each figure to the precision it is printed with, and RJafroc's more precise RRRC p-value
 * 0.051665686 (inst/obumrm2/ObuRoc.R). The Wilcoxon AUC is written here, from its definition: the
 * app's figure of merit is the mean score, but the published example is an ROC study.
 */
import { describe, expect, it } from 'vitest';
import { type FigureOfMerit, orAnalysis } from './mrmc';
import { VAN_DYKE_RATINGS, VAN_DYKE_TRUTH } from './vanDykeData';

/** Trapezoidal AUC = P(abnormal rated above normal) + ½ P(tie), over the given cases. */
const wilcoxonAuc: FigureOfMerit = (t, r, cases) => {
  const rating = (k: number) => Number(VAN_DYKE_RATINGS[t][r][k]);
  const normal = cases.filter((k) => VAN_DYKE_TRUTH[k] === '0').map(rating);
  const abnormal = cases.filter((k) => VAN_DYKE_TRUTH[k] === '1').map(rating);
  let s = 0;
  for (const a of abnormal) for (const n of normal) s += a > n ? 1 : a === n ? 0.5 : 0;
  return s / (normal.length * abnormal.length);
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
