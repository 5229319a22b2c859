/**
 * Browser mode: the same API as Electron's IPC, over HTTP on 127.0.0.1.
 *
 * Security model (see README.md beside this file):
 * - binds 127.0.0.1, unless the team server (`npm run serve -- --listen`) is given another address,
 *   which cli.ts allows only with TLS (listenAddress.ts);
 * - every request's Host must be 127.0.0.1:<port> or localhost:<port> (a DNS-rebinding page carries
 *   its own host name) — on a network address with TLS, any name, since the certificate check ties
 *   the name to this server — and an Origin, when sent, must be ours;
 * - every /api/ and /files/ request must carry the per-launch random token in X-Quorum-Token
 *   (compared in constant time); a custom header also forces a CORS preflight we never answer, so
 *   other sites cannot forge requests. A team server ('accounts' access) has no such token: there
 *   the channels' sessions (in the database) are what authenticates, and the JSON Content-Type that
 *   every channel requires forces the same preflight;
 * - requests are validated with the contract's zod schemas before any handler runs;
 * - files are served only to the session that opened them (pathGuard.ts, api.ts); who may call
 *   which channel is one table the dispatcher checks first (channelAccess.ts); COOP/COEP/CORP on
 *   every response.
 *
 * Plain Node; no Electron.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  decodeFrame,
  decodeFrameJson,
  encodeFrame,
  FRAME_CONTENT_TYPE,
  FrameError,
  holdsBytes,
  readFrameHead,
} from '../../src-shared/api/binaryFrame';
import type { ApiError, Result } from '../../src-shared/api/contract';
import { httpStatusOf, TOKEN_HEADER, TOKEN_QUERY_PARAM } from '../../src-shared/api/transport';
import type { Dispatch } from '../services/apiDispatch';
import type { BinaryAdmission } from '../services/binaryAdmission';
import { collectStageTimings, serverTimingHeader, type StageTime } from '../services/stageTiming';
import { errorResponse, isApiGetRoute, type AppRoutes } from './appRoutes';
import { baseHeaders } from './headers';
import { isLoopback } from './listenAddress';
import { armRequestDeadline, type DeadlineLimits, type RequestDeadline } from './requestDeadline';

/**
 * A request's JSON (the whole body of a JSON request, the JSON part of a frame) is a small object;
 * anything bigger is refused before it is buffered. Voxels travel beside it in a frame, limited by
 * the case's grid (binaryAdmission.ts).
 */
const MAX_JSON_BYTES = 1 << 20;

/**
 * How long a client may take to send a request, and how many connections one client may hold. A
 * local page that trickles a body (or its headers) byte by byte would otherwise keep a socket, and
 * its buffered body, for Node's default five minutes, and open as many as it likes.
 */
export interface ServerLimits extends DeadlineLimits {
  /** Time to receive all request headers (Node's `headersTimeout`). */
  headersTimeoutMs: number;
  /** Open connections per remote address; Chromium uses at most 6 per host, so 32 leaves room for several tabs. */
  maxConnectionsPerClient: number;
}

/**
 * 1 MiB/s (8 Mbit/s) for voxels: a 375 MiB model result (512×512×300, mask and Float32 map) may
 * take 30 s + 6¼ min, a 75 MiB labelmap 30 s + 75 s.
 */
const DEFAULT_SERVER_LIMITS: ServerLimits = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  minUploadBytesPerSecond: 2 ** 20,
  maxConnectionsPerClient: 32,
};

export interface BrowserServerOptions {
  dispatch: Dispatch;
  routes: AppRoutes;
  /** 0 picks a free port. */
  port: number;
  /** Default 127.0.0.1. Anything but loopback needs `tls` (listenAddress.ts refuses it otherwise). */
  host?: string;
  /** PEM certificate and key: the server speaks HTTPS. */
  tls?: { cert: Buffer; key: Buffer };
  /**
   * What lets a client in before it signs in. 'launch-token' (the default, single-user browser
   * mode): every /api/ and /files/ request carries the per-launch token, printed in the URL.
   * 'accounts' (a team server: `--database`, or a network address with TLS): no such token, since
   * several processes serve one project and each would have its own; every channel but the
   * sign-in screen's needs a session in the database, and images are capability URLs of a session.
   */
  access?: 'launch-token' | 'accounts';
  /** Fixed launch token for tests; a fresh random one by default (none with 'accounts' access). */
  token?: string;
  /** Tests shorten these; DEFAULT_SERVER_LIMITS otherwise. */
  limits?: Partial<ServerLimits>;
  /**
   * The byte limit of a binary request's voxels, asked with the frame's JSON before its binary part
   * is read (access checked first). Without it, no request may carry voxels.
   */
  binaryAdmission?: BinaryAdmission;
}

