/**
 * The content-addressed annotation file store: `annotations/<sha256>.nii.gz` (or `.nii` for an
 * imported uncompressed file, kept byte for byte). Files are immutable once renamed into place;
 * identical content maps to the same name, so saving it again reuses the file.
 *
 * Write order, so a crash at any point leaves either no file or a complete one under its final name:
 *   1. write to `annotations/.tmp-<pid>-<random>` (O_EXCL), 2. fsync it, 3. rename to the hash name,
 *   4. fsync the directory so the rename itself is durable. Only then does the caller record the
 *   version in the database. A crash between 3 and the DB commit leaves an unreferenced but complete
 *   file, which the integrity report lists and a later identical save reuses.
 */
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { isGzip } from '../../../src-shared/nifti';

export const ANNOTATIONS_DIR = 'annotations';
export const TEMP_PREFIX = '.tmp-';

/** sha256 of bytes, or of a string's UTF-8 (session and invitation tokens, grant keys), as hex. */
export function sha256Hex(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

export function annotationFileName(hash: string, bytes: Uint8Array): string {
  return `${hash}${isGzip(bytes) ? '.nii.gz' : '.nii'}`;
}

/** fsync a directory so a rename inside it survives power loss. Windows cannot open directories for this. */
function fsyncDirectory(dir: string): void {
  if (process.platform === 'win32') return;
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

function writeAll(fd: number, bytes: Uint8Array): void {
  let off = 0;
  while (off < bytes.length) off += fs.writeSync(fd, bytes, off, bytes.length - off);
}

export interface StoredFile {
  hash: string;
  fileName: string;
  /** True when a complete file with this content was already in place and nothing was written. */
  reused: boolean;
}

/** Stores `bytes` under its content hash with the temp → fsync → rename → fsync-dir order. */
export function storeAnnotationFile(annotationsDir: string, bytes: Uint8Array): StoredFile {
  fs.mkdirSync(annotationsDir, { recursive: true });
  const hash = sha256Hex(bytes);
  const fileName = annotationFileName(hash, bytes);
  const finalPath = path.join(annotationsDir, fileName);
  if (fs.existsSync(finalPath) && sha256Hex(fs.readFileSync(finalPath)) === hash) {
    return { hash, fileName, reused: true };
  }
  // Absent, or present but damaged: (re)write it the safe way. Renaming over a damaged file heals it.
  const tmpPath = path.join(annotationsDir, `${TEMP_PREFIX}${process.pid}-${randomBytes(6).toString('hex')}`);
  const fd = fs.openSync(tmpPath, 'wx');
  try {
    writeAll(fd, bytes);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmpPath, finalPath);
  fsyncDirectory(annotationsDir);
  return { hash, fileName, reused: false };
}

export type FileCheck = 'ok' | 'missing' | 'hash-mismatch';

export function checkAnnotationFile(annotationsDir: string, fileName: string, hash: string): FileCheck {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(path.join(annotationsDir, fileName));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    throw err;
  }
  return sha256Hex(bytes) === hash ? 'ok' : 'hash-mismatch';
}

export class AnnotationFileError extends Error {
  constructor(
    message: string,
    readonly problem: Exclude<FileCheck, 'ok'>,
  ) {
    super(message);
    this.name = 'AnnotationFileError';
  }
}

/** Reads a stored file and proves it is the content the database recorded. */
export function readAnnotationFile(annotationsDir: string, fileName: string, hash: string): Uint8Array {
  const p = path.join(annotationsDir, fileName);
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(p);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT')
      throw new AnnotationFileError(`annotation file ${fileName} is missing from ${annotationsDir}`, 'missing');
    throw err;
  }
  const actual = sha256Hex(bytes);
  if (actual !== hash) {
    throw new AnnotationFileError(
      `annotation file ${fileName} is damaged: its sha256 is ${actual}, the project recorded ${hash}`,
      'hash-mismatch',
    );
  }
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
