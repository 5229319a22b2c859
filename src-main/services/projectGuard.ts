/**
 * ProjectError → the contract's error Result, shared by the project and exchange handlers
 * (apiProject.ts, apiExchange.ts): forbidden becomes unauthorized, the other codes keep their name.
 * Anything else stays a throw (the dispatcher reports it as internal). Also the dispatcher's session
 * lookup, which turns the registry's refusal into an error Result.
 *
 * Plain Node.
 */
import type { ApiError, Result } from '../../src-shared/api/contract';
import type { SessionOf } from './apiDispatch';
import { fail, ok } from './apiResult';
import { ProjectError, type ProjectErrorCode } from './project/errors';
import type { ProjectHost } from './project/projectHost';

const CODE_OF: Record<ProjectErrorCode, ApiError['code']> = {
  'bad-request': 'bad-request',
  forbidden: 'unauthorized',
  'not-found': 'not-found',
  'bad-geometry': 'bad-geometry',
  'bad-labels': 'bad-labels',
  'corrupt-file': 'corrupt-file',
  'project-locked': 'project-locked',
  conflict: 'conflict',
  unavailable: 'unavailable',
};

/** Runs a store call, turning a ProjectError into the contract's error Result. */
export async function guarded<T>(fn: () => T | Promise<T>): Promise<Result<T>> {
  try {
    return ok(await fn());
  } catch (err) {
    if (err instanceof ProjectError) return fail(CODE_OF[err.code], err.message);
    throw err;
  }
}

/** The dispatcher's session lookup (apiDispatch.ts) over the host's registry, with the registry's reason where it refuses. */
export function sessionOfHost(host: Pick<ProjectHost, 'sessions'>): SessionOf {
  return async (token) => {
    try {
      return ok(await host.sessions.resolve(token));
    } catch (err) {
      // A database that cannot be reached has not signed anyone out: "try again" (503), not "sign in again".
      if (err instanceof ProjectError) return fail(err.code === 'unavailable' ? 'unavailable' : 'unauthorized', err.message);
      throw err;
    }
  };
}
