/**
 * zod schema of `StudyAnalysis` (analysis.ts), so that the report channel's result is checked at the
 * receiving end like every other channel. Kept beside the interfaces it mirrors; a test parses a
 * real analysis through it, so the two cannot drift apart silently.
 */
import { z } from '../zod';
import { AI_VERDICTS } from './analysis';

const num = z.number();
const numOrNull = z.number().nullable();

const rateSummarySchema = z.object({
  successes: num,
  trials: num,
  rate: numOrNull,
  ciLower: numOrNull,
  ciUpper: numOrNull,
  pValue: numOrNull,
  nullRate: num,
});

const wilcoxonSchema = z.object({
  pairs: num,
  zeros: num,
  n: num,
  statistic: num,
  expected: num,
  ties: z.boolean(),
  method: z.enum(['exact', 'normal-approximation']),
  z: numOrNull,
  pValue: numOrNull,
  medianDifference: num,
});

const fleissSchema = z.object({
  kappa: numOrNull,
  observedAgreement: num,
  expectedAgreement: num,
  subjects: num,
  ratings: num,
  categoryProportions: z.array(num),
});

const readerId = z.string().nullable();

export const studyAnalysisSchema = z.object({
  studyId: z.string(),
  mode: z.enum(['paired', 'single']),
  readerIds: z.array(z.string()),
  trialsPlanned: num,
  answers: num,
  preference: z.array(
    z.object({
      readerId,
      first: z.string(),
      second: z.string(),
      preferFirst: num,
      preferSecond: num,
      noPreference: num,
      firstPreferred: rateSummarySchema,
    }),
  ),
  aiIdentification: z.array(
    z.object({
      readerId,
      pair: z.tuple([z.string(), z.string()]).nullable(),
      accuracy: rateSummarySchema,
      verdict: z.enum(AI_VERDICTS),
      designAccuracy: num,
      power: num,
      detectableAccuracy: numOrNull,
      answersNeeded: numOrNull,
    }),
  ),
  aiJudgementBySource: z.array(z.object({ readerId, sourceId: z.string(), isAi: z.boolean(), judgedAi: rateSummarySchema })),
  acceptability: z.array(z.object({ readerId, sourceId: z.string(), counts: z.array(num), n: num, mean: numOrNull, median: numOrNull })),
  acceptabilityComparisons: z.array(z.object({ readerId, first: z.string(), second: z.string(), wilcoxon: wilcoxonSchema.nullable() })),
  agreement: z.array(z.object({ first: z.string(), second: z.string(), fleiss: fleissSchema.nullable(), note: z.string().nullable() })),
  methods: z.array(z.string()),
});
export type StudyAnalysisWire = z.infer<typeof studyAnalysisSchema>;
