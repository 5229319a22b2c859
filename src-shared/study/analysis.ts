/**
 * Statistics of a closed reader study, per reader and pooled (readerId null = all readers).
 *
 * - Preference, per source pair (first, second in config order): rate = prefer first / (prefer
 *   first + prefer second). "No preference" answers are counted and reported beside it but left out
 *   of the rate's denominator and of the test, i.e. the rate answers "when readers chose, how often
 *   did they choose the first source?". Wilson 95% CI, exact two-sided binomial test against ½.
 * - AI identification: accuracy of "which one is AI?" with the same interval and test. Paired
 *   trials count only when exactly one source is a model; chance is ½. Single mode: chance is the
 *   accuracy of the best uninformed guesser, max(π, 1 − π) with π the share of AI trials answered
 *   (½ in a balanced design). A non-significant result is never called a pass: beside the test the
 *   report gives its power at this many answers against readers who close half the gap between
 *   chance and perfect (¾ at chance ½), the smallest accuracy it would detect with 80% power, and
 *   the answers needed; below 80% power the verdict is "not enough answers to conclude".
 * - Acceptability: the 1–5 histogram per source, and a paired Wilcoxon signed-rank test per source
 *   pair on the scores a reader gave both sources for the same case (paired mode: in the same trial).
 * - Agreement: Fleiss' kappa between readers on each pair's preference (categories: first, second,
 *   none; subjects: cases). Inherently a between-reader statistic, so pooled only.
 *
 * Pooled tests treat every answer as independent; with few readers, read the per-reader results too.
 */
import type { StoredAnswer } from './answers';
import { decodeAnswers, type DecodedAnswer } from './decode';
import { isAiSource, sourcePairs, type StudyConfig, type StudyMode, type StudyState } from './design';
import {
  binomialPower,
  binomialTest,
  detectableRate,
  type FleissKappaResult,
  fleissKappaFromRatings,
  trialsForPower,
  type WilcoxonResult,
  wilcoxonSignedRank,
  wilsonInterval,
} from './statistics';
import type { ServerTrial } from './trials';

/** Significance level of the AI-identification verdict. */
const ALPHA = 0.05;

/** The power below which a non-significant AI-identification test is "not enough answers to conclude". */
const POWER_TARGET = 0.8;

/**
 * What the AI-identification test says. A model is never said to "pass": a non-significant test
 * is either underpowered (not enough answers to conclude) or, with ≥ 80% power, no evidence that
 * readers beat chance, which is not proof that they cannot.
 */
export const AI_VERDICTS = ['no-answers', 'not-enough-answers', 'no-evidence', 'readers-beat-chance', 'readers-below-chance'] as const;
export type AiVerdict = (typeof AI_VERDICTS)[number];

export interface RateSummary {
  readonly successes: number;
  readonly trials: number;
  /** successes / trials; null when there are no trials. */
  readonly rate: number | null;
  readonly ciLower: number | null;
  readonly ciUpper: number | null;
  /** Exact two-sided binomial p-value against `nullRate`. */
  readonly pValue: number | null;
  readonly nullRate: number;
}

export function rateSummary(successes: number, trials: number, nullRate = 0.5): RateSummary {
  if (trials === 0) return { successes, trials, rate: null, ciLower: null, ciUpper: null, pValue: null, nullRate };
  const ci = wilsonInterval(successes, trials);
  return {
    successes,
    trials,
    rate: ci.estimate,
    ciLower: ci.lower,
    ciUpper: ci.upper,
    pValue: binomialTest(successes, trials, nullRate).pValue,
    nullRate,
  };
}

export interface PreferenceResult {
  readonly readerId: string | null;
  readonly first: string;
  readonly second: string;
  readonly preferFirst: number;
  readonly preferSecond: number;
  readonly noPreference: number;
  /** Rate of preferring `first` among answers that expressed a preference. */
  readonly firstPreferred: RateSummary;
}

