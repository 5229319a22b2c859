/**
 * The browser-mode server, started for real on a free 127.0.0.1 port with the real handler table,
 * case loader and renderer routes. Requests go out as raw HTTP so traversal paths arrive unnormalised.
 */
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaseDescriptor, Result } from '../../src-shared/api/contract';
import { writeNifti } from '../../src-shared/nifti';
import type { Direction } from '../../src-shared/volume/types';
import type { BrowserServer } from './httpServer';
import { createTestBackend, signedInRaterOn } from '../services/demoDwiBackend.testSupport';
import { rawRequest, serveBackend } from './testSupport';

const TOKEN = 'test-token-0123456789';
const DIMS = [3, 4, 5] as const;
const IDENTITY: Direction = [1, 0, 0, 0, 1, 0, 0, 0, 1];

let tmp: string;
let project: string;
let server: BrowserServer;
/** A signed-in rater's session: case.open, fs.list and recent.list are theirs. */
let session: string;

/** Voxel (i, j, k) holds i + 10 j + 100 k − 50: every voxel distinct, some negative. */
function expectedVoxels(): Int16Array {
  const out = new Int16Array(DIMS[0] * DIMS[1] * DIMS[2]);
  let n = 0;
  for (let k = 0; k < DIMS[2]; k++)
    for (let j = 0; j < DIMS[1]; j++) for (let i = 0; i < DIMS[0]; i++) out[n++] = i + 10 * j + 100 * k - 50;
  return out;
}

const auth = { 'X-Quorum-Token': TOKEN };
const post = (channel: string, body: unknown) =>
  rawRequest(server.port, `/api/${channel}`, {
    method: 'POST',
    headers: { ...auth, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'quorum-server-'));
  project = path.join(tmp, 'project');
  const renderer = path.join(tmp, 'renderer');
  await mkdir(path.join(renderer, 'assets'), { recursive: true });
  await mkdir(project);
  await writeFile(path.join(renderer, 'index.html'), '<!doctype html><title>Quorum</title>');
  await writeFile(path.join(renderer, 'assets', 'app.js'), 'export {};');
  await writeFile(path.join(renderer, 'assets', 'worker.mjs'), 'export {};');
  await writeFile(path.join(renderer, 'assets', 'ort.wasm'), Buffer.from([0, 0x61, 0x73, 0x6d]));
  const nifti = writeNifti({
    geometry: { dims: DIMS, spacingMm: [1, 1, 2], originLps: [0, 0, 0], direction: IDENTITY },
    data: expectedVoxels(),
  });
  await writeFile(path.join(project, 'ct.nii'), nifti);
  await writeFile(path.join(project, 'ct.nii.gz'), gzipSync(nifti));
  await writeFile(path.join(tmp, 'secret.txt'), 'outside the roots');
  await symlink(path.join(tmp, 'secret.txt'), path.join(project, 'link.txt'));

  const backend = await createTestBackend(tmp, { projectDir: project, rendererDir: renderer });
  server = await serveBackend(backend, { token: TOKEN });
  session = (await signedInRaterOn(backend.dispatch, 'Sam Server')).token;
});

afterAll(async () => {
  await server?.close();
  await rm(tmp, { recursive: true, force: true });
});

function expectIsolationHeaders(headers: Record<string, string | string[] | undefined>): void {
  expect(headers['cross-origin-opener-policy']).toBe('same-origin');
  expect(headers['cross-origin-embedder-policy']).toBe('require-corp');
  expect(headers['cross-origin-resource-policy']).toBe('same-origin');
}

async function openCase(file: string): Promise<CaseDescriptor> {
  const res = await post('case.open', { session, path: path.join(project, file) });
  const result = res.json<Result<CaseDescriptor>>();
  if (!result.ok) throw new Error(`case.open failed: ${result.error.message}`);
  return result.value;
}

