/**
 * The store's one error type. `code` is for logic and tests (the API layer maps it onto the
 * contract's error codes), `message` is written for the person who will read it.
 */
export type ProjectErrorCode =
  /** Malformed request: unknown status, empty comment, parent from another rater… */
  | 'bad-request'
  /** The session may not do or see this (blinding, role). */
  | 'forbidden'
  /** No such rater, case or version (or not visible to this session, which looks the same). */
  | 'not-found'
  /** A mask whose grid does not match the case image. */
  | 'bad-geometry'
  /** A mask with values outside the project's label table (0 and its values). */
  | 'bad-labels'
  /** A file that cannot be read as NIfTI, or a stored file whose hash no longer matches. */
  | 'corrupt-file'
  /** The project is open in another process. */
  | 'project-locked'
  /** A save whose parent is no longer the rater's newest version (another window or session saved meanwhile). */
  | 'conflict'
  /** The team server's database did not answer (restarting, connection cut): the request may be tried again. */
  | 'unavailable';

export class ProjectError extends Error {
  constructor(
    readonly code: ProjectErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ProjectError';
  }
}

export function fail(code: ProjectErrorCode, message: string): never {
  throw new ProjectError(code, message);
}