export interface BrowserServer {
  readonly port: number;
  /** The per-launch token; null for a server whose access is 'accounts'. */
  readonly token: string | null;
  /** The URL to open, token included where there is one: http://127.0.0.1:<port>/?token=<token> */
  readonly url: string;
  close(): Promise<void>;
}

function createToken(): string {
  return randomBytes(32).toString('base64url');
}

function tokensMatch(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

async function writeResponse(res: ServerResponse, response: Response, headOnly: boolean): Promise<void> {
  res.writeHead(response.status, Object.fromEntries(response.headers));
  if (headOnly || response.body === null) {
    await response.body?.cancel();
    res.end();
    return;
  }
  await pipeline(Readable.fromWeb(response.body as import('node:stream/web').ReadableStream<Uint8Array>), res);
}

/**
 * The channels whose stage timings go out as Server-Timing: case loading, which the open → first
 * image benchmark breaks down. No other response carries timings: a handler's duration can say
 * what it worked on (a reader-study trial built from a consensus took longer than one from a
 * single source), so timings are an opt-in per channel, not a default.
 */
const TIMED_CHANNELS: ReadonlySet<string> = new Set(['case.open']);

/**
 * A channel's answer: JSON, or a binary frame when the result holds bytes (voxels). `stages`: how
 * long the handler's stages took, sent as Server-Timing (null: send none).
 */
function apiResponse(result: Result<unknown>, status: number, stages: readonly StageTime[] | null): Response {
  const t0 = performance.now();
  const binary = holdsBytes(result);
  const body = binary ? encodeFrame(result) : JSON.stringify(result);
  const type = binary ? FRAME_CONTENT_TYPE : 'application/json; charset=utf-8';
  const headers: Record<string, string> = { ...baseHeaders(type), 'Cache-Control': 'no-store' };
  if (stages !== null) headers['Server-Timing'] = serverTimingHeader([...stages, { name: 'json', ms: performance.now() - t0 }]);
  return new Response(body, { status, headers });
}

async function readJsonBody(req: IncomingMessage): Promise<string | ApiError> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > MAX_JSON_BYTES) return { code: 'too-large', message: `Request body over ${MAX_JSON_BYTES} bytes.` };
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** A request refused while its body was being read. */
class RequestRefused extends Error {
  constructor(readonly error: ApiError) {
    super(error.message);
  }
}

/**
 * The answer to a request refused before its body was read: the connection closes after it, so
 * the unread body is never buffered (and a client cannot send the next request after it).
 */
function refuseUnread(error: ApiError): Response {
  const response = errorResponse(error);
  response.headers.set('Connection', 'close');
  return response;
}

/**
 * A frame request's value, read in two steps: its head and JSON (at most MAX_JSON_BYTES), then,
 * only once `admit` has checked the caller's access and returned the case's byte limit, its binary
 * part into one buffer of exactly the declared size, with the time its size earns (`deadline`). A
 * caller refused, or claiming more than its limit, is answered before one byte of voxels is buffered.
 */
async function readFrameBody(
  req: IncomingMessage,
  admit: (json: unknown) => Promise<Result<number>>,
  deadline: RequestDeadline,
): Promise<unknown> {
  const chunks = req[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  let prefix: Buffer = Buffer.alloc(0);
  const more = async (): Promise<boolean> => {
    const next = await chunks.next();
    if (next.done === true) return false;
    prefix = prefix.length === 0 ? next.value : Buffer.concat([prefix, next.value]);
    return true;
  };
  const cutShort = () => new RequestRefused({ code: 'bad-request', message: 'The request frame is cut short.' });
  let head = readFrameHead(prefix);
  while ('needBytes' in head) {
    if (!(await more())) throw cutShort();
    head = readFrameHead(prefix);
  }
  if (head.jsonByteLength > MAX_JSON_BYTES)
    throw new RequestRefused({ code: 'too-large', message: `The request's JSON is over ${MAX_JSON_BYTES} bytes.` });
  while (prefix.length < head.buffersStart) if (!(await more())) throw cutShort();
  const json = decodeFrameJson(head, prefix.subarray(head.jsonStart, head.jsonStart + head.jsonByteLength));
  const declared = head.bufferLengths.reduce((sum, n) => sum + n, 0);
  const limit = await admit(json);
  if (!limit.ok) throw new RequestRefused(limit.error);
  if (declared > limit.value) {
    throw new RequestRefused({
      code: 'too-large',
      message: `The request carries ${declared} bytes of voxels; its case's grid allows ${limit.value}.`,
    });
  }
  deadline.allowBytes(declared);
  const frame = new Uint8Array(head.totalByteLength);
  let filled = Math.min(prefix.length, frame.length);
  frame.set(prefix.subarray(0, filled));
  let overrun = prefix.length > frame.length;
  for (let next = await chunks.next(); next.done !== true && !overrun; next = await chunks.next()) {
    overrun = filled + next.value.length > frame.length;
    if (!overrun) frame.set(next.value, filled);
    filled += next.value.length;
  }
  if (overrun) throw new RequestRefused({ code: 'bad-request', message: 'The request frame is longer than its head declares.' });
  if (filled < frame.length) throw cutShort();
  return decodeFrame(frame);
}

/** Answers a client's connection beyond `max` with 503 and closes it, before any request is parsed. */
function limitConnectionsPerClient(server: Server, max: number): void {
  const open = new Map<string, number>();
  server.on('connection', (socket: Socket) => {
    const client = socket.remoteAddress ?? '';
    const count = open.get(client) ?? 0;
    if (count >= max) {
      socket.end(
        `HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${TOO_MANY.length}\r\n\r\n${TOO_MANY}`,
      );
      return;
    }
    open.set(client, count + 1);
    socket.once('close', () => {
      const left = (open.get(client) ?? 1) - 1;
      if (left === 0) open.delete(client);
      else open.set(client, left);
    });
  });
}

const TOO_MANY = 'Too many open connections from this client.';

/** 127.0.0.0/8 or ::1, also IPv4-mapped: a client on this computer. */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (address === undefined) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
  return v4 === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4);
}

