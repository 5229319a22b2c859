/**
 * How long a request may take to arrive, body included, in place of Node's fixed `requestTimeout`:
 * a fixed limit short enough to stop a client that trickles bytes (30 s) cut off a 375 MiB model
 * result on a slow link or a loaded server, and one long enough for that upload would let any
 * client hold a socket and its buffer for minutes. So the limit grows with what the request may
 * carry: `requestTimeoutMs` for any request, plus, once a frame's voxels are admitted (after the
 * access check, against the case's grid: binaryAdmission.ts), their bytes at the slowest upload
 * rate allowed. A client that sends less than that rate is still cut off; one that declares more
 * bytes than its case's grid allows never gets the time for them.
 *
 * Plain Node.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { errorResponse } from './appRoutes';

export interface DeadlineLimits {
  /** Time to receive a whole request without voxels, and a frame's head and JSON. */
  requestTimeoutMs: number;
  /** The slowest rate an admitted frame's voxels may arrive at; each of its bytes adds 1 / this seconds. */
  minUploadBytesPerSecond: number;
}

export interface RequestDeadline {
  /** Gives the request time for `bytes` more at the slowest allowed rate, counted from its start. */
  allowBytes(bytes: number): void;
}

/**
 * Arms the deadline of `req`: when it passes before the request has arrived in full, the client
 * gets 408 (if nothing was answered yet) and the connection is closed, so the unread rest is never
 * buffered and nothing is saved. Disarmed once the request is closed.
 */
export function armRequestDeadline(req: IncomingMessage, res: ServerResponse, limits: DeadlineLimits): RequestDeadline {
  const startedAt = performance.now();
  let voxelBytes = 0;
  const allowedMs = (): number => limits.requestTimeoutMs + (voxelBytes / limits.minUploadBytesPerSecond) * 1000;
  const cutOff = (): void => {
    if (req.complete) return;
    if (res.headersSent) {
      req.socket.destroy();
      return;
    }
    const response = errorResponse({ code: 'bad-request', message: lateMessage(allowedMs(), voxelBytes, limits) }, 408);
    res.writeHead(408, { ...Object.fromEntries(response.headers), Connection: 'close' });
    void response.text().then((body) => res.end(body, () => req.socket.destroy()));
  };
  let timer: NodeJS.Timeout | null = setTimeout(cutOff, allowedMs());
  req.once('close', () => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
  });
  return {
    allowBytes(bytes) {
      if (timer === null) return;
      clearTimeout(timer);
      voxelBytes += bytes;
      timer = setTimeout(cutOff, Math.max(0, startedAt + allowedMs() - performance.now()));
    },
  };
}

const mib = (bytes: number): string => (bytes / 2 ** 20).toLocaleString('en', { maximumFractionDigits: 2 });

function lateMessage(allowedMs: number, voxelBytes: number, limits: DeadlineLimits): string {
  const within = `${Math.round(allowedMs / 1000)} s`;
  const why =
    voxelBytes === 0
      ? ''
      : ` (${Math.round(limits.requestTimeoutMs / 1000)} s, and its ${mib(voxelBytes)} MiB of voxels at ${mib(limits.minUploadBytesPerSecond)} MiB/s)`;
  return `The request did not arrive within ${within}${why}: nothing was saved. Try again on a faster connection.`;
}
