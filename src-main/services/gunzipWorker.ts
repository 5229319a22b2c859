/**
 * Inflates off the main thread (a worker_threads worker), so a 2 MB stream that inflates to
 * gigabytes costs no time on the thread that answers requests, and stops early so it costs no more
 * memory than allowed either:
 * - a .nii.gz into a buffer of exactly the size the already-validated header promises, stopping
 *   once the stream has produced a small slack more than that;
 * - a deflated DICOM data set (raw deflate, no size promised) up to a cap, past which it is dropped.
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
parentPort.on('message', (job) => (job.kind === 'gunzip' ? gunzip(job) : inflateRaw(job)));

function gunzip({ id, gz, expected, limit }) {
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
}

function inflateRaw({ id, data, head, limit }) {
  const chunks = [];
  let total = 0;
  let done = false;
  const stream = zlib.createInflateRaw({ chunkSize: 1 << 16 });
  stream.on('data', (chunk) => {
    if (done) return;
    total += chunk.length;
    if (total > limit) {
      done = true;
      stream.destroy();
      parentPort.postMessage({ id, buffer: new ArrayBuffer(0), length: 0, cutOff: true });
      return;
    }
    chunks.push(chunk);
  });
  stream.on('end', () => {
    if (done) return;
    done = true;
    const out = new Uint8Array(head + total);
    out.set(data.subarray(0, head));
    let offset = head;
    for (const c of chunks) {
      out.set(c, offset);
      offset += c.length;
    }
    parentPort.postMessage({ id, buffer: out.buffer, length: out.length, cutOff: false }, [out.buffer]);
  });
  stream.on('error', (e) => {
    if (done) return;
    done = true;
    parentPort.postMessage({ id, error: e.message });
  });
  stream.end(data.subarray(head));
}
`;

/** What the worker made: `length` bytes in `buffer`, and whether it stopped at its limit. */
interface Inflated {
  buffer: ArrayBuffer;
  length: number;
  cutOff: boolean;
}

type Reply = ({ id: number } & Inflated) | { id: number; error: string };

interface Pending {
  resolve: (inflated: Inflated) => void;
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
    else p.resolve(reply);
  });
  w.on('error', (e) => failAll(e));
  w.on('exit', (code) => failAll(new Error(`the inflate worker stopped (exit code ${code})`)));
  worker = w;
  return w;
}

/** Sends one job to the worker; rejects with zlib's message when the stream is not valid. */
function inWorker(job: { kind: 'gunzip' | 'inflateRaw' } & Record<string, unknown>): Promise<Inflated> {
  return new Promise((resolve, reject) => {
    const id = nextId++;
    pending.set(id, { resolve, reject });
    const w = getWorker();
    w.ref();
    // Cloned into the worker: the compressed bytes are small next to the output, and the caller keeps its copy.
    w.postMessage({ ...job, id });
  });
}

/** Inflates `gz` in the worker; rejects with zlib's message when the stream is not valid gzip. */
export async function gunzipInWorker(gz: Uint8Array, expectedBytes: number): Promise<Gunzipped> {
  const { buffer, length, cutOff } = await inWorker({
    kind: 'gunzip',
    gz,
    expected: expectedBytes,
    limit: expectedBytes + GUNZIP_SLACK_BYTES,
  });
  return { bytes: new Uint8Array(buffer, 0, length), cutOff };
}

/**
 * Inflates the raw deflate stream that starts at `head` in `data`, in the worker: `data`'s first
 * `head` bytes followed by what the rest inflates to, or null once that passes `maxBytes` (the rest
 * is left unread). Rejects with zlib's message when the stream is damaged.
 */
export async function inflateRawInWorker(data: Uint8Array, head: number, maxBytes: number): Promise<Uint8Array | null> {
  const { buffer, length, cutOff } = await inWorker({ kind: 'inflateRaw', data, head, limit: maxBytes });
  return cutOff ? null : new Uint8Array(buffer, 0, length);
}
