/**
 * Reading a file that someone else put on disk, without trusting it: only a regular file is read
 * (a FIFO would block a thread for good, `/dev/zero` would never end), its size is checked against
 * a cap before any byte is read, and the read gives up after a timeout. The checks run on the
 * opened descriptor, so a file swapped for a symlink between check and read is still caught.
 *
 * Plain Node.
 */
import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';

interface BoundedReadOptions {
  /** Files larger than this are refused before reading. */
  maxBytes: number;
  /** The whole read must finish within this time. */
  timeoutMs?: number;
  /** Read only the first `prefixBytes` (a header check); the size cap then does not apply. */
  prefixBytes?: number;
}

export type FileRefusalReason = 'not-regular' | 'too-large' | 'timeout';

/** Why a file was not read; the message names the file and is written for a person. */
export class FileRefusal extends Error {
  override readonly name = 'FileRefusal';
  constructor(
    readonly reason: FileRefusalReason,
    message: string,
  ) {
    super(message);
  }
}

const DEFAULT_READ_TIMEOUT_MS = 30_000;

function kindOf(st: {
  isDirectory(): boolean;
  isFIFO(): boolean;
  isCharacterDevice(): boolean;
  isBlockDevice(): boolean;
  isSocket(): boolean;
}): string {
  if (st.isDirectory()) return 'a folder';
  if (st.isFIFO()) return 'a named pipe';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

async function readAll(handle: FileHandle, length: number): Promise<Uint8Array> {
  const out = new Uint8Array(length);
  let got = 0;
  while (got < length) {
    const { bytesRead } = await handle.read(out, got, length - got, got);
    if (bytesRead === 0) break;
    got += bytesRead;
  }
  return out.subarray(0, got);
}

/** The bytes of `file`, or a FileRefusal (file-system errors such as ENOENT pass through unchanged). */
export async function readRegularFile(file: string, options: BoundedReadOptions): Promise<Uint8Array> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_READ_TIMEOUT_MS;
  // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer, forever.
  const handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK);
  let timer: NodeJS.Timeout | undefined;
  try {
    const st = await handle.stat();
    if (!st.isFile()) throw new FileRefusal('not-regular', `${file} is ${kindOf(st)}; Quorum reads only regular files.`);
    const length = options.prefixBytes === undefined ? st.size : Math.min(st.size, options.prefixBytes);
    if (options.prefixBytes === undefined && st.size > options.maxBytes) {
      throw new FileRefusal(
        'too-large',
        `${file} is ${(st.size / 2 ** 20).toFixed(1)} MiB, over the ${(options.maxBytes / 2 ** 20).toFixed(1)} MiB Quorum reads from such a file.`,
      );
    }
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new FileRefusal('timeout', `Reading ${file} took longer than ${timeoutMs / 1000} s; gave up.`)),
        timeoutMs,
      );
    });
    return await Promise.race([readAll(handle, length), timedOut]);
  } finally {
    clearTimeout(timer);
    // Not awaited: after a timeout the close waits for the hung read, and the caller must not.
    handle.close().catch(() => undefined);
  }
}
