/**
 * The GET routes both shells serve, as a pure (method, raw path) → web Response mapping: the
 * renderer's static files, `api/volume/<caseId>/<volumeId>` voxel bytes, `api/model/<source>/<folder>/<file>`
 * model files and `files/<key>/<name>` case files (each session's own, see pathGuard.ts). Electron's quorum:// protocol handler returns these
 * Responses directly; the browser-mode server writes them to node:http after its token and Host checks. Keeping the mapping here means
 * both are covered by the same Node tests, without Electron.
 *
 * Plain Node; no Electron.
 */
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { ApiError } from '../../src-shared/api/contract';
import { httpStatusOf } from '../../src-shared/api/transport';
import type { ApiHandlers } from '../services/api';
import { decodePathSegments, resolveInside } from '../services/pathGuard';
import { contentTypeOf, OCTET_STREAM } from './contentTypes';
import { baseHeaders } from './headers';

export interface AppRoutesOptions {
  handlers: Pick<ApiHandlers, 'readVolume' | 'readCaseFile'> & Partial<Pick<ApiHandlers, 'readModelFile' | 'readInferenceArray'>>;
  /** The built renderer (out/renderer). */
  rendererDir: string;
}

export type AppRoutes = (method: string, rawPath: string) => Promise<Response>;

const MODEL_ROUTE = '/api/model/';
const INFERENCE_ROUTE = '/api/inference/';

/** `/api/…` paths that are GET routes served here rather than POST channel calls (the server asks). */
export function isApiGetRoute(rawPath: string): boolean {
  return rawPath.startsWith('/api/volume/') || rawPath.startsWith(MODEL_ROUTE) || rawPath.startsWith(INFERENCE_ROUTE);
}

/** A JSON error Result with the status matching its code (or an explicit one). */
export function errorResponse(error: ApiError, status = httpStatusOf(error.code)): Response {
  return new Response(JSON.stringify({ ok: false, error }), {
    status,
    headers: { ...baseHeaders('application/json; charset=utf-8'), 'Cache-Control': 'no-store' },
  });
}

async function fileResponse(realPath: string, cacheControl: string): Promise<Response> {
  const info = await stat(realPath);
  // Node's web-stream type and the DOM-less global ReadableStream type differ only nominally.
  const body = Readable.toWeb(createReadStream(realPath)) as unknown as ReadableStream<Uint8Array>;
  return new Response(body, {
    status: 200,
    headers: { ...baseHeaders(contentTypeOf(realPath)), 'Content-Length': String(info.size), 'Cache-Control': cacheControl },
  });
}

/** Chunk size of a voxel response: large enough to keep per-chunk overhead small, small enough to flow. */
const VOLUME_CHUNK_BYTES = 1 << 20;

/**
 * The bytes as a stream of views into them. A Uint8Array body would be copied whole by Response
 * (150 MB for a 512×512×300 CT, before the first byte goes out) and then written as one chunk; views
 * start at once, and each chunk is written when the socket has taken the previous one.
 */
export function chunkedStream(bytes: Uint8Array, chunkBytes = VOLUME_CHUNK_BYTES): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (offset >= bytes.length) {
        controller.close();
        return;
      }
      const end = Math.min(bytes.length, offset + chunkBytes);
      controller.enqueue(bytes.subarray(offset, end));
      offset = end;
    },
  });
}

