/**
 * Slow and numerous clients against the real server (issue 18, finding 15): a request whose headers
 * or body trickle in is cut off at the configured timeout even when it carries the token, and a
 * client that opens more connections than allowed gets 503 on the extra ones. The limits are
 * shortened here so the test waits on the server's own close, not on minutes.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestBackend } from '../services/demoDwiBackend.testSupport';
import type { Backend } from './backend';
import type { BrowserServer } from './httpServer';
import { rawRequest, serveBackend } from './testSupport';

const TOKEN = 'limits-token-0123456789';
const LIMITS = { headersTimeoutMs: 600, requestTimeoutMs: 900, maxConnectionsPerClient: 4 };

let tmp: string;
let backend: Backend;
let server: BrowserServer;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'quorum-limits-'));
  backend = await createTestBackend(tmp, { projectDir: tmp });
  server = await serveBackend(backend, { token: TOKEN, limits: LIMITS });
});

afterAll(async () => {
  await server?.close();
  backend?.close();
  await rm(tmp, { recursive: true, force: true });
});

/** A raw socket, resolved once connected, with everything the server sent and a promise of its close. */
async function openSocket(): Promise<{ socket: Socket; received: () => string; closed: Promise<number> }> {
  const socket = connect(server.port, '127.0.0.1');
  let text = '';
  socket.on('data', (c: Buffer) => (text += c.toString('latin1')));
  const openedAt = performance.now();
  const closed = new Promise<number>((resolve) => socket.on('close', () => resolve(performance.now() - openedAt)));
  socket.on('error', () => undefined);
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  return { socket, received: () => text, closed };
}

const host = () => `Host: 127.0.0.1:${server.port}\r\n`;

describe('slow requests', () => {
  it('cuts off a body that trickles in, although the request carries the token', async () => {
    const { socket, received, closed } = await openSocket();
    socket.write(
      `POST /api/app.info HTTP/1.1\r\n${host()}X-Quorum-Token: ${TOKEN}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{`,
    );
    // One more byte now and then keeps an idle-socket timeout from firing; only a whole-request limit ends it.
    const drip = setInterval(() => socket.write(' '), 200);
    const elapsedMs = await closed;
    clearInterval(drip);
    expect(received()).toMatch(/^HTTP\/1\.1 408/);
    expect(elapsedMs).toBeGreaterThanOrEqual(LIMITS.requestTimeoutMs - 100);
  });

  it('cuts off headers that never end', async () => {
    const { socket, received, closed } = await openSocket();
    socket.write(`GET / HTTP/1.1\r\n${host()}`);
    const drip = setInterval(() => socket.write('X-Slow: 1\r\n'), 100);
    await closed;
    clearInterval(drip);
    expect(received()).toMatch(/^HTTP\/1\.1 408/);
  });

  it('still answers a request that arrives in time', async () => {
    const res = await rawRequest(server.port, '/api/app.info', {
      method: 'POST',
      headers: { 'X-Quorum-Token': TOKEN, 'Content-Type': 'application/json' },
      body: '{}',
    });
    expect(res.status).toBe(200);
  });
});

describe('connections per client', () => {
  it('refuses connections over the limit with 503 and accepts new ones once others close', async () => {
    const held: Socket[] = [];
    // Each held connection sends a complete request first, so the server has surely counted it.
    for (let i = 0; i < LIMITS.maxConnectionsPerClient; i++) {
      const { socket, received } = await openSocket();
      socket.write(`GET / HTTP/1.1\r\n${host()}Connection: keep-alive\r\n\r\n`);
      await expect.poll(() => /^HTTP\/1\.1 \d{3}/.test(received())).toBe(true);
      held.push(socket);
    }
    const extra = await openSocket();
    await extra.closed;
    expect(extra.received()).toMatch(/^HTTP\/1\.1 503/);
    expect(extra.received()).toContain('Too many open connections');

    for (const s of held) s.destroy();
    // The server notices the closes asynchronously; a fresh connection is served once it has.
    await expect
      .poll(async () => (await rawRequest(server.port, '/', { headers: { Connection: 'close' } }).catch(() => ({ status: 0 }))).status, {
        timeout: 5_000,
      })
      .not.toBe(503);
  });
});
