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
 * - "Made by AI?" rated with confidence (questions.whichIsAi === 'confidence'): each reader's
 *   empirical AUC of telling the AI contour from the human one (aiIdentificationAuc), tested
 *   against chance (½) by the single-treatment OR analysis. Studies asking the binary choice (all
 *   made before the rating existed) have no ratings to build an ROC curve from, and no AUC.
 */
import type { AnalysisInput } from './analysis';
import { decodeAnswers, type DecodedAnswer } from './decode';
import { isAiSource, sourcePairs } from './design';
import { orAgainstValue, orAnalysis, type OrAnalysis } from './mrmc';
import { empiricalAuc, empiricalRoc, type RocPoint } from './statistics/auc';

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

/** One reader's identification of the AI contour from their confidence ratings. */
export interface AiAucReader {
  readonly readerId: string;
  /** Empirical (Wilcoxon) AUC over the analysed cases; null when a class has no trial. */
  readonly auc: number | null;
  /** Trials whose rated contour (B, or the one shown) was the AI's: the ROC's positives. */
  readonly aiRated: number;
  /** Trials whose rated contour was a human's (rater or consensus): the negatives. */
  readonly humanRated: number;
  readonly roc: readonly RocPoint[];
}

/** The AUC of "made by AI?" identification, per reader and against chance by OR. */
export interface AiIdentificationAuc {
  readonly readerIds: readonly string[];
  readonly caseIds: readonly string[];
  /** Cases of the study not rated by every one of the readers. */
  readonly casesLeftOut: number;
  readonly readers: readonly AiAucReader[];
  /** One treatment (the readers' AUC) against ½: `difference` is mean AUC − ½, the CIs are of it. */
  readonly analysis: OrAnalysis | null;
  readonly note: string | null;
}

export interface StudyMrmc {
  readonly figureOfMerit: string;
  /** Acceptability comparisons; empty when acceptability was not asked. */
  readonly comparisons: readonly MrmcComparison[];
  /** null unless "made by AI?" was rated with confidence. */
  readonly aiIdentificationAuc: AiIdentificationAuc | null;
  readonly methods: readonly string[];
}

const OR_METHODS = [
  'Multi-reader multi-case analysis: Obuchowski–Rockette (Obuchowski & Rockette 1995) with the error covariances Var, Cov1, Cov2, Cov3 estimated by jackknifing cases, and Hillis’ denominator degrees of freedom (Hillis 2007), as in OR-DBM MRMC, RJafroc (method "OR") and the FDA’s iMRMC; checked against the published Van Dyke results.',
  'RRRC (random readers, random cases) generalises to other readers and cases; FRRC fixes these readers (chi-square / normal); RRFC fixes these cases (a paired t-test on the readers’ figures of merit).',
  'Sample size: Hillis, Obuchowski & Berbaum (2011), from this study’s variance components, two-sided α = 0.05.',
];
const ACCEPTABILITY_METHOD =
  'Figure of merit: each reader’s mean acceptability score (1–5) of a source; a difference > 0 means the first (model) source scored higher. Only readers and cases scored for both sources enter (fully crossed design).';
const AUC_METHOD =
  '“Made by AI?” AUC: each reader’s empirical (Wilcoxon–Mann–Whitney, ties counted ½) ROC area of telling the AI contour from the human one, from their 1–5 confidence ratings that the rated contour (B, or the one shown) is the AI’s; paired trials without exactly one model source are left out. It is tested against chance (AUC ½) by the single-treatment OR analysis (Hillis 2007, ddf_H_single; checked against OR-DBM MRMC’s single-treatment intervals for the Van Dyke data), jackknifing cases; a reader’s trials on a case leave together. Only cases rated by every reader enter.';
const NO_AUC_METHOD =
  'The AUC of “made by AI?” identification is not computed: this study asked it as a binary choice, without a confidence rating.';

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

type Rated = NonNullable<DecodedAnswer['aiRating']>;

