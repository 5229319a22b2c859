/**
 * The project, rater, annotation and review channels of the API contract (issue 4), spread into
 * the one `contract` table in contract.ts. Record schemas come from src-shared/project/schemas.ts.
 *
 * Every request except rater.identities, rater.create (self-registration) and rater.signIn carries
 * `session`: the opaque token rater.signIn returned, after the person gave their name and secret
 * (a password, or a PIN of 6+ digits; src-main/services/project/signIn.ts). The handler turns it back into the rater's
 * Session and the project store applies blinding itself, so what an annotator's session can
 * receive does not depend on the handler.
 *
 * Labelmaps travel as raw bytes (bytes.ts): as they are over IPC, in a binary frame over HTTP
 * (binaryFrame.ts), limited by the case's grid rather than a flat cap. annotation.saveSlices
 * carries only the changed axial slices.
 *
 * Environment-free.
 */
import { z } from '../zod';
import {
  annotationVersionSchema,
  auditEntrySchema,
  caseRecordSchema,
  flagKindSchema,
  identitySchema,
  integrityReportSchema,
  raterCaseStatusSchema,
  raterSchema,
  reviewCommentSchema,
  reviewFlagSchema,
  roleSchema,
  seriesGeometrySchema,
  sessionSchema,
  versionStatusSchema,
} from '../project/schemas';
import { bytesSchema } from './bytes';
import { exchangeChannels } from './exchangeChannels';
import { reviewChannels } from './reviewChannels';

/** The opaque session token from rater.signIn. */
const session = z.string().min(1);
/** A password or PIN as typed; its policy (length, digits) is the server's (secrets.ts). */
const secret = z.string().min(1).max(256);
const id = z.string().min(1);
/** The Uint8 labelmap (i fastest) on the case's reference grid, raw. */
const labelmap = bytesSchema;

/** What opening a project tells anyone, before sign-in: nothing that names a rater. */
const projectOpenedSchema = z.object({
  projectId: z.string(),
  dir: z.string(),
  /** Summary of the integrity check run at open; details (which rater's file) need a session. */
  integrity: z.object({ ok: z.boolean(), problemCount: z.number().int(), checkedFiles: z.number().int() }),
  /** Things done while opening, e.g. a stale lock cleared after a crash. */
  notes: z.array(z.string()),
  /** Whether every rater is assigned to every case (the demo project). */
  openEnrolment: z.boolean(),
});

