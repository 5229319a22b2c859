/**
 * Where annotation files' bytes live, content-addressed by their sha256 (`<hash>.nii[.gz]`): in
 * the project folder's `annotations/` for the single-user store (annotationFiles.ts: temp → fsync
 * → rename), in the database's `annotation_blobs` table for the team server (stateless processes:
 * nothing kept only on one machine's disk). Both verify the hash on every read.
 *
 * Plain Node.
 */
import fs from 'node:fs';
import {
  AnnotationFileError,
  annotationFileName,
  checkAnnotationFile,
  readAnnotationFile,
  sha256Hex,
  storeAnnotationFile,
  TEMP_PREFIX,
  type FileCheck,
  type StoredFile,
} from './annotationFiles';
import type { DbPort } from './dbPort';
import { text } from './sqlite';

export interface AnnotationBlobs {
  /** Stores the bytes under their hash (reusing an intact copy); joins the caller's transaction where it can. */
  store(bytes: Uint8Array): Promise<StoredFile>;
  /** The bytes, proven by hash; an AnnotationFileError when missing or damaged. */
  read(fileName: string, hash: string): Promise<Uint8Array>;
  check(fileName: string, hash: string): Promise<FileCheck>;
  /** Everything stored, by name, for the integrity report's leftovers (temp files of interrupted saves apart). */
  names(): Promise<{ stored: string[]; temp: string[] }>;
}

export function folderBlobs(annotationsDir: string): AnnotationBlobs {
  return {
    store: async (bytes) => storeAnnotationFile(annotationsDir, bytes),
    read: async (fileName, hash) => readAnnotationFile(annotationsDir, fileName, hash),
    check: async (fileName, hash) => checkAnnotationFile(annotationsDir, fileName, hash),
    async names() {
      let names: string[] = [];
      try {
        names = fs.readdirSync(annotationsDir);
      } catch {
        names = [];
      }
      return { stored: names.filter((n) => !n.startsWith(TEMP_PREFIX)), temp: names.filter((n) => n.startsWith(TEMP_PREFIX)) };
    },
  };
}

/** Bytes in the database (BYTEA); the table's CHECK recomputes each row's sha256 on insert. */
export function databaseBlobs(db: DbPort): AnnotationBlobs {
  const bytesOf = async (fileName: string): Promise<Uint8Array | null> => {
    const r = await db.get('SELECT bytes FROM annotation_blobs WHERE file_name = ?', [fileName]);
    const b = r?.bytes;
    return b instanceof Uint8Array ? b : null;
  };
  return {
    async store(bytes) {
      const hash = sha256Hex(bytes);
      const fileName = annotationFileName(hash, bytes);
      const { changes } = await db.run('INSERT INTO annotation_blobs (file_name, hash, bytes) VALUES (?, ?, ?) ON CONFLICT DO NOTHING', [
        fileName,
        hash,
        bytes,
      ]);
      return { hash, fileName, reused: changes === 0 };
    },
    async read(fileName, hash) {
      const bytes = await bytesOf(fileName);
      if (bytes === null) throw new AnnotationFileError(`annotation ${fileName} is missing from the database`, 'missing');
      const actual = sha256Hex(bytes);
      if (actual !== hash)
        throw new AnnotationFileError(
          `annotation ${fileName} is damaged: its sha256 is ${actual}, the project recorded ${hash}`,
          'hash-mismatch',
        );
      return bytes;
    },
    async check(fileName, hash) {
      const bytes = await bytesOf(fileName);
      if (bytes === null) return 'missing';
      return sha256Hex(bytes) === hash ? 'ok' : 'hash-mismatch';
    },
    async names() {
      return {
        stored: (await db.all('SELECT file_name FROM annotation_blobs ORDER BY file_name')).map((r) => text(r, 'file_name')),
        temp: [],
      };
    },
  };
}
