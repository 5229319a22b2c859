/**
 * The request deadline that grows with the admitted voxels (requestDeadline.ts), over real HTTP on
 * the real backend: a model result whose upload outlasts the fixed request timeout, but keeps the
 * slowest allowed rate, is saved (Node's fixed `requestTimeout` cut it off: a 375 MiB "Save as
 * rater" on a loaded machine, EPIPE after 30 s), and a frame whose voxels trickle in below that
 * rate is still cut off with 408 once the time its size earns is spent, saving nothing. The limits
 * are shortened (1 s, 1 MiB/s) so the test waits seconds, not minutes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeFrame, FRAME_CONTENT_TYPE } from '../../src-shared/api/binaryFrame';
import { createTestBackend, signedInRaterOn, writeTestProject } from '../services/demoDwiBackend.testSupport';
import { modelProvenance } from '../services/project/testSupport';
import type { Backend } from './backend';
import type { BrowserServer } from './httpServer';
import { apiCaller, serveBackend } from './testSupport';
import { axisAlignedGeometry } from '../../src-shared/volume/geometry';

const TOKEN = 'upload-deadline-token-0123456789';
const DIMS = [128, 128, 64] as const;
const VOXELS = DIMS[0] * DIMS[1] * DIMS[2];
const LIMITS = { headersTimeoutMs: 1_000, requestTimeoutMs: 1_000, minUploadBytesPerSecond: 2 ** 20 };

let tmp: string;
let backend: Backend;
let server: BrowserServer;
let call: (channel: string, request: unknown) => Promise<unknown>;
let admin: string;
let adminId: string;
let caseId: string;

beforeAll(async () => {
  tmp = mkdtempSync(path.join(tmpdir(), 'quorum-upload-deadline-'));
  const geometry = axisAlignedGeometry(DIMS, [1, 1, 2]);
  writeTestProject(tmp, [{ name: 'CT', file: 'ct.nii.gz', volume: { geometry, data: new Int16Array(VOXELS) } }]);
  backend = await createTestBackend(tmp);
  server = await serveBackend(backend, { token: TOKEN, limits: LIMITS });
  call = apiCaller(server.port, TOKEN);
  ({ token: admin, raterId: adminId } = await signedInRaterOn(backend.dispatch, 'Ada Admin'));
  [{ caseId }] = (await call('projectCase.list', { session: admin })) as Array<{ caseId: string }>;
}, 120_000);

afterAll(async () => {
  await server?.close();
  backend?.close();
  rmSync(tmp, { recursive: true, force: true });
});

/** The request's head and its frame's first `split` bytes now, the rest after `pauseMs`: a link that stalls midway. */
function postInTwoParts(channel: string, frame: Uint8Array, split: number, pauseMs: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const headers = { 'X-Quorum-Token': TOKEN, 'Content-Type': FRAME_CONTENT_TYPE, 'Content-Length': String(frame.length) };
    const req = request({ host: '127.0.0.1', port: server.port, path: `/api/${channel}`, method: 'POST', headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.write(frame.subarray(0, split));
    void sleep(pauseMs).then(() => req.end(frame.subarray(split)));
  });
}

describe('a request deadline that grows with the admitted voxels', () => {
  it('saves a model result whose upload outlasts the fixed request timeout but keeps the slowest allowed rate', async () => {
    const mask = new Uint8Array(VOXELS);
    const p = new Float32Array(VOXELS).fill(0.1);
    for (let v = 10_000; v < 20_000; v++) [mask[v], p[v]] = [1, 0.9];
    const frame = encodeFrame({
      session: admin,
      caseId,
      mask,
      probabilities: new Uint8Array(p.buffer),
      probabilityVolumes: 1,
      provenance: modelProvenance(0.5),
    });
    // 5 MiB earn 5 s at 1 MiB/s beside the fixed 1 s; this upload stalls past the fixed second.
    const { status, body } = await postInTwoParts('inference.saveResult', frame, frame.length >> 1, LIMITS.requestTimeoutMs + 500);
    expect(status, body).toBe(200);
    const saved = JSON.parse(body) as { value: { version: { versionId: string } } };
    const read = (await call('annotation.read', { session: admin, versionId: saved.value.version.versionId })) as { labelmap: Uint8Array };
    expect(Buffer.from(read.labelmap).equals(Buffer.from(mask))).toBe(true);
  }, 60_000);

  it('cuts off a labelmap whose voxels trickle in below that rate with 408 once its time is spent, saving nothing', async () => {
    const frame = encodeFrame({ session: admin, caseId, labelmap: new Uint8Array(VOXELS).fill(1), status: 'draft' });
    const socket = connect(server.port, '127.0.0.1');
    let received = '';
    socket.on('data', (c: Buffer) => (received += c.toString('latin1')));
    socket.on('error', () => undefined);
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    const openedAt = performance.now();
    const closed = new Promise<number>((resolve) => socket.on('close', () => resolve(performance.now() - openedAt)));
    socket.write(
      `POST /api/annotation.save HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nX-Quorum-Token: ${TOKEN}\r\nContent-Type: ${FRAME_CONTENT_TYPE}\r\nContent-Length: ${frame.length}\r\n\r\n`,
    );
    socket.write(frame.subarray(0, 4096));
    // 10 KiB/s, a hundredth of the slowest rate allowed: the 1 MiB labelmap would take 100 s.
    let at = 4096;
    const drip = setInterval(() => {
      socket.write(frame.subarray(at, at + 1024));
      at += 1024;
    }, 100);
    const elapsedMs = await closed;
    clearInterval(drip);
    expect(received).toMatch(/^HTTP\/1\.1 408/);
    expect(received).toContain('nothing was saved');
    // It had the fixed second and one more for its 1 MiB of voxels, not only the fixed one.
    const earnedMs = LIMITS.requestTimeoutMs + (VOXELS / LIMITS.minUploadBytesPerSecond) * 1000;
    expect(elapsedMs).toBeGreaterThanOrEqual(earnedMs - 100);
    const versions = (await call('annotation.list', { session: admin, caseId, raterId: adminId })) as unknown[];
    expect(versions).toEqual([]);
  }, 60_000);
});
