/**
 * The one error type the readers throw. Its `code` is one of Quorum's error kinds (src-shared/
 * errors.ts), which the API contract shares, so the services can turn it into `{ ok: false, error }`
 * without guessing, and its message is written for a person.
 */
import type { ErrorCode } from '../errors';

export type VolumeReadErrorCode = Extract<
  ErrorCode,
  'corrupt-file' | 'too-large' | 'bad-geometry' | 'unsupported-file' | 'multiple-series'
>;

export class VolumeReadError extends Error {
  override readonly name = 'VolumeReadError';
  constructor(
    readonly code: VolumeReadErrorCode,
    message: string,
    /** Structured detail for the UI, e.g. the series found in a folder. */
    readonly detail?: unknown,
  ) {
    super(message);
  }
}

export function isVolumeReadError(e: unknown): e is VolumeReadError {
  return e instanceof VolumeReadError;
}

/**
 * Voxel counts at or above 2^31 are refused: typed arrays index with 32-bit ints in several engines,
 * and no review case needs that many. The byte cap keeps one volume within what a renderer tab can
 * hold next to its GPU copy.
 */
export const MAX_VOXELS = 2 ** 31 - 1;
export const MAX_BYTES = 2 ** 31 - 1;

/**
 * Volumes per image (the product of NIfTI dim4…dim7, or a DICOM file's frames). Each volume costs
 * objects, a value-range pass and a descriptor entry, so a 20 KB header claiming 2×10⁷ one-voxel
 * volumes would exhaust the heap long before the voxel cap applies. DWI rarely exceeds a few
 * hundred volumes and long fMRI runs stay near a few thousand.
 */
export const MAX_VOLUMES = 4096;

/** Frames of one DICOM file (NumberOfFrames): each becomes a frame record before series assembly. */
export const MAX_FRAMES_PER_FILE = 65_536;