export interface AiIdentificationResult {
  readonly readerId: string | null;
  /** Paired: the (model, human) pair; null for all eligible trials together. */
  readonly pair: readonly [string, string] | null;
  readonly accuracy: RateSummary;
  readonly verdict: AiVerdict;
  /** The alternative the power refers to: halfway between chance and perfect (¾ at chance ½). */
  readonly designAccuracy: number;
  /** Probability that the test (α = 0.05) detects `designAccuracy` with this many answers. */
  readonly power: number;
  /** The smallest true accuracy detected with 80% power at this many answers; null when none is. */
  readonly detectableAccuracy: number | null;
  /** Answers needed for 80% power against `designAccuracy`; null beyond 2000. */
  readonly answersNeeded: number | null;
}

export interface AiJudgementBySource {
  readonly readerId: string | null;
  readonly sourceId: string;
  readonly isAi: boolean;
  /** Single mode: how often this source was judged to be AI. */
  readonly judgedAi: RateSummary;
}

export interface AcceptabilitySummary {
  readonly readerId: string | null;
  readonly sourceId: string;
  /** counts[s − 1] = number of scores s, s = 1..5. */
  readonly counts: readonly number[];
  readonly n: number;
  readonly mean: number | null;
  readonly median: number | null;
}

export interface AcceptabilityComparison {
  readonly readerId: string | null;
  readonly first: string;
  readonly second: string;
  /** Wilcoxon on (score of first, score of second); V counts cases where first scored higher. */
  readonly wilcoxon: WilcoxonResult | null;
}

export interface PreferenceAgreement {
  readonly first: string;
  readonly second: string;
  readonly fleiss: FleissKappaResult | null;
  readonly note: string | null;
}

export interface StudyAnalysis {
  readonly studyId: string;
  readonly mode: StudyMode;
  readonly readerIds: readonly string[];
  readonly trialsPlanned: number;
  readonly answers: number;
  readonly preference: readonly PreferenceResult[];
  readonly aiIdentification: readonly AiIdentificationResult[];
  readonly aiJudgementBySource: readonly AiJudgementBySource[];
  readonly acceptability: readonly AcceptabilitySummary[];
  readonly acceptabilityComparisons: readonly AcceptabilityComparison[];
  readonly agreement: readonly PreferenceAgreement[];
  /** The conventions used, in words, for the report. */
  readonly methods: readonly string[];
}

const METHODS = [
  'Preference rate: share of answers preferring the first source among answers that expressed a preference; "no preference" answers are reported separately and excluded from the denominator.',
  'Intervals: Wilson score 95% CI. Tests: exact two-sided binomial (R binom.test convention) against 0.5, or against chance for AI identification.',
  'AI identification counts paired trials with exactly one model source; where readers gave a 1–5 confidence rating, 1–2 and 4–5 count as picking that side and 3 ("cannot tell") as no pick. A non-significant result is not a pass: its power (α = 0.05) against readers halfway between chance and perfect is reported, with the smallest accuracy detectable with 80% power; below 80% power the verdict is "not enough answers to conclude".',
  'Acceptability: Wilcoxon signed-rank, paired by reader and case; zero differences dropped, mid-ranks for ties, normal approximation with tie and continuity correction unless n < 50 without ties or zeros (exact), as R wilcox.test.',
  "Agreement: Fleiss' kappa on preferences (first / second / no preference) across readers, cases as subjects.",
  'Pooled results treat all answers as independent.',
];

function scopes(readerIds: readonly string[]): (string | null)[] {
  return [...readerIds, null];
}

function inScope(d: DecodedAnswer, readerId: string | null): boolean {
  return readerId === null || d.answer.readerId === readerId;
}

function sameUnorderedPair(t: ServerTrial, first: string, second: string): boolean {
  return (t.sourceA === first && t.sourceB === second) || (t.sourceA === second && t.sourceB === first);
}

function medianOf(sorted: readonly number[]): number | null {
  if (sorted.length === 0) return null;
  const m = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2;
}

