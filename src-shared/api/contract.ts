/**
 * The one API contract between the renderer and the main process. Every channel is listed once,
 * with zod schemas for its request and its result; both transports (Electron IPC through the
 * preload, HTTP for browser mode) are adapters over this table, and both validate at the receiving
 * end. Types are derived with z.infer so there is a single source of truth.
 *
 * Environment-free: imported by main, preload, server and renderer alike.
 */
import { z } from '../zod';
import { ERROR_CODES } from '../errors';
import { sequenceKindSchema, seriesGeometrySchema } from '../project/schemas';
import { adminChannels } from './adminChannels';
import { dicomwebChannels } from './dicomwebChannels';
import { evaluationChannels } from './evaluationChannels';
import { inferenceChannels } from './inferenceChannels';
import { labelChannels } from './labelChannels';
import { projectChannels } from './projectChannels';
import { sequenceChannels } from './sequenceChannels';
import { studyChannels } from './studyChannels';

/** An error the user can act on: `code` for tests and logic, `message` for people. */
const apiErrorSchema = z.object({
  code: z.enum(ERROR_CODES),
  message: z.string(),
  /** Extra structured detail, e.g. the series found in a folder that holds several. */
  detail: z.unknown().optional(),
});
export type ApiError = z.infer<typeof apiErrorSchema>;

const voxelDataTypeSchema = z.enum(['uint8', 'int8', 'int16', 'uint16', 'int32', 'uint32', 'float32', 'float64']);

/** One displayable 3D volume of a case, e.g. one b-value of a DWI. Its voxels are fetched from `url`. */
const volumeInfoSchema = z.object({
  volumeId: z.string(),
  /** Human label, e.g. "b=1000" or "T1". */
  label: z.string(),
  bValue: z.number().nullable(),
  // Its grid: the one Geometry (src-shared/volume/types.ts), flat beside the other fields.
  ...seriesGeometrySchema.shape,
  dataType: voxelDataTypeSchema,
  /** Value range, for automatic window/level. */
  min: z.number(),
  max: z.number(),
  unit: z.string().nullable(),
  /** Shown with the grey scale inverted (DICOM MONOCHROME1); the values are as stored. */
  displayInverted: z.boolean().optional(),
  /** Where the renderer fetches the raw little-endian voxel bytes (i fastest). Relative to the app origin. */
  url: z.string(),
  /**
   * The sequence of a project case this volume belongs to (issue 12), when the case has several:
   * `resampled` when its file is on another grid and these voxels are it resampled (trilinear, by
   * the affines) into the reference grid, which every volume of a case shares.
   */
  sequence: z.object({ name: z.string(), kind: sequenceKindSchema, resampled: z.boolean() }).optional(),
});
export type VolumeInfo = z.infer<typeof volumeInfoSchema>;

const caseDescriptorSchema = z.object({
  caseId: z.string(),
  name: z.string(),
  source: z.enum(['nifti', 'dicom']),
  modality: z.enum(['CT', 'MR', 'OT']),
  /** The file or folder the case was opened from. */
  path: z.string(),
  volumes: z.array(volumeInfoSchema).min(1),
  /** Non-fatal fix-ups applied while reading, e.g. "scl_slope 0 read as 1". */
  notes: z.array(z.string()),
  /**
   * For a NIfTI case: the file itself under `files/<key>/<name>`, relative to the app origin, with its
   * `.nii`/`.nii.gz` name kept (Cornerstone's NIfTI loader infers gzip from the suffix). Set by the
   * API layer, not by the loader; absent for DICOM folders.
   */
  fileUrl: z.string().optional(),
});
export type CaseDescriptor = z.infer<typeof caseDescriptorSchema>;

const caseEntrySchema = z.object({
  name: z.string(),
  path: z.string(),
  kind: z.enum(['nifti', 'dicom-folder']),
  description: z.string(),
});
export type CaseEntry = z.infer<typeof caseEntrySchema>;

const dirEntrySchema = z.object({ name: z.string(), path: z.string(), isDir: z.boolean() });

