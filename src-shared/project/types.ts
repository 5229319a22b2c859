/**
 * Records of a Quorum project as the store returns them (after blinding). Plain data: shared by the
 * project store in main, the API layer and the renderer. Ids are opaque prefixed random strings
 * (`rater_…`, `case_…`, `ver_…`), never row numbers, so they cannot be enumerated or confused.
 */
import type { Geometry } from '../volume/types';
import type { SequenceKind } from './sequences';

/** What a rater may do. */
export type Role =
  /** Annotates assigned cases; sees only the image and their own work (blinded). */
  | 'annotator'
  /** Sees every rater's work, comments and flags. */
  | 'reviewer'
  /** A reviewer who also manages raters, cases and assignments. */
  | 'admin';

export const ROLES: readonly Role[] = ['annotator', 'reviewer', 'admin'];

/** A person, or a segmentation model whose saved results make it one more rater (issue 5). */
export type RaterKind = 'human' | 'model';

export interface Rater {
  raterId: string;
  name: string;
  role: Role;
  createdAt: string;
  /** 'model' raters never sign in; their versions are saved inference results (annotators never see them). */
  kind: RaterKind;
}

/** The signed-in identity every store read and write takes. Obtained from `ProjectStore.signIn`. */
export interface Session {
  readonly raterId: string;
  readonly role: Role;
}

export interface SeriesRecord {
  seriesId: string;
  caseId: string;
  /** 0 is the reference series: annotation masks must match its geometry. */
  ordinal: number;
  label: string;
  /** Relative to the project folder when the image lives inside it, else absolute. */
  path: string;
  bValue: number | null;
  /** Kept in the DB so masks can be validated without loading the image. */
  geometry: Geometry;
}

/** One image of a case on its own grid (issue 12): a DWI with its b-values, an ADC map, a FLAIR… */
export interface SequenceRecord {
  sequenceId: string;
  /** Unique in the case; what model manifests and the viewer name it by (`dwi`, `adc`, `flair`). */
  name: string;
  kind: SequenceKind;
  /** The file or folder it is read from; relative to the project folder when inside it. */
  path: string;
  /** Its volumes in file order: one for most images, one per b-value for a DWI. */
  volumes: { label: string; bValue: number | null }[];
  geometry: Geometry;
}

export interface CaseRecord {
  caseId: string;
  name: string;
  source: 'nifti' | 'dicom';
  createdAt: string;
  /** The reference sequence's volumes; series 0's grid is where annotations live. */
  series: SeriesRecord[];
  /** Every sequence of the case, the reference among them, in the order they were added. */
  sequences: SequenceRecord[];
  referenceSequenceId: string;
}

/** Lifecycle of one saved version. */
export type VersionStatus = 'draft' | 'submitted';

/** Where a version's content came from. */
export type VersionOrigin = 'editor' | 'import';

export interface AnnotationVersion {
  versionId: string;
  caseId: string;
  raterId: string;
  /** sha256 (hex) of the stored NIfTI file's bytes; null only for a "no lesion" answer. */
  fileHash: string | null;
  /** File name under `annotations/`, `<hash>.nii.gz` (or `.nii` for an imported uncompressed file). */
  fileName: string | null;
  parentVersionId: string | null;
  createdAt: string;
  status: VersionStatus;
  /** An explicit, submitted "this case has no lesion" answer. */
  noLesion: boolean;
  appVersion: string;
  origin: VersionOrigin;
}

/** Where a rater stands on a case, derived from their newest version. */
export type RaterCaseStatus =
  /** No version saved. */
  | 'not-started'
  /** Newest version is a draft (possibly empty). */
  | 'draft'
  /** Newest version is a submitted mask with at least one lesion or uncertain voxel. */
  | 'submitted'
  /** Newest version is the explicit submitted "no lesion" answer. */
  | 'no-lesion';

export interface ReviewComment {
  commentId: string;
  caseId: string;
  versionId: string | null;
  /** Null when blinding hides who wrote it (an annotator reading a reviewer's comment on their work). */
  authorRaterId: string | null;
  authorName: string | null;
  authorRole: Role;
  body: string;
  createdAt: string;
}

/** Kinds of review flag. */
export type FlagKind =
  /** The annotation needs more work. */
  | 'needs-revision'
  /** The reviewer accepts the annotation. */
  | 'accepted'
  /** The image itself has a problem (artefact, wrong series). */
  | 'image-problem'
  /** Anything else, explained in the note. */
  | 'other'
  /** A reviewer's mark that the case is hard (for the worklist filter and later analysis); schema 4+. */
  | 'difficult';

export const FLAG_KINDS: readonly FlagKind[] = ['needs-revision', 'accepted', 'image-problem', 'other', 'difficult'];

export interface ReviewFlag {
  flagId: string;
  caseId: string;
  versionId: string | null;
  authorRaterId: string | null;
  authorName: string | null;
  authorRole: Role;
  kind: FlagKind;
  note: string;
  createdAt: string;
}

export interface AuditEntry {
  seq: number;
  at: string;
  actorRaterId: string | null;
  action: string;
  caseId: string | null;
  subjectId: string | null;
  detail: string;
}