/** Paired (first, second) scores per reader and case. */
function pairedScores(decoded: readonly DecodedAnswer[], mode: StudyMode, first: string, second: string): { x: number[]; y: number[] } {
  const x: number[] = [];
  const y: number[] = [];
  if (mode === 'paired') {
    for (const d of decoded) {
      const a = d.acceptability.get(first);
      const b = d.acceptability.get(second);
      if (sameUnorderedPair(d.trial, first, second) && a !== undefined && b !== undefined) {
        x.push(a);
        y.push(b);
      }
    }
    return { x, y };
  }
  const byReaderCase = new Map<string, Map<string, number>>();
  for (const d of decoded) {
    const key = JSON.stringify([d.answer.readerId, d.trial.caseId]);
    const m = byReaderCase.get(key) ?? new Map<string, number>();
    for (const [s, v] of d.acceptability) m.set(s, v);
    byReaderCase.set(key, m);
  }
  for (const m of byReaderCase.values()) {
    const a = m.get(first);
    const b = m.get(second);
    if (a !== undefined && b !== undefined) {
      x.push(a);
      y.push(b);
    }
  }
  return { x, y };
}

function aiIdentificationOf(
  readerId: string | null,
  pair: readonly [string, string] | null,
  accuracy: RateSummary,
): AiIdentificationResult {
  const chance = accuracy.nullRate;
  const designAccuracy = chance + (1 - chance) / 2;
  const power = binomialPower(accuracy.trials, chance, designAccuracy, ALPHA);
  const verdict: AiVerdict =
    accuracy.rate === null || accuracy.pValue === null
      ? 'no-answers'
      : accuracy.pValue < ALPHA
        ? accuracy.rate > chance
          ? 'readers-beat-chance'
          : 'readers-below-chance'
        : power < POWER_TARGET
          ? 'not-enough-answers'
          : 'no-evidence';
  return {
    readerId,
    pair,
    accuracy,
    verdict,
    designAccuracy,
    power,
    detectableAccuracy: detectableRate(accuracy.trials, chance, ALPHA, POWER_TARGET),
    // At chance 1 no accuracy lies above it: nothing to detect, however many answers.
    answersNeeded: chance < 1 ? trialsForPower(chance, designAccuracy, ALPHA, POWER_TARGET) : null,
  };
}

export interface AnalysisInput {
  readonly config: StudyConfig;
  readonly state: StudyState;
  readonly trials: readonly ServerTrial[];
  readonly answers: readonly StoredAnswer[];
}

