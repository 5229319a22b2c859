/**
 * File helpers shared by the case loaders: bounded reads (a header check before a whole-file read)
 * and the shape a format loader returns.
 */
import type { ApiError, CaseDescriptor } from '../../src-shared/api/contract';
import type { ValueRange } from '../../src-shared/volume/stats';
import type { Volume } from '../../src-shared/volume/types';
import { readRegularFile } from './boundedRead';

/** What a format-specific loader hands back before ids, URLs and value ranges are added. */
export interface LoadedVolumes {
  name: string;
  source: CaseDescriptor['source'];
  modality: CaseDescriptor['modality'];
  /** `range`: the finite value range, when the loader already computed it (else it is computed here). */
  volumes: { label: string; bValue: number | null; volume: Volume; range?: ValueRange }[];
  notes: string[];
}

export function isNiftiName(p: string): boolean {
  return /\.nii(\.gz)?$/i.test(p);
}

/** Reads the first `length` bytes of a file (for header checks before reading it all); regular files only. */
export function readPrefix(file: string, length = 65_536): Promise<Uint8Array> {
  return readRegularFile(file, { maxBytes: Number.POSITIVE_INFINITY, prefixBytes: length });
}

/**
 * Whole-file read of a regular file with a size check first, so a 10 GB file is refused rather
 * than exhausting memory (and a FIFO or device is refused rather than read forever).
 */
export function readWholeFile(file: string, maxBytes = 2 ** 31 - 1): Promise<Uint8Array> {
  return readRegularFile(file, { maxBytes });
}

/** A failure that is not about a file's content (e.g. an unknown series), carried with its API error. */
export class CaseOpenError extends Error {
  constructor(readonly error: ApiError) {
    super(error.message);
  }
}
