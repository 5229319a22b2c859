/**
 * The demo evaluation cohort's index file (`data-cache/demo-cohort/cohort.json`), written by
 * `scripts/demo-cohort/` and read when the demo project is seeded (demoCohortSeed.ts). One schema for
 * both sides, so a generator change that the seeder does not understand fails loudly at start-up
 * instead of seeding half a cohort.
 *
 * Paths are relative to the folder holding cohort.json. Volumes are in ml on the case grid.
 */
import { z } from '../../../src-shared/zod';

export const COHORT_FILE = 'cohort.json';
/** Bumped whenever the generator's output changes, so set-up regenerates an old cohort. */
export const COHORT_FORMAT = 1;

const raterResultSchema = z.object({
  rater: z.string().min(1),
  /** The submitted mask (uint8 NIfTI on the case grid), or null for the explicit "no lesion" answer. */
  mask: z.string().nullable(),
  lesionMl: z.number().nonnegative(),
  uncertainMl: z.number().nonnegative(),
  /** 0-based indices into the case's lesions that this rater outlined (not missed). */
  lesionsFound: z.array(z.number().int().nonnegative()),
});

const cohortCaseSchema = z.object({
  /** Folder name, e.g. `case-01`. */
  id: z.string().regex(/^[a-z0-9-]+$/),
  /** The case name in the demo project (quorum-demo.json lists the same name). */
  name: z.string().min(1),
  kind: z.enum(['empty', 'small', 'multi', 'ordinary']),
  /** 4D NIfTI (b = 5, 5, 1500) with its `.bval` beside it (same stem), as the app reads DWI. */
  image: z.string(),
  seed: z.number().int(),
  noiseSigma: z.number().nonnegative(),
  /** The synthetic truth: soft blob > 0.5, per lesion (voxel centre on the case grid, ml). */
  lesions: z.array(
    z.object({
      centreVoxel: z.tuple([z.number(), z.number(), z.number()]),
      truthMl: z.number().positive(),
      /** Restricted diffusion: ADC × adcFactor (f) and S0 × s0Factor (g) at the blob's core. */
      adcFactor: z.number(),
      s0Factor: z.number(),
    }),
  ),
  truthMl: z.number().nonnegative(),
  raters: z.array(raterResultSchema),
  /** The demo model's result through src-shared/inference (null when generated with --no-model). */
  model: z
    .object({
      mask: z.string(),
      /** uint8 p × 255 (quantise.ts), the stored form of model results. */
      probability: z.string(),
      provenance: z.string(),
      maskMl: z.number().nonnegative(),
      expectedMl: z.number().nonnegative(),
    })
    .nullable(),
});
export type CohortCase = z.infer<typeof cohortCaseSchema>;

const cohortManifestSchema = z.object({
  format: z.literal(COHORT_FORMAT),
  /** sha256 of the generator's sources (scripts/demo-cohort/*.ts): a changed generator regenerates at set-up. */
  generatorHash: z.string(),
  seed: z.number().int(),
  source: z.string(),
  voxelMl: z.number().positive(),
  raters: z.array(z.object({ name: z.string().min(1), description: z.string() })),
  cases: z.array(cohortCaseSchema),
});
export type CohortManifest = z.infer<typeof cohortManifestSchema>;

export function parseCohortManifest(text: string, where: string): CohortManifest {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new Error(`${where} is not JSON: ${(e as Error).message}`);
  }
  const parsed = cohortManifestSchema.safeParse(json);
  if (!parsed.success) {
    throw new Error(
      `${where} is not a demo cohort index of format ${COHORT_FORMAT}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
  return parsed.data;
}
