/**
 * Binary frames over real HTTP (issue 15): the server started for real with an echoing dispatcher,
 * so what is tested is the wire (the frame both ways, the order of admission and body reading), not
 * a channel. The real channels' limits are tested in voxelCap.test.ts.
 */
import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeFrame, encodeFrame, FRAME_CONTENT_TYPE } from '../../src-shared/api/binaryFrame';
import type { Result } from '../../src-shared/api/contract';
import type { BinaryAdmission } from '../services/binaryAdmission';
import { errorResponse } from './appRoutes';
import { startBrowserServer, type BrowserServer } from './httpServer';

const TOKEN = 'frame-token-0123456789';
let server: BrowserServer | undefined;
let dispatched: unknown[] = [];

afterEach(async () => {
  await server?.close();
  server = undefined;
  dispatched = [];
});

async function start(binaryAdmission: BinaryAdmission): Promise<BrowserServer> {
  server = await startBrowserServer({
    dispatch: async (_channel, raw) => {
      dispatched.push(raw);
      return { ok: true, value: raw };
    },
    binaryAdmission,
    routes: () => Promise.resolve(errorResponse({ code: 'not-found', message: 'no routes in this test' }, 404)),
    port: 0,
    token: TOKEN,
  });
  return server;
}

const headers = { 'X-Quorum-Token': TOKEN, 'Content-Type': FRAME_CONTENT_TYPE };

async function postFrame(port: number, body: Uint8Array): Promise<Response> {
  return await fetch(`http://127.0.0.1:${port}/api/app.info`, { method: 'POST', headers, body });
}

/**
 * Sends only the first `sent` bytes of a body that declares more (and never ends it): the answer
 * must come from what the server read so far, without waiting for the rest.
 */
function postPartial(port: number, body: Uint8Array, sent: number): Promise<{ status: number; json: Result<unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/api/app.info', method: 'POST', headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Result<unknown> }),
      );
    });
    req.on('error', reject);
    req.write(body.subarray(0, sent));
  });
}

describe('binary frames over HTTP', () => {
  it('carries bytes both ways, identical, and answers a result with bytes as a frame', async () => {
    const { port } = await start(async () => ({ ok: true, value: 1 << 20 }));
    const labelmap = Uint8Array.from({ length: 70_001 }, (_, i) => (i * 7919) % 251);
    const res = await postFrame(port, encodeFrame({ session: 's', labelmap }));
    expect(res.headers.get('content-type')).toBe(FRAME_CONTENT_TYPE);
    const back = decodeFrame(new Uint8Array(await res.arrayBuffer())) as Result<{ labelmap: Uint8Array }>;
    expect(back.ok && Buffer.from(back.value.labelmap).equals(Buffer.from(labelmap))).toBe(true);
    expect(Buffer.from((dispatched[0] as { labelmap: Uint8Array }).labelmap).equals(Buffer.from(labelmap))).toBe(true);
  });

  it('answers JSON when the result holds no bytes, whichever way the request came', async () => {
    const { port } = await start(async () => ({ ok: true, value: 0 }));
    const res = await postFrame(port, encodeFrame({ session: 's' }));
    expect(res.headers.get('content-type')).toContain('application/json');
    expect(await res.json()).toEqual({ ok: true, value: { session: 's' } });
  });

  it('refuses a malformed frame with 400 and a reason', async () => {
    const { port } = await start(async () => ({ ok: true, value: 1 << 20 }));
    const frame = encodeFrame({ a: new Uint8Array(16) });
    frame[0] = 0; // wrong magic
    const res = await postFrame(port, frame);
    expect(res.status).toBe(400);
    expect(((await res.json()) as Result<unknown> & { ok: false }).error.message).toContain('magic');
    const short = await postFrame(port, encodeFrame({ a: new Uint8Array(16) }).subarray(0, 40));
    expect(short.status).toBe(400);
    expect(dispatched).toEqual([]);
  });

  it('refuses a caller before reading the binary part: the admission sees only the JSON', async () => {
    const seen: unknown[] = [];
    const { port } = await start(async (_channel, json) => {
      seen.push(json);
      return { ok: false, error: { code: 'not-found', message: 'no case c for this rater' } };
    });
    const frame = encodeFrame({ session: 's', caseId: 'c', labelmap: new Uint8Array(1 << 20) });
    // Head and JSON only: the megabyte of voxels is never sent, and the answer does not wait for it.
    const res = await postPartial(port, frame, 200);
    expect(res.status).toBe(404);
    expect(seen).toEqual([{ session: 's', caseId: 'c', labelmap: { $bytes: 0 } }]);
    expect(dispatched).toEqual([]);
  });

  it('refuses with 413, unread, a body claiming more bytes than the limit (10^9 claimed)', async () => {
    const { port } = await start(async () => ({ ok: true, value: 1000 }));
    const claim = encodeFrame({ session: 's', caseId: 'c', labelmap: new Uint8Array(8) });
    new DataView(claim.buffer).setUint32(12, 1_000_000_000, true);
    const res = await postPartial(port, claim, claim.length);
    expect(res.status).toBe(413);
    expect(!res.json.ok && res.json.error.message).toContain('1000000000');
    expect(dispatched).toEqual([]);
  });

  it('refuses a frame whose JSON part is over 1 MiB before reading it', async () => {
    const { port } = await start(async () => ({ ok: true, value: 0 }));
    const head = new Uint8Array(16);
    const view = new DataView(head.buffer);
    view.setUint32(0, 0x31524651, true);
    view.setUint32(4, (1 << 20) + 1, true);
    const res = await postPartial(port, head, 12);
    expect(res.status).toBe(413);
  });
});