export const projectChannels = {
  /**
   * No path: the open project (the app's own one on first use), for anyone. A path: re-open or
   * switch (create when asked), for an admin of the open project only; re-opening the same project
   * keeps every session, switching ends them.
   */
  'quorum:project.open': {
    request: z.object({ path: z.string().min(1).optional(), create: z.boolean().optional(), session: session.optional() }),
    result: projectOpenedSchema,
  },
  /** Re-run the integrity check (annotators: only their own files). */
  'quorum:project.integrity': { request: z.object({ session }), result: integrityReportSchema },
  /** The sign-in picker: people's names, and whether each has chosen a secret yet (no ids, no roles). */
  'quorum:rater.identities': { request: z.object({}), result: z.array(identitySchema) },
  /**
   * Create a person: self-registration (no session) gives an annotator (the project's first person
   * is admin) and needs their secret; an admin session may give any role and an initial secret, or
   * leave the secret to the person's first sign-in.
   */
  'quorum:rater.create': {
    request: z.object({
      name: z.string().min(1).max(80),
      role: roleSchema.optional(),
      session: session.optional(),
      secret: secret.optional(),
    }),
    result: raterSchema,
  },
  /**
   * Sign in with a name and secret; `setSecret` on a person's first sign-in makes `secret` theirs.
   * Failures are throttled per person. Returns the session token later requests carry.
   */
  'quorum:rater.signIn': {
    request: z.object({ name: z.string().min(1).max(80), secret, setSecret: z.boolean().optional() }),
    result: z.object({ token: z.string(), session: sessionSchema, name: z.string() }),
  },
  /** Who a session token belongs to, while it is valid (a reloaded page resumes its session). */
  'quorum:rater.current': { request: z.object({ session }), result: z.object({ session: sessionSchema, name: z.string() }) },
  /** Set a person's secret: an admin for anyone (ends their sessions, lifts a sign-in pause); oneself with the current one. */
  'quorum:rater.setSecret': {
    request: z.object({ session, raterId: id, secret, currentSecret: secret.optional() }),
    result: z.object({}),
  },
  /** Forget a session token. */
  'quorum:rater.signOut': { request: z.object({ session }), result: z.object({}) },
  /**
   * End every session of a person, on every computer and server process, this one included:
   * oneself (no `raterId`, or one's own), or anyone for an admin. Audited.
   */
  'quorum:rater.signOutEverywhere': { request: z.object({ session, raterId: id.optional() }), result: z.object({}) },
  /** Raters the session may know about (annotators: themselves). */
  'quorum:rater.list': { request: z.object({ session }), result: z.array(raterSchema) },
  /** Change a rater's role (admin). */
  'quorum:rater.setRole': { request: z.object({ session, raterId: id, role: roleSchema }), result: raterSchema },
  /** Cases the session may see (annotators: assigned ones). */
  'quorum:projectCase.list': { request: z.object({ session }), result: z.array(caseRecordSchema) },
  /** Register a case with its series' geometry (admin); geometry straight from a VolumeInfo. */
  'quorum:projectCase.add': {
    request: z.object({
      session,
      name: z.string().min(1),
      source: z.enum(['nifti', 'dicom']),
      series: z
        .array(
          z.object({
            label: z.string(),
            path: z.string().min(1),
            bValue: z.number().nullable().optional(),
            geometry: seriesGeometrySchema,
          }),
        )
        .min(1),
    }),
    result: caseRecordSchema,
  },
  /** Assign a rater to a case (admin). */
  'quorum:projectCase.assign': { request: z.object({ session, raterId: id, caseId: id }), result: z.object({}) },
  /** Each visible rater's status on a case (annotators: their own). */
  'quorum:projectCase.statuses': {
    request: z.object({ session, caseId: id }),
    result: z.array(z.object({ raterId: z.string(), status: raterCaseStatusSchema })),
  },
  /** Annotation versions, oldest first (annotators: their own, whatever the filter). */
  'quorum:annotation.list': {
    request: z.object({ session, caseId: id.optional(), raterId: id.optional() }),
    result: z.array(annotationVersionSchema),
  },
  /** One version's labelmap (all zero for "no lesion"); another rater's version is not-found to an annotator. */
  'quorum:annotation.read': {
    request: z.object({ session, versionId: id }),
    result: z.object({ version: annotationVersionSchema, labelmap }),
  },
  /** Save the editor's labelmap as a new version (every save is a new version; nothing is overwritten). */
  'quorum:annotation.save': {
    request: z.object({ session, caseId: id, labelmap, status: versionStatusSchema, parentVersionId: id.nullable().optional() }),
    result: annotationVersionSchema,
  },
  /**
   * Save on top of the editor's last acknowledged version by sending only the axial slices changed
   * since (raw Uint8 voxels of slices `indices`, concatenated): the server writes them over the
   * parent's labelmap and stores a whole version as annotation.save does. A stale parent is a conflict.
   */
  'quorum:annotation.saveSlices': {
    request: z.object({
      session,
      caseId: id,
      parentVersionId: id,
      status: versionStatusSchema,
      slices: z.object({ indices: z.array(z.number().int().nonnegative()).min(1), bytes: bytesSchema }),
    }),
    result: annotationVersionSchema,
  },
  /** Submit an existing draft unchanged. */
  'quorum:annotation.submitDraft': { request: z.object({ session, versionId: id }), result: annotationVersionSchema },
  /** The explicit, submitted "no lesion" answer. */
  'quorum:annotation.noLesion': {
    request: z.object({ session, caseId: id, parentVersionId: id.nullable().optional() }),
    result: annotationVersionSchema,
  },
  /** Review comments on a case (blinded for annotators). */
  'quorum:review.comments': { request: z.object({ session, caseId: id }), result: z.array(reviewCommentSchema) },
  /** Review flags on a case (blinded for annotators). */
  'quorum:review.flags': { request: z.object({ session, caseId: id }), result: z.array(reviewFlagSchema) },
  /** Add a comment on a case or one version. */
  'quorum:review.addComment': {
    request: z.object({ session, caseId: id, versionId: id.nullable().optional(), body: z.string().min(1) }),
    result: reviewCommentSchema,
  },
  /** Add a flag on a case or one version (reviewers). */
  'quorum:review.addFlag': {
    request: z.object({ session, caseId: id, versionId: id.nullable().optional(), kind: flagKindSchema, note: z.string().optional() }),
    result: reviewFlagSchema,
  },
  /** The audit log, newest first (annotators: their own actions). */
  'quorum:audit.list': {
    request: z.object({ session, limit: z.number().int().min(1).max(10_000).optional() }),
    result: z.array(auditEntrySchema),
  },
  /** Mask import, folder import (QUBIQ, BIDS), case and CSV export: see exchangeChannels.ts. */
  ...exchangeChannels,
  /** Worklist, reviewer actions, time on task (issue 6): see reviewChannels.ts. */
  ...reviewChannels,
} as const;

export type ProjectChannel = keyof typeof projectChannels;