/**
 * Each reader's AUC and the OR analysis against chance. A reader's FOM on a set of cases is the
 * empirical AUC of all their rated trials on those cases, so the jackknife leaves a case's trials
 * (one per source pair in paired mode) out together: cases are the sampling unit.
 */
function aiIdentificationAuc(input: AnalysisInput, decoded: readonly DecodedAnswer[]): AiIdentificationAuc {
  const byReaderCase = new Map<string, Rated[]>();
  for (const d of decoded) {
    if (d.aiRating === null) continue;
    const key = JSON.stringify([d.answer.readerId, d.trial.caseId]);
    byReaderCase.set(key, [...(byReaderCase.get(key) ?? []), d.aiRating]);
  }
  const rated = (r: string, c: string) => byReaderCase.get(JSON.stringify([r, c])) ?? [];
  const { caseIds } = input.config;
  const readerIds = input.config.readerIds.filter((r) => caseIds.some((c) => rated(r, c).length > 0));
  const cases = caseIds.filter((c) => readerIds.every((r) => rated(r, c).length > 0));
  const classes = (r: number, subset: readonly number[]) => {
    const all = subset.flatMap((k) => rated(readerIds[r], cases[k]));
    return { ai: all.filter((x) => x.ratedIsAi).map((x) => x.rating), human: all.filter((x) => !x.ratedIsAi).map((x) => x.rating) };
  };
  const everyCase = cases.map((_, k) => k);
  const readers = readerIds.map((readerId, r) => {
    const { ai, human } = classes(r, everyCase);
    return { readerId, auc: empiricalAuc(ai, human), aiRated: ai.length, humanRated: human.length, roc: empiricalRoc(ai, human) };
  });
  const base = { readerIds, caseIds: cases, casesLeftOut: caseIds.length - cases.length, readers };
  if (readerIds.length < 2 || cases.length < 2) {
    const note = `needs at least 2 readers and 2 cases rated by every reader (has ${readerIds.length} and ${cases.length})`;
    return { ...base, analysis: null, note };
  }
  const analysis = orAgainstValue(
    (r, subset) => {
      const { ai, human } = classes(r, subset);
      return empiricalAuc(ai, human) ?? NaN;
    },
    readerIds.length,
    cases.length,
    0.5,
  );
  // A reader whose AI (or human) contours sit on one case only has no AUC without that case.
  const finite = [...analysis.foms[0], ...Object.values(analysis.covariances)].every(Number.isFinite);
  if (!finite) {
    const note =
      'every reader needs AI and human contours rated on at least two cases each, so that leaving out any one case leaves an AUC';
    return { ...base, analysis: null, note };
  }
  return { ...base, analysis, note: null };
}

/**
 * The OR analyses of a closed study: acceptability comparisons when acceptability was asked, the
 * "made by AI?" AUC when it was rated with confidence; null when neither was asked.
 */
export function mrmcOfStudy(input: AnalysisInput): StudyMrmc | null {
  const { acceptability, whichIsAi } = input.config.questions;
  if (!acceptability && whichIsAi !== 'confidence') return null;
  const pairs = sourcePairs(input.config);
  const withModel = pairs.filter(([a, b]) => isAiSource(a) !== isAiSource(b)).map(([a, b]) => (isAiSource(a) ? [a, b] : [b, a]));
  const compared = withModel.length > 0 ? withModel : pairs;
  const scores = acceptability ? meanScores(input) : null;
  const rated = whichIsAi === 'confidence';
  return {
    figureOfMerit: 'mean acceptability score (1–5)',
    comparisons: scores ? compared.map(([a, b]) => comparison(input, scores, a.sourceId, b.sourceId)) : [],
    aiIdentificationAuc: rated ? aiIdentificationAuc(input, decodeAnswers(input.config, input.state, input.trials, input.answers)) : null,
    methods: [
      ...OR_METHODS,
      ...(acceptability ? [ACCEPTABILITY_METHOD] : []),
      ...(rated ? [AUC_METHOD] : whichIsAi ? [NO_AUC_METHOD] : []),
    ],
  };
}
