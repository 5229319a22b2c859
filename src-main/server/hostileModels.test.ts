/**
 * Hostile model folders against the real server over HTTP (issue 18, finding 13): a member
 * symlinked to /dev/zero and a model.json that is a FIFO are listed with their reason instead of
 * growing memory without end or hanging the server, and only a signed-in person may list models.
 */
import { execFileSync } from 'node:child_process';
import { cp, mkdir, rm, symlink } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Result } from '../../src-shared/api/contract';
import type { ModelEntry } from '../../src-shared/api/inferenceChannels';
import { repoRoot, useDemoDwiBackend } from '../services/demoDwiBackend.testSupport';
import type { BrowserServer } from './httpServer';
import { rawRequest, serveBackend } from './testSupport';

const TOKEN = 'models-token-0123456789';
const demo = useDemoDwiBackend('quorum-hostile-models-');
let server: BrowserServer;
let userModels: string;

beforeAll(async () => {
  server = await serveBackend(demo.backend, {
    token: TOKEN,
  });
  // The backend's user models folder is <data-dir>/models, listed afresh on every call.
  userModels = path.join(demo.tmp, 'data', 'models');
  const demoModel = path.join(repoRoot, 'models', 'demo-dwi-lesion');
  await mkdir(userModels, { recursive: true });
  await cp(demoModel, path.join(userModels, 'zero-member'), { recursive: true });
  await rm(path.join(userModels, 'zero-member', 'member-1.onnx'));
  await symlink('/dev/zero', path.join(userModels, 'zero-member', 'member-1.onnx'));
  await mkdir(path.join(userModels, 'fifo-manifest'));
  execFileSync('mkfifo', [path.join(userModels, 'fifo-manifest', 'model.json')]);
});

afterAll(async () => {
  await server?.close();
});

async function post<T>(channel: string, body: unknown): Promise<{ status: number; result: Result<T> }> {
  const res = await rawRequest(server.port, `/api/${channel}`, {
    method: 'POST',
    headers: { 'X-Quorum-Token': TOKEN, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, result: res.json<Result<T>>() };
}

type Listing = { models: ModelEntry[] };

describe('models.list', () => {
  it('needs a session: none and an unknown one are unauthorized, before any listing work', async () => {
    expect((await post('models.list', {})).status).toBe(401);
    const unknown = await post('models.list', { session: 'not-a-session' });
    expect(unknown.status).toBe(401);
    expect(!unknown.result.ok && unknown.result.error.code).toBe('unauthorized');
  });

  it('lists a /dev/zero member and a FIFO manifest with their reasons, and the server stays responsive', async () => {
    const { token } = await demo.signedInRater('Mo Models');
    const listed = await post<Listing>('models.list', { session: token });
    expect(listed.result.ok).toBe(true);
    const byFolder = new Map((listed.result.ok ? listed.result.value.models : []).map((m) => [m.folder, m]));
    expect(byFolder.get('zero-member')?.error).toMatch(/member-1\.onnx is a device; Quorum reads only regular files/);
    expect(byFolder.get('fifo-manifest')?.error).toMatch(/model\.json is a named pipe; Quorum reads only regular files/);
    expect((await post('app.info', {})).result.ok).toBe(true);
  });

  it('refuses to serve either file through the model route, at once', async () => {
    for (const file of ['zero-member/member-1.onnx', 'fifo-manifest/model.json']) {
      const res = await rawRequest(server.port, `/api/model/user/${file}`, { headers: { 'X-Quorum-Token': TOKEN } });
      // 403 for the symlink leaving the folder, 404 for the pipe that is not a file: neither is read.
      expect({ file, refused: res.status === 403 || res.status === 404 }).toEqual({ file, refused: true });
    }
  });
});
