/**
 * The file rules of the channels that take a path (case.open, fs.list, project.listCases with a path,
 * annotation.import, import.folder), on top of the dispatcher's "who may call it" (channelAccess.ts):
 *
 * - A project's store — its database (`quorum.sqlite` and the files beside it that share its name)
 *   and `annotations/`, which holds every rater's masks and the models' results — is never listed,
 *   opened as a case, or imported from, whichever project it belongs to. Going through the file
 *   channels would bypass every blinding rule the store applies.
 * - A reader of an open study (study/readerScope.ts) opens only the study's case images and
 *   browses nothing: the folder beside an image can hold the very segmentations the study hides.
 *
 * Plain Node; no Electron.
 */
import { existsSync } from 'node:fs';
import { realpath } from 'node:fs/promises';
import path from 'node:path';
import type { Result } from '../../src-shared/api/contract';
import type { Session } from '../../src-shared/project/types';
import { fail } from './apiResult';
import { ANNOTATIONS_DIR } from './project/annotationFiles';
import type { ProjectHost } from './project/projectHost';
import { DB_FILE } from './project/ProjectStore';
import { readerImagePaths } from './study/readerScope';

/** The real path of `p`, or its resolved form when it does not exist (a missing file cannot escape a check). */
async function realOrResolved(p: string): Promise<string> {
  return realpath(p).catch(() => path.resolve(p));
}

/** Whether `name`, directly inside a project folder, belongs to its store. */
function isStoreEntry(name: string): boolean {
  return name === ANNOTATIONS_DIR || name.startsWith(DB_FILE);
}

/** Whether `folder` is a project folder (it holds a project database). */
function isProjectFolder(folder: string): boolean {
  return existsSync(path.join(folder, DB_FILE));
}

/** Whether a real path lies in a project's store: some ancestor holds a database and the path is in its store entries. */
function isInStore(real: string): boolean {
  let child = real;
  for (let dir = path.dirname(real); dir !== child; child = dir, dir = path.dirname(dir)) {
    if (isProjectFolder(dir) && isStoreEntry(path.basename(child))) return true;
  }
  return false;
}

const STORE_REFUSAL =
  "is inside a Quorum project's store (its database or annotations/): raters' work is read through the project, never as files";

/** Refuses a path inside any project's store (after resolving symlinks); null when it is outside. */
export async function refuseStorePath(p: string): Promise<Result<never> | null> {
  return isInStore(await realOrResolved(p)) ? fail('forbidden-path', `${p} ${STORE_REFUSAL}.`) : null;
}

/** A listing without a project folder's store entries (the rest of the folder stays browsable). */
export function withoutStoreEntries<T extends { name: string }>(folder: string, entries: readonly T[]): T[] {
  return isProjectFolder(folder) ? entries.filter((e) => !isStoreEntry(e.name)) : [...entries];
}

/** The image paths a session may open when it reads an open study; null when it reads none (no limit beyond the store rule). */
async function readerScopeOf(host: ProjectHost, session: Session): Promise<ReadonlySet<string> | null> {
  const store = await host.current();
  return await store.withContext(session, readerImagePaths);
}

/** Refuses browsing (fs.list, a project listing) to a reader of an open study. */
export async function refuseReaderBrowsing(host: ProjectHost, session: Session): Promise<Result<never> | null> {
  if ((await readerScopeOf(host, session)) === null) return null;
  return fail('unauthorized', 'While a reader study you read is open, files cannot be browsed: the study shows you its cases.');
}

/** Refuses opening anything but the study's case images to a reader of an open study. */
export async function refuseReaderOpening(host: ProjectHost, session: Session, realCasePath: string): Promise<Result<never> | null> {
  const scope = await readerScopeOf(host, session);
  if (scope === null) return null;
  for (const allowed of scope) if ((await realOrResolved(allowed)) === realCasePath) return null;
  return fail('unauthorized', 'While a reader study you read is open, only its case images can be opened.');
}
