/**
 * The multi-reader multi-case analysis of a closed reader study's acceptability scores
 * (Obuchowski–Rockette with Hillis' ddf, mrmc.ts), beside analysis.ts's per-reader and pooled tests,
 * which treat answers as independent. Readers and cases are both random samples, so this is the
 * analysis whose conclusion ("the model's contours are as acceptable as the expert's") generalises
 * to other readers and other cases (RRRC), and says how far it holds for these readers (FRRC) or
 * these cases (RRFC).
 *
 * - Figure of merit: a reader's mean acceptability score (1–5) of a source over the cases. A
 *   reader's score of a source on a case is the mean of the scores they gave it on that case (in
 *   paired mode with three or more sources a source is shown in several pairs per case).
 * - Comparisons: each model source against each other source (an expert, the majority), the model
 *   first, so a positive difference means the model scored higher. A study without a model compares
 *   every pair.
 * - The OR analysis needs a fully crossed design: a comparison uses the readers who scored both
 *   sources on at least one case, and the cases every one of them scored for both; the others are
 *   counted as left out.
 * - "Made by AI?" is a binary choice; readers give no confidence rating, so the ROC AUC of AI
 *   identification (the other figure of merit the OR method is used with) is not defined here.
 */
import type { AnalysisInput } from './analysis';
import { decodeAnswers } from './decode';
import { isAiSource, sourcePairs } from './design';
import { orAnalysis, type OrAnalysis } from './mrmc';

export interface MrmcComparison {
  /** The model source when the pair has one. */
  readonly first: string;
  readonly second: string;
  readonly readerIds: readonly string[];
  readonly caseIds: readonly string[];
  /** Cases of the study not scored for both sources by every one of the readers. */
  readonly casesLeftOut: number;
  /** null when fewer than two readers or two cases remain; `note` says which. */
  readonly analysis: OrAnalysis | null;
  readonly note: string | null;
}

export interface StudyMrmc {
  readonly figureOfMerit: string;
  readonly comparisons: readonly MrmcComparison[];
  readonly methods: readonly string[];
}

const METHODS = [
  'Multi-reader multi-case analysis: Obuchowski–Rockette (Obuchowski & Rockette 1995) with the error covariances Var, Cov1, Cov2, Cov3 estimated by jackknifing cases, and Hillis’ denominator degrees of freedom (Hillis 2007), as in OR-DBM MRMC, RJafroc (method "OR") and the FDA’s iMRMC; checked against the published Van Dyke results.',
  'RRRC (random readers, random cases) generalises to other readers and cases; FRRC fixes these readers (chi-square / normal); RRFC fixes these cases (a paired t-test on the readers’ figures of merit).',
  'Figure of merit: each reader’s mean acceptability score (1–5) of a source; a difference > 0 means the first (model) source scored higher. Only readers and cases scored for both sources enter (fully crossed design).',
  'The AUC of "made by AI?" identification is not computed: readers answer it as a binary choice, without a confidence rating.',
  'Sample size: Hillis, Obuchowski & Berbaum (2011), from this study’s variance components, two-sided α = 0.05.',
];

/** Mean score per (reader, case, source), keyed by JSON [readerId, caseId, sourceId]. */
function meanScores(input: AnalysisInput): Map<string, number> {
  const sums = new Map<string, { sum: number; n: number }>();
  for (const d of decodeAnswers(input.config, input.state, input.trials, input.answers)) {
    for (const [sourceId, score] of d.acceptability) {
      const key = JSON.stringify([d.answer.readerId, d.trial.caseId, sourceId]);
      const s = sums.get(key) ?? { sum: 0, n: 0 };
      sums.set(key, { sum: s.sum + score, n: s.n + 1 });
    }
  }
  return new Map([...sums].map(([k, s]) => [k, s.sum / s.n]));
}

function comparison(input: AnalysisInput, scores: Map<string, number>, first: string, second: string): MrmcComparison {
  const { caseIds } = input.config;
  const score = (r: string, c: string, s: string) => scores.get(JSON.stringify([r, c, s]));
  const both = (r: string, c: string) => score(r, c, first) !== undefined && score(r, c, second) !== undefined;
  const readerIds = input.config.readerIds.filter((r) => caseIds.some((c) => both(r, c)));
  const cases = caseIds.filter((c) => readerIds.every((r) => both(r, c)));
  const base = { first, second, readerIds, caseIds: cases, casesLeftOut: caseIds.length - cases.length };
  if (readerIds.length < 2 || cases.length < 2) {
    return {
      ...base,
      analysis: null,
      note: `needs at least 2 readers and 2 cases scored for both sources (has ${readerIds.length} and ${cases.length})`,
    };
  }
  const sources = [first, second] as const;
  const analysis = orAnalysis(
    (t, r, subset) => subset.reduce((sum, k) => sum + (score(readerIds[r], cases[k], sources[t]) ?? NaN), 0) / subset.length,
    readerIds.length,
    cases.length,
  );
  return { ...base, analysis, note: null };
}

/** The OR analysis of a closed study's acceptability scores; null when acceptability was not asked. */
export function mrmcOfStudy(input: AnalysisInput): StudyMrmc | null {
  if (!input.config.questions.acceptability) return null;
  const scores = meanScores(input);
  const pairs = sourcePairs(input.config);
  const withModel = pairs.filter(([a, b]) => isAiSource(a) !== isAiSource(b)).map(([a, b]) => (isAiSource(a) ? [a, b] : [b, a]));
  const compared = withModel.length > 0 ? withModel : pairs;
  return {
    figureOfMerit: 'mean acceptability score (1–5)',
    comparisons: compared.map(([a, b]) => comparison(input, scores, a.sourceId, b.sourceId)),
    methods: METHODS,
  };
}