/** All statistics of a closed study. Throws StudyNotClosedError unless the study is closed. */
export function analyseStudy({ config, state, trials, answers }: AnalysisInput): StudyAnalysis {
  const decoded = decodeAnswers(config, state, trials, answers);
  const pairs = sourcePairs(config).map(([a, b]) => [a.sourceId, b.sourceId] as const);
  const aiIds = new Set(config.sources.filter(isAiSource).map((s) => s.sourceId));
  const all = scopes(config.readerIds);

  const preference: PreferenceResult[] = [];
  const aiIdentificationResults: AiIdentificationResult[] = [];
  const aiJudgementBySource: AiJudgementBySource[] = [];
  const acceptability: AcceptabilitySummary[] = [];
  const acceptabilityComparisons: AcceptabilityComparison[] = [];

  for (const readerId of all) {
    const mine = decoded.filter((d) => inScope(d, readerId));
    if (config.mode === 'paired') {
      for (const [first, second] of pairs) {
        const ofPair = mine.filter((d) => sameUnorderedPair(d.trial, first, second));
        if (config.questions.preference) {
          const preferFirst = ofPair.filter((d) => d.preferred === first).length;
          const preferSecond = ofPair.filter((d) => d.preferred === second).length;
          const noPreference = ofPair.filter((d) => d.preferred === 'none').length;
          preference.push({
            readerId,
            first,
            second,
            preferFirst,
            preferSecond,
            noPreference,
            firstPreferred: rateSummary(preferFirst, preferFirst + preferSecond),
          });
        }
        if (config.questions.whichIsAi && aiIds.has(first) !== aiIds.has(second)) {
          const graded = ofPair.filter((d) => d.aiCorrect !== null);
          const accuracy = rateSummary(graded.filter((d) => d.aiCorrect).length, graded.length);
          aiIdentificationResults.push(aiIdentificationOf(readerId, [first, second], accuracy));
        }
      }
      if (config.questions.whichIsAi && pairs.filter(([a, b]) => aiIds.has(a) !== aiIds.has(b)).length > 1) {
        const graded = mine.filter((d) => d.aiCorrect !== null);
        const accuracy = rateSummary(graded.filter((d) => d.aiCorrect).length, graded.length);
        aiIdentificationResults.push(aiIdentificationOf(readerId, null, accuracy));
      }
    } else if (config.questions.whichIsAi) {
      const graded = mine.filter((d) => d.aiCorrect !== null);
      const aiShare = graded.length === 0 ? 0.5 : graded.filter((d) => aiIds.has(d.trial.sourceA)).length / graded.length;
      const accuracy = rateSummary(graded.filter((d) => d.aiCorrect).length, graded.length, Math.max(aiShare, 1 - aiShare));
      aiIdentificationResults.push(aiIdentificationOf(readerId, null, accuracy));
      for (const s of config.sources) {
        const ofSource = graded.filter((d) => d.trial.sourceA === s.sourceId);
        const judgedAi = rateSummary(ofSource.filter((d) => d.judgedAi).length, ofSource.length);
        aiJudgementBySource.push({ readerId, sourceId: s.sourceId, isAi: aiIds.has(s.sourceId), judgedAi });
      }
    }
    if (config.questions.acceptability) {
      for (const s of config.sources) {
        const scores = mine.flatMap((d) => {
          const v = d.acceptability.get(s.sourceId);
          return v === undefined ? [] : [v];
        });
        scores.sort((a, b) => a - b);
        const counts = [1, 2, 3, 4, 5].map((k) => scores.filter((v) => v === k).length);
        const mean = scores.length === 0 ? null : scores.reduce((a, b) => a + b, 0) / scores.length;
        acceptability.push({ readerId, sourceId: s.sourceId, counts, n: scores.length, mean, median: medianOf(scores) });
      }
      for (const [first, second] of pairs) {
        const { x, y } = pairedScores(mine, config.mode, first, second);
        acceptabilityComparisons.push({ readerId, first, second, wilcoxon: x.length === 0 ? null : wilcoxonSignedRank(x, y) });
      }
    }
  }

  const agreement: PreferenceAgreement[] = [];
  if (config.mode === 'paired' && config.questions.preference) {
    for (const [first, second] of pairs) {
      const ratings = decoded.flatMap((d) =>
        sameUnorderedPair(d.trial, first, second) && d.preferred !== null
          ? [
              {
                subject: d.trial.caseId,
                rater: d.answer.readerId,
                category: d.preferred === first ? 'first' : d.preferred === second ? 'second' : 'none',
              },
            ]
          : [],
      );
      const perCase = new Map<string, number>();
      for (const r of ratings) perCase.set(r.subject, (perCase.get(r.subject) ?? 0) + 1);
      if (![...perCase.values()].some((n) => n >= 2)) {
        agreement.push({ first, second, fleiss: null, note: 'needs a case answered by at least two readers' });
        continue;
      }
      const fleiss = fleissKappaFromRatings(ratings, ['first', 'second', 'none']);
      agreement.push({ first, second, fleiss, note: fleiss.kappa === null ? 'undefined: every answer in one category' : null });
    }
  }

  return {
    studyId: config.studyId,
    mode: config.mode,
    readerIds: config.readerIds,
    trialsPlanned: trials.length,
    answers: answers.length,
    preference,
    aiIdentification: aiIdentificationResults,
    aiJudgementBySource,
    acceptability,
    acceptabilityComparisons,
    agreement,
    methods: METHODS,
  };
}
