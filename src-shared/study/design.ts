/**
 * What a reader study is made of, as the admin sets it up: cases, two or more sources of
 * segmentations (a model version, a rater, or a consensus), readers, the questions asked, and the
 * seed that makes its randomisation reproducible. Schemas are zod so that the API contract can reuse
 * them; types are derived from them (one source of truth).
 *
 * This file is server-side knowledge: a StudyConfig names the sources, so it must never be sent to a
 * reader while the study runs (see blinding.ts and trials.ts for what a reader receives).
 */
import { z } from '../zod';

const id = z.string().min(1).max(200);

/** Where a segmentation comes from. Only `model` sources are "AI" for the Turing question. */
export const sourceRefSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('model'), modelId: id, version: id }),
  z.object({ kind: z.literal('rater'), raterId: id }),
  z.object({ kind: z.literal('consensus'), consensusId: id }),
]);
export type SourceRef = z.infer<typeof sourceRefSchema>;

export const studySourceSchema = z.object({
  /** The study's own id for this source (what answers and the A/B mapping refer to). */
  sourceId: id,
  ref: sourceRefSchema,
  /** Admin-facing name, e.g. "nnU-Net v2" or "Dr. Smith"; shown only after the study is closed. */
  label: z.string().max(200),
});
export type StudySource = z.infer<typeof studySourceSchema>;

/** Paired: two segmentations side by side (A left, B right). Single: one at a time. */
export const studyModeSchema = z.enum(['paired', 'single']);
export type StudyMode = z.infer<typeof studyModeSchema>;

export const studyQuestionsSchema = z.object({
  /** Paired only: which segmentation the reader prefers, A, B or no preference. */
  preference: z.boolean(),
  /** Acceptability of each shown segmentation on a 1–5 scale. */
  acceptability: z.boolean(),
  /**
   * Paired: "which one was made by AI?". Single: "was this made by AI?". false: not asked. true: a
   * binary choice (A or B; AI or human), as every study made before the rating existed asks it.
   * 'confidence': one 1–5 rating per trial of how likely the right-hand contour (B; in single mode
   * the one shown) is the AI's, the ordinal scale an ROC analysis needs (see answers.ts, mrmcStudy.ts).
   */
  whichIsAi: z.union([z.boolean(), z.literal('confidence')]),
  /** Optional free-text comment. */
  comment: z.boolean(),
});
export type StudyQuestions = z.infer<typeof studyQuestionsSchema>;

export const studyConfigSchema = z.object({
  studyId: id,
  title: z.string().max(500),
  /** Recorded so that every reader's order and placement can be regenerated (randomisation.ts). */
  seed: z.string().min(1).max(200),
  mode: studyModeSchema,
  caseIds: z.array(id),
  sources: z.array(studySourceSchema),
  readerIds: z.array(id),
  questions: studyQuestionsSchema,
  /** Whether a reader may go back to a submitted answer and change it. */
  allowRevisit: z.boolean(),
  /** ISO 8601 time of creation. */
  createdAt: z.string(),
});
export type StudyConfig = z.infer<typeof studyConfigSchema>;

/** draft: being set up; open: readers answer; closed: answers refused, mapping and statistics visible. */
export const studyStateSchema = z.enum(['draft', 'open', 'closed']);
export type StudyState = z.infer<typeof studyStateSchema>;

/** A (case, source) combination for which no segmentation exists. */
export interface MissingSegmentation {
  readonly caseId: string;
  readonly sourceId: string;
}

export type SetupValidation =
  { readonly ok: true } | { readonly ok: false; readonly errors: readonly string[]; readonly missing: readonly MissingSegmentation[] };

/** True when a segmentation exists for this case from this source. Supplied by the project store. */
export type HasSegmentation = (caseId: string, source: StudySource) => boolean;

export function isAiSource(source: StudySource): boolean {
  return source.ref.kind === 'model';
}

/** A stable text form of a source's provenance, used to find two sources that are the same thing. */
export function sourceRefKey(ref: SourceRef): string {
  switch (ref.kind) {
    case 'model':
      return JSON.stringify(['model', ref.modelId, ref.version]);
    case 'rater':
      return JSON.stringify(['rater', ref.raterId]);
    case 'consensus':
      return JSON.stringify(['consensus', ref.consensusId]);
  }
}

/** Unordered source pairs in config order (i < j): the comparisons a paired study makes. */
export function sourcePairs(config: Pick<StudyConfig, 'sources'>): [StudySource, StudySource][] {
  const pairs: [StudySource, StudySource][] = [];
  for (let i = 0; i < config.sources.length; i++) {
    for (let j = i + 1; j < config.sources.length; j++) pairs.push([config.sources[i], config.sources[j]]);
  }
  return pairs;
}

function duplicates(values: readonly string[]): string[] {
  const seen = new Set<string>();
  const dup = new Set<string>();
  for (const v of values) (seen.has(v) ? dup : seen).add(v);
  return [...dup];
}

/**
 * Checks a study before it is opened. Returns every problem at once, and in `missing` every
 * (case, source) pair without a segmentation, so the admin can fix them all in one go: a study with
 * a case lacking one of its sources is refused.
 */
export function validateStudySetup(input: unknown, hasSegmentation: HasSegmentation): SetupValidation {
  const parsed = studyConfigSchema.safeParse(input);
  if (!parsed.success) {
    const errors = parsed.error.issues.map((i) => `${i.path.join('.') || 'study'}: ${i.message}`);
    return { ok: false, errors, missing: [] };
  }
  const config = parsed.data;
  const errors: string[] = [];
  if (config.caseIds.length === 0) errors.push('choose at least one case');
  if (config.sources.length < 2) errors.push(`choose at least two sources (got ${config.sources.length})`);
  if (config.readerIds.length === 0) errors.push('choose at least one reader');
  const { preference, acceptability, whichIsAi, comment } = config.questions;
  if (!preference && !acceptability && !whichIsAi && !comment) errors.push('choose at least one question');
  if (config.mode === 'single' && preference) {
    errors.push('the preference question needs two segmentations side by side (paired mode)');
  }
  for (const d of duplicates(config.caseIds)) errors.push(`case "${d}" is listed more than once`);
  for (const d of duplicates(config.readerIds)) errors.push(`reader "${d}" is listed more than once`);
  for (const d of duplicates(config.sources.map((s) => s.sourceId))) errors.push(`source id "${d}" is used twice`);
  for (const d of duplicates(config.sources.map((s) => sourceRefKey(s.ref)))) {
    errors.push(`the same segmentation source is listed twice: ${d}`);
  }
  if (whichIsAi) {
    const ai = config.sources.filter(isAiSource).length;
    const human = config.sources.length - ai;
    if (ai === 0 || human === 0) {
      errors.push('the "which one is AI?" question needs at least one model source and one rater or consensus source');
    }
  }
  const missing: MissingSegmentation[] = [];
  for (const caseId of config.caseIds) {
    for (const source of config.sources) {
      if (!hasSegmentation(caseId, source)) missing.push({ caseId, sourceId: source.sourceId });
    }
  }
  if (missing.length > 0) {
    const list = missing.map((m) => `${m.caseId}/${m.sourceId}`).join(', ');
    errors.push(`${missing.length} case/source segmentation(s) missing: ${list}`);
  }
  return errors.length === 0 ? { ok: true } : { ok: false, errors, missing };
}
