/**
 * The request deadline that grows with the admitted voxels (requestDeadline.ts), over real HTTP on
 * the real backend: a model result whose upload outlasts the fixed request timeout, but keeps the
 * slowest allowed rate, is saved (Node's fixed `requestTimeout` cut it off: a 375 MiB "Save as
 * rater" on a loaded machine, EPIPE after 30 s), and a frame whose voxels trickle in below that
 * rate is still cut off with 408 once the time its size earns is spent, saving nothing. The limits
 * are shortened (1 s, 1 MiB/s) so the test waits seconds, not minutes.
 */
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { encodeFrame, FRAME_CONTENT_TYPE } from '../../src-shared/api/binaryFrame';
import { signedInRaterOn } from '../services/demoDwiBackend.testSupport';
import { modelProvenance } from '../services/project/testSupport';
import { openRequest, useServedTestProject } from './testSupport';
import { axisAlignedGeometry } from '../../src-shared/volume/geometry';

const TOKEN = 'upload-deadline-token-0123456789';
const DIMS = [128, 128, 64] as const;
const VOXELS = DIMS[0] * DIMS[1] * DIMS[2];
const LIMITS = { headersTimeoutMs: 1_000, requestTimeoutMs: 1_000, minUploadBytesPerSecond: 2 ** 20 };

const geometry = axisAlignedGeometry(DIMS, [1, 1, 2]);
const served = useServedTestProject(
  'quorum-upload-deadline-',
  [{ name: 'CT', file: 'ct.nii.gz', volume: { geometry, data: new Int16Array(VOXELS) } }],
  {
    token: TOKEN,
    limits: LIMITS,
  },
);
const call = served.call;
let admin: string;
let adminId: string;
let caseId: string;

beforeAll(async () => {
  ({ token: admin, raterId: adminId } = await signedInRaterOn(served.backend.dispatch, 'Ada Admin'));
  [{ caseId }] = (await call('projectCase.list', { session: admin })) as Array<{ caseId: string }>;
});

/** The request's head and its frame's first `split` bytes now, the rest after `pauseMs`: a link that stalls midway. */
async function postInTwoParts(
  channel: string,
  frame: Uint8Array,
  split: number,
  pauseMs: number,
): Promise<{ status: number; body: string }> {
  const headers = { 'X-Quorum-Token': TOKEN, 'Content-Type': FRAME_CONTENT_TYPE, 'Content-Length': String(frame.length) };
  const { request, response } = openRequest(served.server.port, `/api/${channel}`, { method: 'POST', headers });
  request.write(frame.subarray(0, split));
  void sleep(pauseMs).then(() => request.end(frame.subarray(split)));
  const { status, body } = await response;
  return { status, body: body.toString('utf8') };
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
    const socket = connect(served.server.port, '127.0.0.1');
    let received = '';
    socket.on('data', (c: Buffer) => (received += c.toString('latin1')));
    socket.on('error', () => undefined);
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    const openedAt = performance.now();
    const closed = new Promise<number>((resolve) => socket.on('close', () => resolve(performance.now() - openedAt)));
    socket.write(
      `POST /api/annotation.save HTTP/1.1\r\nHost: 127.0.0.1:${served.server.port}\r\nX-Quorum-Token: ${TOKEN}\r\nContent-Type: ${FRAME_CONTENT_TYPE}\r\nContent-Length: ${frame.length}\r\n\r\n`,
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
