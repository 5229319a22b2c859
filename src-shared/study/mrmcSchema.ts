/**
 * zod schema of `StudyMrmc` (mrmcStudy.ts, mrmc.ts), for the report channel's result, kept beside
 * the interfaces it mirrors; the service test parses a real analysis through it.
 */
import { z } from '../zod';

const num = z.number();

const orTestSchema = z.object({ f: num, ddf: num.nullable(), pValue: num, stdErr: num, ciLower: num, ciUpper: num }).nullable();

const orAnalysisSchema = z.object({
  readers: num,
  cases: num,
  foms: z.tuple([z.array(num), z.array(num)]),
  means: z.tuple([num, num]),
  difference: num,
  msT: num,
  msR: num,
  msTR: num,
  covariances: z.object({ var: num, cov1: num, cov2: num, cov3: num }),
  rrrc: orTestSchema,
  frrc: orTestSchema,
  rrfc: orTestSchema,
});

export const studyMrmcSchema = z.object({
  figureOfMerit: z.string(),
  comparisons: z.array(
    z.object({
      first: z.string(),
      second: z.string(),
      readerIds: z.array(z.string()),
      caseIds: z.array(z.string()),
      casesLeftOut: num,
      analysis: orAnalysisSchema.nullable(),
      note: z.string().nullable(),
    }),
  ),
  aiIdentificationAuc: z
    .object({
      readerIds: z.array(z.string()),
      caseIds: z.array(z.string()),
      casesLeftOut: num,
      readers: z.array(
        z.object({
          readerId: z.string(),
          auc: num.nullable(),
          aiRated: num,
          humanRated: num,
          roc: z.array(z.object({ fpf: num, tpf: num })),
        }),
      ),
      analysis: orAnalysisSchema.nullable(),
      note: z.string().nullable(),
    })
    .nullable(),
  methods: z.array(z.string()),
});
export type StudyMrmcWire = z.infer<typeof studyMrmcSchema>;
