/**
 * Test helpers for the browser-mode server: raw HTTP requests (node:http, so paths reach the
 * server exactly as written; fetch would normalise `..` away), a backend served over loopback, and
 * the CLI as a child process.
 * Used only by *.test.ts files.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { request, type ClientRequest } from 'node:http';
import { request as tlsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll } from 'vitest';
import { decodeFrame, encodeFrame, FRAME_CONTENT_TYPE, holdsBytes } from '../../src-shared/api/binaryFrame';
import type { Result } from '../../src-shared/api/contract';
import { createTestBackend, writeTestProject, type TestCase } from '../services/demoDwiBackend.testSupport';
import type { Backend } from './backend';
import { startBrowserServer, type BrowserServer, type BrowserServerOptions } from './httpServer';

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  /** The body's value: JSON, or a binary frame's (its Uint8Arrays as views into `body`). */
  json<T = unknown>(): T;
}

/**
 * A channel request's Content-Type and body as the renderer's transport sends them: a binary frame
 * when it holds bytes (voxels), JSON otherwise.
 */
export function apiBody(request: unknown): { type: string; body: string | Uint8Array } {
  return holdsBytes(request)
    ? { type: FRAME_CONTENT_TYPE, body: encodeFrame(request) }
    : { type: 'application/json', body: JSON.stringify(request) };
}

/**
 * A request opened but not finished: the caller writes its body (whole, in part, or in pieces over
 * time: a stalling or trickling client) and ends it, or never does; `response` settles with the
 * server's answer. `ca`: the server speaks HTTPS with this certificate (selfSignedCertificate), which
 * the request trusts and nothing else. `init.localAddress`: the loopback address the request comes
 * from, so a test can be many workstations (the server limits connections per client address).
 */
export function openRequest(
  port: number,
  rawPath: string,
  init: { method?: string; headers?: Record<string, string>; localAddress?: string } = {},
  ca?: Buffer,
): { request: ClientRequest; response: Promise<RawResponse> } {
  // A connection of its own (no keep-alive agent): a reused socket that the server is closing after
  // its keep-alive timeout ends in "socket hang up", a client-side race that is no server's answer.
  const options = {
    host: '127.0.0.1',
    port,
    path: rawPath,
    method: init.method ?? 'GET',
    headers: init.headers,
    localAddress: init.localAddress,
    agent: false,
  };
  let req: ClientRequest | undefined;
  const response = new Promise<RawResponse>((resolve, reject) => {
    req = (ca === undefined ? request : tlsRequest)(ca === undefined ? options : { ...options, ca }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        const isFrame = (res.headers['content-type'] ?? '').startsWith(FRAME_CONTENT_TYPE);
        const json = <T>(): T => (isFrame ? decodeFrame(body) : JSON.parse(body.toString('utf8'))) as T;
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, json });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
  });
  if (!req) throw new Error('the request was not opened');
  return { request: req, response };
}

/** A whole request (openRequest, its body written at once). */
export function rawRequest(
  port: number,
  rawPath: string,
  init: {
    method?: string;
    headers?: Record<string, string>;
    body?: string | Uint8Array;
    /** A channel request, sent as the transport would (apiBody); Content-Type is set to match. */
    api?: unknown;
    localAddress?: string;
  } = {},
  ca?: Buffer,
): Promise<RawResponse> {
  const api = init.api === undefined ? null : apiBody(init.api);
  const headers = api === null ? init.headers : { ...init.headers, 'Content-Type': api.type };
  const { request: req, response } = openRequest(port, rawPath, { method: init.method, headers, localAddress: init.localAddress }, ca);
  const body = api === null ? init.body : api.body;
  if (body !== undefined) req.write(body);
  req.end();
  return response;
}

/**
 * A channel caller over the server's HTTP API with the launch token (null: none, as on a team
 * server): the value, or a throw with the refusal. `localAddress`: the loopback address it calls
 * from (one simulated workstation).
 */