describe('token', () => {
  it('refuses an API request without the token, with a message saying what to do', async () => {
    const res = await rawRequest(server.port, '/api/app.info', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{}',
    });
    expect(res.status).toBe(401);
    const body = res.json<Result<unknown>>();
    expect(body.ok).toBe(false);
    if (!body.ok) {
      expect(body.error.code).toBe('unauthorized');
      expect(body.error.message).toContain('X-Quorum-Token');
    }
  });

  it('refuses a wrong token', async () => {
    const res = await rawRequest(server.port, '/api/app.info', {
      method: 'POST',
      headers: { 'X-Quorum-Token': `${TOKEN}x`, 'Content-Type': 'application/json' },
      body: '{}',
    });
    expect(res.status).toBe(401);
  });

  it('does not accept the token as a query parameter on API requests', async () => {
    const res = await rawRequest(server.port, `/api/app.info?token=${TOKEN}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{}',
    });
    expect(res.status).toBe(401);
    expect(res.json<{ error: { message: string } }>().error.message).toContain('header');
  });

  it('guards case files and volumes too', async () => {
    expect((await rawRequest(server.port, '/files/abc/ct.nii')).status).toBe(401);
    expect((await rawRequest(server.port, '/api/volume/a/b')).status).toBe(401);
  });

  it('answers a request with the right token', async () => {
    const res = await post('app.info', {});
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({ ok: true, value: { version: '0.0.0-test', mode: 'browser', demoProjectPath: project } });
  });

  it('serves the page itself without a token, so the ?token= URL can load', async () => {
    const res = await rawRequest(server.port, `/?token=${TOKEN}`);
    expect(res.status).toBe(200);
    expect(res.body.toString()).toContain('<title>Quorum</title>');
  });
});

describe('host and origin', () => {
  it('refuses a foreign Host header (DNS rebinding)', async () => {
    for (const p of ['/', '/api/app.info']) {
      const res = await rawRequest(server.port, p, { headers: { ...auth, Host: `evil.example:${server.port}` } });
      expect(res.status).toBe(403);
    }
  });

  it('accepts localhost:<port> as Host', async () => {
    const res = await rawRequest(server.port, '/', { headers: { Host: `localhost:${server.port}` } });
    expect(res.status).toBe(200);
  });

  it('refuses a cross-origin API call even with the token', async () => {
    const res = await rawRequest(server.port, '/api/app.info', {
      method: 'POST',
      headers: { ...auth, 'Content-Type': 'application/json', Origin: 'http://evil.example' },
      body: '{}',
    });
    expect(res.status).toBe(403);
  });
});

describe('headers', () => {
  it('sends COOP/COEP/CORP on every response: page, assets, API, errors', async () => {
    const responses = [
      await rawRequest(server.port, '/'),
      await rawRequest(server.port, '/assets/app.js'),
      await rawRequest(server.port, '/assets/ort.wasm'),
      await post('app.info', {}),
      await rawRequest(server.port, '/api/app.info'),
      await rawRequest(server.port, '/missing.js'),
    ];
    for (const res of responses) expectIsolationHeaders(res.headers);
  });

  it('sends the right content types', async () => {
    expect((await rawRequest(server.port, '/')).headers['content-type']).toBe('text/html; charset=utf-8');
    expect((await rawRequest(server.port, '/assets/app.js')).headers['content-type']).toMatch(/^text\/javascript/);
    expect((await rawRequest(server.port, '/assets/worker.mjs')).headers['content-type']).toMatch(/^text\/javascript/);
    expect((await rawRequest(server.port, '/assets/ort.wasm')).headers['content-type']).toBe('application/wasm');
  });

  it('puts a strict CSP on the page', async () => {
    const csp = String((await rawRequest(server.port, '/')).headers['content-security-policy']);
    expect(csp).toContain("script-src 'self' 'wasm-unsafe-eval'");
    expect(csp.split(/[\s;]+/)).not.toContain("'unsafe-eval'");
    expect(csp).toContain("default-src 'none'");
  });
});

describe('request validation', () => {
  it('rejects a malformed request with 400 bad-request before any handler runs', async () => {
    const res = await post('case.open', { session, path: 42 });
    expect(res.status).toBe(400);
    const body = res.json<Result<unknown>>();
    expect(!body.ok && body.error.code).toBe('bad-request');
    expect(!body.ok && body.error.message).toContain('path');
  });

  it('rejects an empty path, an unknown channel, bad JSON and the wrong method', async () => {
    expect((await post('case.open', { session, path: '' })).status).toBe(400);
    expect((await post('nope.never', {})).status).toBe(400);
    const badJson = await rawRequest(server.port, '/api/app.info', {
      method: 'POST',
      headers: { ...auth, 'Content-Type': 'application/json' },
      body: '{',
    });
    expect(badJson.status).toBe(400);
    expect((await rawRequest(server.port, '/api/app.info', { headers: auth })).status).toBe(405);
    const notJson = await rawRequest(server.port, '/api/app.info', {
      method: 'POST',
      headers: { ...auth, 'Content-Type': 'text/plain' },
      body: '{}',
    });
    expect(notJson.status).toBe(415);
  });

  it('refuses a relative case path', async () => {
    const body = (await post('case.open', { session, path: 'ct.nii' })).json<Result<unknown>>();
    expect(!body.ok && body.error.code).toBe('bad-request');
  });
});

describe('case.open and voxel bytes', () => {
  it('returns the voxels written to the file, little-endian, through the volume URL', async () => {
    const descriptor = await openCase('ct.nii');
    expect(descriptor.volumes).toHaveLength(1);
    const volume = descriptor.volumes[0];
    expect(volume.dims).toEqual([3, 4, 5]);
    expect(volume.url).toMatch(/^api\/volume\//);
    const res = await rawRequest(server.port, `/${volume.url}`, { headers: auth });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/octet-stream');
    expectIsolationHeaders(res.headers);
    const expected = expectedVoxels();
    expect(res.body.length).toBe(expected.byteLength);
    const got = new Int16Array(res.body.buffer.slice(res.body.byteOffset, res.body.byteOffset + res.body.length));
    expect(Array.from(got)).toEqual(Array.from(expected));
  });

  it('serves the opened file itself with its .nii.gz name and gzip type, undecoded', async () => {
    const descriptor = await openCase('ct.nii.gz');
    expect(descriptor.fileUrl).toMatch(/^files\/[0-9a-f]+\/ct\.nii\.gz$/);
    const res = await rawRequest(server.port, `/${descriptor.fileUrl}`, { headers: auth });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/gzip');
    expect(res.headers['content-encoding']).toBeUndefined();
    expect(res.body[0]).toBe(0x1f);
    expect(res.body[1]).toBe(0x8b);
  });

  it('lists the opened case in recent', async () => {
    await openCase('ct.nii');
    const body = (await post('recent.list', { session })).json<Result<{ paths: string[] }>>();
    expect(body.ok && body.value.paths[0]).toBe(path.join(project, 'ct.nii'));
  });

  it('answers 404 for a volume of a case that is not open', async () => {
    const res = await rawRequest(server.port, '/api/volume/0000/0', { headers: auth });
    expect(res.status).toBe(404);
  });
});

describe('path traversal on files/', () => {
  it('refuses every attempt to leave the opened file with 403 forbidden-path', async () => {
    const descriptor = await openCase('ct.nii');
    const rootId = (descriptor.fileUrl ?? '').split('/')[1];
    expect(rootId).toMatch(/^[0-9a-f]{32}$/);
    const attempts = [
      `/files/${rootId}/../secret.txt`,
      `/files/${rootId}/%2e%2e/secret.txt`,
      `/files/${rootId}/%2E%2E%2Fsecret.txt`,
      `/files/${rootId}/..%5csecret.txt`,
      `/files/${rootId}//etc/passwd`,
      `/files/${rootId}/%2Fetc%2Fpasswd`,
      `/files/${rootId}/link.txt`,
      `/files/0123456789abcdef/secret.txt`,
      `/files/..%2f..%2fsecret.txt`,
      '/../secret.txt',
      '/%2e%2e/secret.txt',
    ];
    for (const attempt of attempts) {
      const res = await rawRequest(server.port, attempt, { headers: auth });
      expect({ attempt, status: res.status }).toEqual({ attempt, status: 403 });
      expect(res.json<{ error: { code: string } }>().error.code).toBe('forbidden-path');
    }
  });

  it('still serves the opened file itself', async () => {
    const descriptor = await openCase('ct.nii');
    const res = await rawRequest(server.port, `/${descriptor.fileUrl}`, { headers: auth });
    expect(res.status).toBe(200);
    expect(res.body.readInt32LE(0)).toBe(348);
  });
});
