/**
 * gunzip with Node's native zlib (several times faster than fflate) under a hard cap on the output,
 * so a gzip bomb or a wildly wrong payload stops at the cap instead of filling memory. The one copy
 * for every gunzip in main whose output size is bounded by the case grid or a validated header (the
 * off-thread inflate of whole case files is gunzipWorker.ts).
 */
import { promisify } from 'node:util';
import zlib from 'node:zlib';

/** The stream inflates to more than the cap; anything else thrown is zlib's error for a damaged stream. */
export class PastCapError extends Error {
  override readonly name = 'PastCapError';
  constructor(readonly maxBytes: number) {
    super(`the gzip stream inflates to more than ${maxBytes} bytes`);
  }
}

const gunzipAsync = promisify(zlib.gunzip);

/** zlib's own refusal of output past maxOutputLength (a RangeError, or ERR_BUFFER_TOO_LARGE). */
function pastCap(err: unknown): boolean {
  return err instanceof RangeError || (err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE';
}

function view(out: Buffer): Uint8Array {
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

/** Inflates `gz` on this thread to at most `maxBytes`; throws PastCapError beyond, zlib's error when damaged. */
export function gunzipCapped(gz: Uint8Array, maxBytes: number): Uint8Array {
  try {
    return view(zlib.gunzipSync(gz, { maxOutputLength: maxBytes }));
  } catch (err) {
    throw pastCap(err) ? new PastCapError(maxBytes) : err;
  }
}

/**
 * The same on the libuv thread pool, so several files inflate at once while this thread waits. One
 * output chunk as large as the cap: zlib then hands back that chunk, where 1 MiB chunks were
 * concatenated into a second copy of the whole image (about 70 ms of CPU and 79 MB of memory per
 * 512×512×300 mask).
 */
export async function gunzipCappedAsync(gz: Uint8Array, maxBytes: number): Promise<Uint8Array> {
  try {
    return view(await gunzipAsync(gz, { maxOutputLength: maxBytes, chunkSize: Math.max(maxBytes + 1, 1 << 14) }));
  } catch (err) {
    throw pastCap(err) ? new PastCapError(maxBytes) : err;
  }
}
