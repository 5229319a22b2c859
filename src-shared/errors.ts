/**
 * The kinds of error Quorum reports, defined at the bottom of src-shared so the arrows point one
 * way: the readers (volume/errors.ts) and the services name their refusals from this list, and the
 * API contract (api/contract.ts) builds its error schema from it, rather than the readers reaching
 * up into the API. Each layer's error is turned into the API's at the edge (src-main/services/
 * apiResult.ts, projectGuard.ts).
 */
export const ERROR_CODES = [
  'bad-request',
  'unauthorized',
  'forbidden-path',
  'not-found',
  'unsupported-file',
  'corrupt-file',
  'too-large',
  'bad-geometry',
  'multiple-series',
  /** A labelmap with values outside {0, 1, 2}. */
  'bad-labels',
  /** The project is open in another process. */
  'project-locked',
  /** A save named a parent version that is no longer the newest: someone saved meanwhile; ask, never overwrite. */
  'conflict',
  /** The team server's database cannot be reached right now (restarting, network): try again shortly. */
  'unavailable',
  'internal',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];
