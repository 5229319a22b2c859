/**
 * File helpers shared by the case loaders: bounded reads (a header check before a whole-file read)
 * and the shape a format loader returns.
 */
import { open, readFile, stat } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { gunzipSync as fflateGunzip } from 'fflate';
import type { ApiError, CaseDescriptor } from '../../src-shared/api/contract';
import type { ValueRange } from '../../src-shared/volume/stats';
import type { Volume } from '../../src-shared/volume/types';

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

/** Reads the first `length` bytes of a file (for header checks before reading it all). */
export async function readPrefix(file: string, length = 65_536): Promise<Uint8Array> {
  const handle = await open(file, 'r');
  try {
    const buffer = new Uint8Array(length);
    const { bytesRead } = await handle.read(buffer, 0, length, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** Whole-file read with a size check first, so a 10 GB file is refused rather than exhausting memory. */
export async function readWholeFile(file: string, maxBytes = 2 ** 31 - 1): Promise<Uint8Array> {
  const info = await stat(file);
  if (info.size > maxBytes) {
    throw Object.assign(new RangeError(`${(info.size / 2 ** 30).toFixed(1)} GiB on disk`), { file });
  }
  const b = await readFile(file);
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

/** A failure that is not about a file's content (e.g. an unknown series), carried with its API error. */
export class CaseOpenError extends Error {
  constructor(readonly error: ApiError) {
    super(error.message);
  }
}

/**
 * readNifti's gunzip hook backed by Node's zlib (about twice as fast as fflate on a 150 MB CT). The
 * output is capped near the size the header promises, so a bogus stream cannot balloon; a file with
 * more trailing data than that falls back to fflate, which keeps just the promised bytes.
 */
export function nodeGunzip(gz: Uint8Array, expectedBytes: number): Uint8Array {
  try {
    const b = gunzipSync(gz, { maxOutputLength: expectedBytes + 1_048_576 });
    return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') return fflateGunzip(gz, { out: new Uint8Array(expectedBytes) });
    throw e;
  }
}
