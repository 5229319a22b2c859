/**
 * Import and export channels of a Quorum project (issue 4 "Exchange formats"), spread into
 * projectChannels (and so into the one contract table). Paths are local paths the main process
 * reads or writes (browser mode: the machine running the server); the renderer picks them with the
 * same folder browser as the open dialog.
 *
 * - annotation.import: one mask file (NIfTI, or a binary DICOM SEG) for one case, as the signed-in
 *   rater or, for an admin, as another rater.
 * - import.folder: a QUBIQ case folder (image + taskNN_segMM files: rater segMM, each task a case or
 *   a label) or an ISLES-style BIDS folder (derivatives/ masks matched to sub-*∕ses-* images). All or
 *   nothing; admin only.
 * - import.values: the values each mask of such an import holds, for mapping them onto labels.
 * - export.case: per-rater NIfTI (stored bytes, verbatim), majority and soft consensus, and for
 *   cases that came from DICOM, optionally one binary DICOM SEG per rater plus the majority; or, as
 *   ISLES-BIDS, the case's sequences under rawdata/ and its masks under derivatives/.
 * - export.versionsCsv: every version of the project as CSV.
 *
 * Every mask is checked against the case's image grid (shape, spacing, origin, direction within
 * tolerance) and, after the request's value mapping, the label table's values; a refusal names the
 * file and every mismatch (for values: every value found, with voxel counts), and writes nothing.
 *
 * Environment-free.
 */
import { z } from '../zod';
import { annotationVersionSchema, uncertainAsSchema, versionStatusSchema } from '../project/schemas';
import { valueMappingSchema } from '../project/valueMapping';

const session = z.string().min(1);
const id = z.string().min(1);
const localPath = z.string().min(1);

const importedCaseSchema = z.object({
  caseId: z.string(),
  name: z.string(),
  /** False when the masks went into a case the project already had (same name, same image). */
  created: z.boolean(),
  versions: z.array(
    z.object({ raterId: z.string(), raterName: z.string(), versionId: z.string(), fileName: z.string(), noLesion: z.boolean() }),
  ),
});

const folderLayoutSchema = z.enum(['qubiq', 'bids']);
const qubiqTasksAsSchema = z.enum(['cases', 'labels']);
/** QUBIQ: each task its own case (a structure), or task k the table's k-th certain label of one case. */
export type QubiqTasksAs = z.infer<typeof qubiqTasksAsSchema>;

const exportFormatSchema = z.enum(['nifti', 'isles-bids']);

const exportedFileSchema = z.object({
  path: z.string(),
  kind: z.enum(['rater', 'majority', 'soft', 'dicom-seg', 'sequence', 'metadata']),
  raterId: z.string().nullable(),
  versionId: z.string().nullable(),
  sha256: z.string(),
});

export const exchangeChannels = {
  /** Import one mask file (NIfTI or binary DICOM SEG) as a new version; `raterId` (admin only) imports for another rater. */
  'quorum:annotation.import': {
    request: z.object({
      session,
      caseId: id,
      path: localPath,
      status: versionStatusSchema,
      raterId: id.optional(),
      /** File value → label value (0 = background); values it does not name pass if the label table has them. */
      mapping: valueMappingSchema.optional(),
    }),
    result: annotationVersionSchema,
  },
  /**
   * The distinct values (and voxel counts) of each mask an import would read, so the person can map
   * them before importing: with `caseId`, `path` is one mask file for that case; without, a dataset
   * folder (admin), planned as import.folder would.
   */
  'quorum:import.values': {
    request: z.object({
      session,
      path: localPath,
      caseId: id.optional(),
      layout: folderLayoutSchema.optional(),
      tasksAs: qubiqTasksAsSchema.optional(),
    }),
    result: z.object({
      files: z.array(
        z.object({
          fileName: z.string(),
          values: z.array(z.object({ value: z.number(), voxels: z.number().int() })),
          /** Voxels of further distinct values, past the most a mask may list. */
          unlisted: z.number().int(),
        }),
      ),
    }),
  },
  /** Import a QUBIQ or ISLES-style BIDS folder (admin): registers the cases and raters it names; nothing is written unless every mask is valid. */
  'quorum:import.folder': {
    request: z.object({
      session,
      path: localPath,
      layout: folderLayoutSchema.optional(),
      status: versionStatusSchema.optional(),
      /** BIDS: rater for masks that name none (no rater-/desc- entity, no pipeline folder); default "reference". */
      defaultRater: z.string().min(1).max(80).optional(),
      /** File value → label value for every mask, as in annotation.import. */
      mapping: valueMappingSchema.optional(),
      /** QUBIQ: each task its own case `<case>/taskNN` (default), or task k the k-th certain label. */
      tasksAs: qubiqTasksAsSchema.optional(),
    }),
    result: z.object({
      layout: folderLayoutSchema,
      cases: z.array(importedCaseSchema),
      ratersCreated: z.array(z.string()),
      notes: z.array(z.string()),
    }),
  },
  /**
   * Export a case (reviewers and admins): `nifti` (default) into `<outDir>/<case name>/`;
   * `isles-bids` into `<outDir>` as a BIDS root (rawdata/sub-<id>/…, derivatives/sub-<id>/…).
   */
  'quorum:export.case': {
    request: z.object({
      session,
      caseId: id,
      outDir: localPath,
      uncertainAs: uncertainAsSchema,
      dicomSeg: z.boolean().optional(),
      format: exportFormatSchema.optional(),
    }),
    result: z.object({ caseId: z.string(), dir: z.string(), files: z.array(exportedFileSchema), notes: z.array(z.string()) }),
  },
  /** Write every version of the project as CSV to `path` (reviewers and admins). */
  'quorum:export.versionsCsv': {
    request: z.object({ session, path: localPath }),
    result: z.object({ path: z.string(), rows: z.number().int() }),
  },
} as const;

export type ExchangeChannel = keyof typeof exchangeChannels;
