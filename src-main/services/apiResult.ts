/**
 * Small constructors for the API's Result type, so services never hand-build `{ ok: false, … }`.
 * Plain Node; no Electron.
 */
import type { ApiError, Result } from '../../src-shared/api/contract';
import { isVolumeReadError } from '../../src-shared/volume/errors';
import { ProjectError } from './project/errors';

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function fail<T = never>(code: ApiError['code'], message: string, detail?: unknown): Result<T> {
  return detail === undefined ? { ok: false, error: { code, message } } : { ok: false, error: { code, message, detail } };
}

/**
 * Turn anything a service threw into an API error: reader errors keep their code, and so does an
 * unreachable team database (any channel that reads the project can meet it, guarded or not); the
 * rest is 'internal'.
 */
export function errorFromThrown(e: unknown): ApiError {
  if (isVolumeReadError(e)) {
    return e.detail === undefined ? { code: e.code, message: e.message } : { code: e.code, message: e.message, detail: e.detail };
  }
  if (e instanceof ProjectError && e.code === 'unavailable') return { code: e.code, message: e.message };
  const message = e instanceof Error ? e.message : String(e);
  return { code: 'internal', message: `Internal error: ${message}` };
}
