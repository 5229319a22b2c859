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
export const GUNZIP_SLACK_BYTES = 1 << 20;

export interface Gunzipped {
  /** The first `expectedBytes` inflated bytes, or fewer when the stream ended early. */
  bytes: Uint8Array;
  /** True when the stream held more than the promised bytes plus the slack, and the rest was left unread. */
  cutOff: boolean;
}

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const zlib = require('node:zlib');
const { gz, expected, limit } = workerData;
const out = new Uint8Array(expected);
let got = 0;
let total = 0;
let done = false;
const stream = zlib.createGunzip({ chunkSize: 1 << 20 });
function finish(cutOff) {
  if (done) return;
  done = true;
  stream.destroy();
  parentPort.postMessage({ buffer: out.buffer, length: got, cutOff }, [out.buffer]);
}
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
  parentPort.postMessage({ error: e.message });
});
stream.end(gz);
`;

type Reply = { buffer: ArrayBuffer; length: number; cutOff: boolean } | { error: string };

/** Inflates `gz` in a worker; rejects with zlib's message when the stream is not valid gzip. */
export function gunzipInWorker(gz: Uint8Array, expectedBytes: number): Promise<Gunzipped> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      // Cloned into the worker: the compressed bytes are small next to the output, and the caller keeps its copy.
      workerData: { gz, expected: expectedBytes, limit: expectedBytes + GUNZIP_SLACK_BYTES },
    });
    worker.once('message', (reply: Reply) => {
      void worker.terminate();
      if ('error' in reply) reject(new Error(reply.error));
      else resolve({ bytes: new Uint8Array(reply.buffer, 0, reply.length), cutOff: reply.cutOff });
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the inflate worker stopped (exit code ${code})`)));
  });
}