export function createAppRoutes(options: AppRoutesOptions): AppRoutes {
  let rendererRoot: Promise<string | null> | null = null;
  // Resolved lazily and once: the renderer may be built after the server object is created.
  const realRendererDir = (): Promise<string | null> => {
    rendererRoot ??= realpath(options.rendererDir).catch(() => {
      rendererRoot = null;
      return null;
    });
    return rendererRoot;
  };

  async function serveVolume(rest: string): Promise<Response> {
    const decoded = decodePathSegments(rest);
    if (!decoded.ok) return errorResponse(decoded.error);
    if (decoded.value.length !== 2) return errorResponse({ code: 'not-found', message: 'Expected api/volume/<caseId>/<volumeId>.' });
    const [caseId, volumeId] = decoded.value;
    const payload = await options.handlers.readVolume(caseId, volumeId);
    if (!payload.ok) return errorResponse(payload.error);
    const { bytes, dataType } = payload.value;
    return new Response(chunkedStream(bytes), {
      status: 200,
      headers: {
        ...baseHeaders(OCTET_STREAM),
        'Content-Length': String(bytes.byteLength),
        'X-Quorum-Data-Type': dataType,
        'Cache-Control': 'no-store',
      },
    });
  }

  async function serveModelFile(rest: string): Promise<Response> {
    const read = options.handlers.readModelFile;
    if (!read) return errorResponse({ code: 'not-found', message: 'No models are served here.' });
    const file = await read(rest);
    if (!file.ok) return errorResponse(file.error);
    return new Response(chunkedStream(file.value), {
      status: 200,
      headers: { ...baseHeaders(OCTET_STREAM), 'Content-Length': String(file.value.byteLength), 'Cache-Control': 'no-store' },
    });
  }

  /** `api/inference/<jobId>/<index>`: one array of a finished native inference job, raw bytes. */
  async function serveInferenceArray(rest: string): Promise<Response> {
    const read = options.handlers.readInferenceArray;
    const m = /^([0-9a-f]{32})\/(\d{1,3})$/.exec(rest);
    if (!read || !m) return errorResponse({ code: 'not-found', message: 'Expected api/inference/<jobId>/<index>.' });
    const bytes = read(m[1], Number(m[2]));
    if (!bytes.ok) return errorResponse(bytes.error);
    return new Response(chunkedStream(bytes.value), {
      status: 200,
      headers: { ...baseHeaders(OCTET_STREAM), 'Content-Length': String(bytes.value.byteLength), 'Cache-Control': 'no-store' },
    });
  }

  async function serveCaseFile(rest: string): Promise<Response> {
    const resolved = await options.handlers.readCaseFile(rest);
    if (!resolved.ok) return errorResponse(resolved.error);
    return fileResponse(resolved.value, 'no-store');
  }

  async function serveStatic(rawPath: string): Promise<Response> {
    const root = await realRendererDir();
    if (root === null) {
      return errorResponse({
        code: 'not-found',
        message: `The renderer is not built (${options.rendererDir} is missing): run \`npm run build:web\`.`,
      });
    }
    const relative = rawPath === '/' || rawPath === '' ? 'index.html' : rawPath.replace(/^\//, '');
    const decoded = decodePathSegments(relative);
    if (!decoded.ok) return errorResponse(decoded.error);
    const resolved = await resolveInside(root, decoded.value);
    if (!resolved.ok) return errorResponse(resolved.error);
    // HTML must be revalidated so a rebuilt renderer is picked up; hashed assets may be cached.
    const cache = path.extname(resolved.value) === '.html' ? 'no-cache' : 'public, max-age=3600';
    return fileResponse(resolved.value, cache);
  }

  return async (method, rawPath) => {
    if (method !== 'GET' && method !== 'HEAD') {
      return errorResponse({ code: 'bad-request', message: `Method ${method} is not allowed here.` }, 405);
    }
    try {
      if (rawPath.startsWith('/api/volume/')) return await serveVolume(rawPath.slice('/api/volume/'.length));
      if (rawPath.startsWith(MODEL_ROUTE)) return await serveModelFile(rawPath.slice(MODEL_ROUTE.length));
      if (rawPath.startsWith(INFERENCE_ROUTE)) return await serveInferenceArray(rawPath.slice(INFERENCE_ROUTE.length));
      if (rawPath.startsWith('/files/')) return await serveCaseFile(rawPath.slice('/files/'.length));
      if (rawPath.startsWith('/api/')) return errorResponse({ code: 'not-found', message: `No such API route: ${rawPath}` });
      return await serveStatic(rawPath);
    } catch (e) {
      console.warn(`[routes] ${method} ${rawPath} failed:`, e);
      return errorResponse({ code: 'internal', message: 'Internal error while serving the request.' });
    }
  };
}