export function apiCaller(
  port: number,
  token: string | null,
  localAddress?: string,
): (channel: string, request: unknown) => Promise<unknown> {
  return async (channel, request) => {
    const res = await rawRequest(port, `/api/${channel}`, {
      method: 'POST',
      headers: token === null ? {} : { 'X-Quorum-Token': token },
      api: request,
      localAddress,
    });
    let result: Result<unknown>;
    try {
      result = res.json() as Result<unknown>;
    } catch {
      throw new Error(`${channel}: HTTP ${res.status} without a Result: ${res.body.toString('utf8').slice(0, 200)}`);
    }
    if (!result.ok) throw new Error(`${channel}: ${result.error.message}`);
    return result.value;
  };
}

/** A certificate and key for 127.0.0.1, valid for a day, written into `dir` (openssl, as an admin would make one). */
export function selfSignedCertificate(dir: string): { certFile: string; keyFile: string } {
  const certFile = path.join(dir, 'cert.pem');
  const keyFile = path.join(dir, 'key.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      keyFile,
      '-out',
      certFile,
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ],
    { stdio: 'ignore' },
  );
  return { certFile, keyFile };
}

const here = path.dirname(fileURLToPath(import.meta.url));
const tsx = path.resolve(here, '..', '..', 'node_modules', '.bin', 'tsx');

export interface SpawnedCli {
  child: ChildProcess;
  /** stdout up to its first line (or, when the process exits first, stdout and stderr). */
  stdout: Promise<string>;
  exit: Promise<number | null>;
  /** Everything written to stderr so far. */
  stderr(): string;
}

/** Starts `npm run serve:web`'s entry point (cli.ts) as a child process; `env` is added to this process's. */
export function spawnCli(args: string[], env: Record<string, string> = {}): SpawnedCli {
  const child = spawn(tsx, [path.join(here, 'cli.ts'), ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let out = '';
  let err = '';
  child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (err += c.toString()));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const stdout = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL line within 30 s; stderr: ${err}`)), 30_000);
    const check = (): void => {
      if (out.includes('\n')) {
        clearTimeout(timer);
        resolve(out);
      }
    };
    child.stdout?.on('data', check);
    void exit.then(() => {
      clearTimeout(timer);
      resolve(out + err);
    });
  });
  return { child, stdout, exit, stderr: () => err };
}

/** `backend` served as cli.ts serves it (its dispatcher, voxel admission and routes), on a free loopback port unless `options` names one. */
export function serveBackend(
  backend: Pick<Backend, 'dispatch' | 'binaryAdmission' | 'routes'>,
  options: Omit<BrowserServerOptions, 'dispatch' | 'binaryAdmission' | 'routes' | 'port'> & { port?: number } = {},
): Promise<BrowserServer> {
  return startBrowserServer({
    dispatch: backend.dispatch,
    binaryAdmission: backend.binaryAdmission,
    routes: backend.routes,
    port: 0,
    ...options,
  });
}

export interface ServedTestProject {
  /** The backend; only valid inside tests (after beforeAll). */
  readonly backend: Backend;
  readonly server: BrowserServer;
  /** A channel caller with the launch token (apiCaller). */
  call(channel: string, request: unknown): Promise<unknown>;
}

/**
 * A project of `cases` (writeTestProject) in a temp folder, on a real backend served over loopback
 * with `options` (its launch token, limits): made in the test file's beforeAll, closed and removed
 * in its afterAll. Register it before the file's own hooks, which then find it ready.
 */
export function useServedTestProject(
  tmpPrefix: string,
  cases: readonly TestCase[],
  options: Omit<BrowserServerOptions, 'dispatch' | 'binaryAdmission' | 'routes' | 'port'> & { token: string },
): ServedTestProject {
  let tmp: string | undefined;
  let made: { backend: Backend; server: BrowserServer; call: ServedTestProject['call'] } | undefined;
  beforeAll(async () => {
    tmp = mkdtempSync(path.join(tmpdir(), tmpPrefix));
    writeTestProject(tmp, cases);
    const backend = await createTestBackend(tmp);
    const server = await serveBackend(backend, options);
    made = { backend, server, call: apiCaller(server.port, options.token) };
  }, 120_000);
  afterAll(async () => {
    await made?.server.close();
    made?.backend.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });
  const ready = () => {
    if (!made) throw new Error('the served project was used outside a test (beforeAll has not run)');
    return made;
  };
  return {
    get backend() {
      return ready().backend;
    },
    get server() {
      return ready().server;
    },
    call: (channel, request) => ready().call(channel, request),
  };
}
