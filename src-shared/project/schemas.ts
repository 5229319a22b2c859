/**
 * zod schemas of the project records, for the API contract (src-shared/api/contract.ts) to use in
 * its channel entries, so the renderer gets validated project data without a second definition.
 * Each schema is checked at compile time to infer exactly the hand-written type in types.ts (which
 * keeps the per-member documentation), and schemas.test.ts parses real store output with them.
 */
import { z } from '../zod';
import { SEQUENCE_KINDS } from './sequences';
import type { AnnotationVersion, AuditEntry, CaseRecord, Rater, RaterCaseStatus, ReviewComment, ReviewFlag, Session } from './types';
import type { Geometry } from '../volume/types';

const vec3 = z.tuple([z.number(), z.number(), z.number()]).readonly();
const direction = z
  .tuple([z.number(), z.number(), z.number(), z.number(), z.number(), z.number(), z.number(), z.number(), z.number()])
  .readonly();

export const roleSchema = z.enum(['annotator', 'reviewer', 'admin']);
export const uncertainAsSchema = z.enum(['lesion', 'background', 'half']);
export const versionStatusSchema = z.enum(['draft', 'submitted']);
export const raterCaseStatusSchema = z.enum(['not-started', 'draft', 'submitted', 'no-lesion']);
export const flagKindSchema = z.enum(['needs-revision', 'accepted', 'image-problem', 'other', 'difficult']);

export const raterKindSchema = z.enum(['human', 'model']);
export const raterSchema = z.object({
  raterId: z.string(),
  name: z.string(),
  role: roleSchema,
  createdAt: z.string(),
  kind: raterKindSchema,
});
/** The sign-in picker's entry: a name and whether the person has chosen a secret; no id (ids are not credentials, but need not be handed out). */
export const identitySchema = z.object({ name: z.string(), hasSecret: z.boolean() });
export const sessionSchema = z.object({ raterId: z.string(), role: roleSchema }).readonly();

export const seriesGeometrySchema = z.object({ dims: vec3, spacingMm: vec3, originLps: vec3, direction });
const seriesRecordSchema = z.object({
  seriesId: z.string(),
  caseId: z.string(),
  ordinal: z.number().int(),
  label: z.string(),
  path: z.string(),
  bValue: z.number().nullable(),
  geometry: seriesGeometrySchema,
});
export const sequenceKindSchema = z.enum(SEQUENCE_KINDS);
const sequenceRecordSchema = z.object({
  sequenceId: z.string(),
  name: z.string(),
  kind: sequenceKindSchema,
  path: z.string(),
  volumes: z.array(z.object({ label: z.string(), bValue: z.number().nullable() })),
  geometry: seriesGeometrySchema,
});
export const caseRecordSchema = z.object({
  caseId: z.string(),
  name: z.string(),
  source: z.enum(['nifti', 'dicom']),
  createdAt: z.string(),
  series: z.array(seriesRecordSchema),
  sequences: z.array(sequenceRecordSchema),
  referenceSequenceId: z.string(),
});

export const annotationVersionSchema = z.object({
  versionId: z.string(),
  caseId: z.string(),
  raterId: z.string(),
  fileHash: z.string().nullable(),
  fileName: z.string().nullable(),
  parentVersionId: z.string().nullable(),
  createdAt: z.string(),
  status: versionStatusSchema,
  noLesion: z.boolean(),
  appVersion: z.string(),
  origin: z.enum(['editor', 'import']),
});

const authorFields = { authorRaterId: z.string().nullable(), authorName: z.string().nullable(), authorRole: roleSchema };
export const reviewCommentSchema = z.object({
  commentId: z.string(),
  caseId: z.string(),
  versionId: z.string().nullable(),
  ...authorFields,
  body: z.string(),
  createdAt: z.string(),
});
export const reviewFlagSchema = z.object({
  flagId: z.string(),
  caseId: z.string(),
  versionId: z.string().nullable(),
  ...authorFields,
  kind: flagKindSchema,
  note: z.string(),
  createdAt: z.string(),
});
export const auditEntrySchema = z.object({
  seq: z.number().int(),
  at: z.string(),
  actorRaterId: z.string().nullable(),
  action: z.string(),
  caseId: z.string().nullable(),
  subjectId: z.string().nullable(),
  detail: z.string(),
});

export const integrityReportSchema = z.object({
  ok: z.boolean(),
  sqlite: z.array(z.string()),
  fileProblems: z.array(
    z.object({
      versionId: z.string(),
      raterId: z.string(),
      caseId: z.string(),
      fileName: z.string(),
      fileHash: z.string(),
      problem: z.enum(['missing', 'hash-mismatch']),
    }),
  ),
  tempFiles: z.array(z.string()),
  unreferencedFiles: z.array(z.string()),
  checkedFiles: z.number().int(),
});

// Compile-time proof that each schema infers exactly the documented type.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const proofs: [
  Same<z.infer<typeof raterSchema>, Rater>,
  Same<z.infer<typeof sessionSchema>, Session>,
  Same<z.infer<typeof seriesGeometrySchema>, Geometry>,
  Same<z.infer<typeof caseRecordSchema>, CaseRecord>,
  Same<z.infer<typeof annotationVersionSchema>, AnnotationVersion>,
  Same<z.infer<typeof raterCaseStatusSchema>, RaterCaseStatus>,
  Same<z.infer<typeof reviewCommentSchema>, ReviewComment>,
  Same<z.infer<typeof reviewFlagSchema>, ReviewFlag>,
  Same<z.infer<typeof auditEntrySchema>, AuditEntry>,
] = [true, true, true, true, true, true, true, true, true];
void proofs;