export type Result<T> = { ok: true; value: T } | { ok: false; error: ApiError };
export const resultSchema = <T extends z.ZodTypeAny>(value: T) =>
  z.discriminatedUnion('ok', [z.object({ ok: z.literal(true), value }), z.object({ ok: z.literal(false), error: apiErrorSchema })]);

/** The channel table. Names are prefixed `quorum:`; the preload exposes exactly one method per entry. */
export const contract = {
  /** App version, the transport in use and the demo project's folder. */
  'quorum:app.info': {
    request: z.object({}),
    result: z.object({
      version: z.string(),
      mode: z.enum(['electron', 'browser']),
      demoProjectPath: z.string(),
    }),
  },
  /**
   * Cases found in a project folder (NIfTI files and DICOM series folders), the demo when no path is
   * given. Listing another folder is browsing, so it needs the `session` of rater.signIn.
   */
  'quorum:project.listCases': {
    request: z.object({ path: z.string().optional(), session: z.string().min(1).optional() }),
    result: z.object({ path: z.string(), name: z.string(), cases: z.array(caseEntrySchema) }),
  },
  /**
   * Open a NIfTI file or a DICOM folder, as the signed-in `session`: its volume URLs and its file URL
   * are served to that session only, while it lasts.
   */
  'quorum:case.open': {
    request: z.object({ session: z.string().min(1), path: z.string().min(1), seriesInstanceUid: z.string().optional() }),
    result: caseDescriptorSchema,
  },
  /**
   * While this session's case.open decodes a compressed DICOM series: frames decoded of the total
   * (null otherwise), polled for the opening progress bar.
   */
  'quorum:case.decodeProgress': {
    request: z.object({ session: z.string().min(1) }),
    result: z.object({ frames: z.object({ decoded: z.number().int(), total: z.number().int() }).nullable() }),
  },
  /** Browse the local file system (browser mode has no native dialog). */
  'quorum:fs.list': {
    request: z.object({ session: z.string().min(1), path: z.string().min(1) }),
    result: z.object({ path: z.string(), parent: z.string().nullable(), entries: z.array(dirEntrySchema) }),
  },
  /** The signed-in person's recently opened paths, newest first. */
  'quorum:recent.list': {
    request: z.object({ session: z.string().min(1) }),
    result: z.object({ paths: z.array(z.string()) }),
  },
  /** Projects, raters, annotations and reviews (issue 4): see projectChannels.ts. */
  ...projectChannels,
  /** Segmentation models (issue 5): see inferenceChannels.ts. */
  ...inferenceChannels,
  /** Per-case evaluation sources (issue 7): see evaluationChannels.ts. */
  ...evaluationChannels,
  /** Reader studies (issue 6): see studyChannels.ts. */
  ...studyChannels,
  /** Cases of several sequences (issue 12): see sequenceChannels.ts. */
  ...sequenceChannels,
  /** Images from a DICOMweb archive (issue 13): see dicomwebChannels.ts. */
  ...dicomwebChannels,
  /** The project's label table (issue 14): see labelChannels.ts. */
  ...labelChannels,
  /** The admin screen: people, invitation links, unassigning (issue 13): see adminChannels.ts. */
  ...adminChannels,
} as const;

export type Contract = typeof contract;
export type Channel = keyof Contract;
export type RequestOf<C extends Channel> = z.infer<Contract[C]['request']>;
export type ResultOf<C extends Channel> = z.infer<Contract[C]['result']>;

/** The typed client both transports produce for the renderer. */
export type QuorumApi = { [C in Channel]: (request: RequestOf<C>) => Promise<Result<ResultOf<C>>> };

/** Menu commands pushed from main to the renderer (Electron) or fired by the toolbar (browser). */
export const menuCommandSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('open-path'), path: z.string() }),
  z.object({ type: z.literal('open-project'), path: z.string() }),
  z.object({ type: z.literal('show-help') }),
]);
export type MenuCommand = z.infer<typeof menuCommandSchema>;
