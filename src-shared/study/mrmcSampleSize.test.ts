/**
 * Power and sample size against RJafroc's tests on the Van Dyke data
 * (dpc10ster/RJafroc, tests/testthat/test-SsSampleSizeRoc.R: SsPowerGivenJK(dataset02, FOM =
 * "Wilcoxon", method = "OR", effectSize = -0.043800322, J = 10, K = 165 | 131 | 53), checked there to
 * 1e-8), with the OR variance components printed in RJafroc's SsPowerGivenJK example 4A
 * (man/SsPowerGivenJK.Rd: VarTR 0.00020040252, Cov1 0.00034661371, Cov2 0.00034407483, Cov3
 * 0.00023902837, Var 0.00080228827, 114 pilot cases). The pilot's MS(TR) is recovered from σ²_TR by
 * Hillis et al. (2011) eq. 9, since Cov2 > Cov3 here.
 */
import { describe, expect, it } from 'vitest';
import { orCasesForPower, type OrPilot, orPower, orVarTR } from './mrmcSampleSize';

const covariances = { var: 0.00080228827, cov1: 0.00034661371, cov2: 0.00034407483, cov3: 0.00023902837 };
const varTR = 0.00020040252;
const pilot: OrPilot = {
  cases: 114,
  covariances,
  msTR: varTR + covariances.var - covariances.cov1 - (covariances.cov2 - covariances.cov3),
};
const effect = -0.043800322;

describe('OR power and sample size (Hillis, Obuchowski & Berbaum 2011)', () => {
  it('takes σ²_TR back from the pilot', () => {
    expect(orVarTR(pilot)).toBeCloseTo(varTR, 15);
  });

  it.each([
    ['RRRC', 165, 0.80541995],
    ['FRRC', 131, 0.80091813],
    ['RRFC', 53, 0.80496663],
  ] as const)('%s: J = 10, K = %i gives RJafroc’s power %f', (analysis, cases, power) => {
    const p = orPower({ pilot, readers: 10, cases, effect, analysis });
    expect(Math.abs((p ?? 0) / power - 1)).toBeLessThan(1e-8);
  });

  it.each(['RRRC', 'FRRC', 'RRFC'] as const)('%s: the planned K is the first reaching 80%%, as a case-by-case search finds', (analysis) => {
    let cases = 2;
    while ((orPower({ pilot, readers: 10, cases, effect, analysis }) ?? 0) < 0.8) cases++;
    const plan = orCasesForPower({ pilot, readers: 10, effect, analysis, target: 0.8 });
    expect(plan).toEqual({ cases, power: orPower({ pilot, readers: 10, cases, effect, analysis }) });
  });

  it('says when more cases cannot help: RRFC power is capped by reader variability', () => {
    // With 3 readers the cap σ²_TR leaves is below 80% for this effect.
    expect(orCasesForPower({ pilot, readers: 3, effect, analysis: 'RRFC', target: 0.8 })).toBeNull();
  });

  it('gives the test size at no effect', () => {
    for (const analysis of ['RRRC', 'FRRC', 'RRFC'] as const) {
      expect(orPower({ pilot, readers: 6, cases: 200, effect: 0, analysis })).toBeCloseTo(0.05, 12);
    }
  });

  it('plans nothing from a pilot whose error term is only rounding, instead of searching for hours', () => {
    // Readers who agree on every case: Var − Cov1 is 0 in exact arithmetic, 5.6e-17 in doubles.
    const v = 0.1 + 0.2 - 0.3 + 0.1;
    const agreeing: OrPilot = { cases: 4, msTR: 0, covariances: { var: v, cov1: 0.1, cov2: 0.1, cov3: 0.1 } };
    expect(v - 0.1).toBeGreaterThan(0);
    for (const analysis of ['RRRC', 'FRRC', 'RRFC'] as const) {
      expect(orPower({ pilot: agreeing, readers: 2, cases: 4, effect: 0.5, analysis })).toBeNull();
      expect(orCasesForPower({ pilot: agreeing, readers: 3, effect: 0.5, analysis, target: 0.8 })).toBeNull();
    }
  });
});
