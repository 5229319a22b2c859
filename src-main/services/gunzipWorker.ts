/**
 * Inflates a .nii.gz off the main thread (a worker_threads worker), into a buffer of exactly the
 * size the already-validated header promises, and stops once the stream has produced a small slack
 * more than that. A 2 MB stream that inflates to gigabytes therefore costs neither the main
 * thread's time (the server keeps answering) nor more memory than the header announced.
 *
 * The worker's code is a plain-JavaScript string run with `eval: true`: it needs only node:zlib,
 * and one string works unchanged under tsx, Vitest and Electron's bundled main process, none of
 * which would otherwise agree on how to locate a separate worker file.
 *
 * Plain Node.
 */
import { Worker } from 'node:worker_threads';

/** How much more than the promised bytes the stream may yield before the worker stops reading it. */
const GUNZIP_SLACK_BYTES = 1 << 20;

export interface Gunzipped {
  /** The first `expectedBytes` inflated bytes, or fewer when the stream ended early. */
  bytes: Uint8Array;
  /** True when the stream held more than the promised bytes plus the slack, and the rest was left unread. */
  cutOff: boolean;
}

const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const zlib = require('node:zlib');
parentPort.on('message', ({ id, gz, expected, limit }) => {
  const out = new Uint8Array(expected);
  let got = 0;
  let total = 0;
  let done = false;
  const stream = zlib.createGunzip({ chunkSize: 1 << 20 });
  const finish = (cutOff) => {
    if (done) return;
    done = true;
    stream.destroy();
    parentPort.postMessage({ id, buffer: out.buffer, length: got, cutOff }, [out.buffer]);
  };
  stream.on('data', (chunk) => {
    if (done) return;
    const n = Math.min(chunk.length, expected - got);
    if (n > 0) out.set(chunk.subarray(0, n), got);
    got += n;
    total += chunk.length;
    if (total > limit) finish(true);
  });
  stream.on('end', () => finish(false));
  stream.on('error', (e) => {
    if (done) return;
    done = true;
    parentPort.postMessage({ id, error: e.message });
  });
  stream.end(gz);
});
`;

type Reply = { id: number; buffer: ArrayBuffer; length: number; cutOff: boolean } | { id: number; error: string };

interface Pending {
  resolve: (g: Gunzipped) => void;
  reject: (e: Error) => void;
}

// One worker for the process, started on first use (starting one per file cost ~50 ms a case).
let worker: Worker | null = null;
const pending = new Map<number, Pending>();
let nextId = 0;

function failAll(error: Error): void {
  worker = null;
  for (const p of pending.values()) p.reject(error);
  pending.clear();
}

function getWorker(): Worker {
  if (worker) return worker;
  const w = new Worker(WORKER_SOURCE, { eval: true });
  // Referenced only while it has work: idle, it must not keep a finished process (a test run) alive.
  w.on('message', (reply: Reply) => {
    const p = pending.get(reply.id);
    if (!p) return;
    pending.delete(reply.id);
    if (pending.size === 0) w.unref();
    if ('error' in reply) p.reject(new Error(reply.error));
    else p.resolve({ bytes: new Uint8Array(reply.buffer, 0, reply.length), cutOff: reply.cutOff });
  });
  w.on('error', (e) => failAll(e));
  w.on('exit', (code) => failAll(new Error(`the inflate worker stopped (exit code ${code})`)));
  worker = w;
  return w;
}

/** Inflates `gz` in the worker; rejects with zlib's message when the stream is not valid gzip. */
export function gunzipInWorker(gz: Uint8Array, expectedBytes: number): Promise<Gunzipped> {
  return new Promise((resolve, reject) => {
    const id = nextId++;
    pending.set(id, { resolve, reject });
    const w = getWorker();
    w.ref();
    // Cloned into the worker: the compressed bytes are small next to the output, and the caller keeps its copy.
    w.postMessage({ id, gz, expected: expectedBytes, limit: expectedBytes + GUNZIP_SLACK_BYTES });
  });
}