export function startBrowserServer(options: BrowserServerOptions): Promise<BrowserServer> {
  const token = options.access === 'accounts' ? null : (options.token ?? createToken());
  const listenHost = options.host ?? '127.0.0.1';
  const scheme = options.tls ? 'https' : 'http';
  // How a browser names this server in Host and Origin; an IPv6 address goes in brackets.
  const urlHost = listenHost.includes(':') ? `[${listenHost}]` : listenHost;
  const networkTls = options.tls !== undefined && !isLoopback(listenHost);
  let port = 0;

  /** Host/Origin/token checks; null when the request may proceed. */
  function refuse(req: IncomingMessage, rawPath: string, query: string): Response | null {
    const host = req.headers.host ?? '';
    // A team server on the network is reached by whatever name its certificate carries; there the
    // browser's certificate check, not the Host header, is what defeats DNS rebinding.
    const allowedHosts = networkTls
      ? [host.toLowerCase()]
      : [...new Set([`127.0.0.1:${port}`, `localhost:${port}`, `${urlHost.toLowerCase()}:${port}`])];
    if (!allowedHosts.includes(host.toLowerCase())) {
      return errorResponse(
        {
          code: 'unauthorized',
          message: `Host "${host}" is not allowed: Quorum answers only to ${allowedHosts.join(' or ')} (DNS-rebinding defence).`,
        },
        403,
      );
    }
    const needsToken = rawPath.startsWith('/api/') || rawPath.startsWith('/files/');
    if (!needsToken) return null;
    const origin = req.headers.origin;
    if (origin !== undefined && !allowedHosts.some((h) => origin.toLowerCase() === `${scheme}://${h}`)) {
      return errorResponse({ code: 'unauthorized', message: `Cross-origin request from ${origin} refused.` }, 403);
    }
    if (token === null) return null;
    const given = req.headers[TOKEN_HEADER.toLowerCase()];
    if (typeof given !== 'string' || given.length === 0) {
      const inQuery = new URLSearchParams(query).has(TOKEN_QUERY_PARAM);
      return errorResponse({
        code: 'unauthorized',
        message: inQuery
          ? `The token must be sent in the ${TOKEN_HEADER} header; ?${TOKEN_QUERY_PARAM}= is accepted only on the page URL.`
          : `Missing ${TOKEN_HEADER} header: open Quorum through the URL that \`npm run start:web\` printed (it carries ?${TOKEN_QUERY_PARAM}=…).`,
      });
    }
    if (!tokensMatch(given, token)) {
      return errorResponse({
        code: 'unauthorized',
        message: `Wrong ${TOKEN_HEADER}: this server was restarted or the token was mistyped; open the URL it printed.`,
      });
    }
    return null;
  }

  async function handleApiCall(req: IncomingMessage, channelPath: string, deadline: RequestDeadline): Promise<Response> {
    // Native inference runs on the server's CPU: that is the user's own only for a page on this machine.
    if (channelPath.startsWith('inference.native') && !isLoopbackAddress(req.socket.remoteAddress)) {
      return errorResponse({ code: 'unauthorized', message: 'Native CPU inference is only for a browser on the computer running Quorum.' });
    }
    if (req.method !== 'POST') {
      return errorResponse({ code: 'bad-request', message: `API channels take POST with a JSON body, not ${req.method}.` }, 405);
    }
    const type = (req.headers['content-type'] ?? '').toLowerCase();
    const isFrame = type.startsWith(FRAME_CONTENT_TYPE);
    if (!type.startsWith('application/json') && !isFrame) {
      return errorResponse(
        { code: 'bad-request', message: `API requests must have Content-Type: application/json or ${FRAME_CONTENT_TYPE}.` },
        415,
      );
    }
    let parsed: unknown;
    if (isFrame) {
      const admit = options.binaryAdmission ?? (async () => ({ ok: true, value: 0 }) as const);
      try {
        parsed = await readFrameBody(req, (json) => admit(`quorum:${channelPath}`, json), deadline);
      } catch (e) {
        if (e instanceof FrameError) return errorResponse({ code: 'bad-request', message: `Malformed request frame: ${e.message}` });
        if (e instanceof RequestRefused) return refuseUnread(e.error);
        throw e;
      }
    } else {
      const body = await readJsonBody(req);
      if (typeof body !== 'string') return errorResponse(body);
      try {
        parsed = body.length === 0 ? {} : JSON.parse(body);
      } catch {
        return errorResponse({ code: 'bad-request', message: 'The request body is not valid JSON.' });
      }
    }
    const status = (result: Result<unknown>) => (result.ok ? 200 : httpStatusOf(result.error.code));
    if (!TIMED_CHANNELS.has(channelPath)) {
      const result = await options.dispatch(`quorum:${channelPath}`, parsed);
      return apiResponse(result, status(result), null);
    }
    const t0 = performance.now();
    const { result, stages } = await collectStageTimings(() => options.dispatch(`quorum:${channelPath}`, parsed));
    return apiResponse(result, status(result), [...stages, { name: 'handler', ms: performance.now() - t0 }]);
  }

  async function handle(req: IncomingMessage, res: ServerResponse, deadline: RequestDeadline): Promise<void> {
    const rawUrl = req.url ?? '/';
    const q = rawUrl.indexOf('?');
    const rawPath = q < 0 ? rawUrl : rawUrl.slice(0, q);
    const query = q < 0 ? '' : rawUrl.slice(q + 1);
    const method = req.method ?? 'GET';
    let response = refuse(req, rawPath, query);
    if (response === null) {
      const isChannelCall = rawPath.startsWith('/api/') && !isApiGetRoute(rawPath);
      response = isChannelCall ? await handleApiCall(req, rawPath.slice('/api/'.length), deadline) : await options.routes(method, rawPath);
    }
    await writeResponse(res, response, method === 'HEAD');
  }

  const limits = { ...DEFAULT_SERVER_LIMITS, ...options.limits };
  const serverOptions = {
    headersTimeout: limits.headersTimeoutMs,
    // Node's fixed limit on the whole request is replaced by one that grows with the admitted voxels (requestDeadline.ts).
    requestTimeout: 0,
    // Node checks the headers' timeout only this often (30 s by default), which would stretch it.
    connectionsCheckingInterval: Math.max(50, Math.min(1_000, limits.headersTimeoutMs / 4)),
  };
  const listener: RequestListener = (req, res) => {
    handle(req, res, armRequestDeadline(req, res, limits)).catch((e: unknown) => {
      // The client went away mid-response (a cancelled fetch, a closed tab): nothing to report.
      // So did one cut off at a request timeout (its body read ends in 'aborted').
      const code = (e as NodeJS.ErrnoException | null)?.code;
      if (code === 'ERR_STREAM_PREMATURE_CLOSE' || code === 'ECONNRESET') return;
      console.warn('[server] request failed:', e);
      if (!res.headersSent) {
        res.writeHead(500, baseHeaders('text/plain; charset=utf-8'));
        res.end('Internal error');
      } else {
        res.destroy();
      }
    });
  };
  const server: Server = options.tls
    ? createTlsServer({ ...serverOptions, cert: options.tls.cert, key: options.tls.key }, listener)
    : createServer(serverOptions, listener);
  limitConnectionsPerClient(server, limits.maxConnectionsPerClient);

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    // 127.0.0.1 unless the team server was given another address, and then only with TLS (cli.ts).
    server.listen(options.port, listenHost, () => {
      server.off('error', reject);
      port = (server.address() as AddressInfo).port;
      resolve({
        port,
        token,
        url: token === null ? `${scheme}://${urlHost}:${port}/` : `${scheme}://${urlHost}:${port}/?${TOKEN_QUERY_PARAM}=${token}`,
        close: () =>
          new Promise<void>((done, fail) => {
            server.closeAllConnections();
            server.close((e) => (e ? fail(e) : done()));
          }),
      });
    });
  });
}
