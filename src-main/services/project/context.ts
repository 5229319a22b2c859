/**
 * What every store module works on: the open database, the project folder and the app version
 * stamped on new versions. Passed explicitly (no singletons) so tests can hold several projects.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { folderBlobs, type AnnotationBlobs } from './annotationBlobs';
import { ANNOTATIONS_DIR } from './annotationFiles';
import type { DbPort } from './dbPort';
import { LabelmapCache } from './labelmapCache';

export interface StoreContext {
  readonly db: DbPort;
  /** The project folder (relative image paths are inside it); the team server's image root. */
  readonly dir: string;
  /** Annotation files' bytes: the folder's annotations/ (single-user) or the database (team server). */
  readonly blobs: AnnotationBlobs;
  readonly appVersion: string;
  /** The last acknowledged labelmap per (rater, case), for the next slice save; this process's memory only. */
  readonly labelmaps: LabelmapCache;
}

export function makeContext(
  db: DbPort,
  dir: string,
  appVersion: string,
  blobs = folderBlobs(path.join(dir, ANNOTATIONS_DIR)),
): StoreContext {
  return { db, dir, blobs, appVersion, labelmaps: new LabelmapCache() };
}

/** Opaque ids: a readable prefix and 64 random bits, so ids cannot be guessed from one another. */
export function newId(prefix: 'rater' | 'case' | 'series' | 'seq' | 'ver' | 'cmt' | 'flag' | 'proj' | 'inv'): string {
  return `${prefix}_${randomBytes(8).toString('hex')}`;
}

export function nowIso(): string {
  return new Date().toISOString();
}
