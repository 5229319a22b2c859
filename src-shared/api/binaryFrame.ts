/**
 * The HTTP body of a request or response that holds Uint8Arrays (issue 15): JSON beside raw buffers,
 * the way VS Code's RPC sends buffers beside its messages, so voxels never pass through base64.
 *
 * Layout (all integers u32 little-endian):
 *
 *   0   magic 'QFR1'
 *   4   JSON byte length J
 *   8   buffer count N
 *   12  N buffer byte lengths
 *   …   the JSON (UTF-8), then zero padding to a multiple of 8
 *   …   each buffer, each followed by zero padding to a multiple of 8
 *
 * The frame's length is exactly what the head declares: a reader knows the size of the whole body
 * from its first 12 + 4N bytes (the server checks it against the case's grid before reading on).
 * Every buffer starts at a multiple of 8 from the frame's start, so a Float32 or Float64 view of a
 * decoded buffer needs no copy when the frame itself is 8-aligned (a fresh ArrayBuffer is).
 *
 * In the JSON each Uint8Array is `{"$bytes": i}`. Object keys that start with '$' are escaped with a
 * second '$' (`$x` → `$$x`), so no value a sender holds can be read back as a placeholder; a
 * decoder refuses any other key with a single '$', a placeholder of another shape, an index out of
 * range and a buffer used twice or never.
 *
 * Pure: no DOM, no Node.
 */

export const FRAME_CONTENT_TYPE = 'application/x-quorum-frame';

const MAGIC = 0x31524651; // 'QFR1' read as u32 little-endian
const FIXED_HEAD_BYTES = 12;
const ALIGN = 8;
/** More buffers than any message needs; a hostile count is refused before a table is read. */
const MAX_BUFFERS = 4096;
const MAX_U32 = 0xffff_ffff;
const PLACEHOLDER_KEY = '$bytes';

/** A frame that cannot be decoded (or a value that cannot be encoded), with the reason. */
export class FrameError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FrameError';
  }
}

function padded(n: number): number {
  return Math.ceil(n / ALIGN) * ALIGN;
}

/** True when a Uint8Array lies anywhere in `value` (arrays and plain objects are searched). */
export function holdsBytes(value: unknown): boolean {
  if (value instanceof Uint8Array) return true;
  if (Array.isArray(value)) return value.some(holdsBytes);
  if (typeof value === 'object' && value !== null) return Object.values(value).some(holdsBytes);
  return false;
}

function escapeKey(key: string): string {
  return key.startsWith('$') ? `$${key}` : key;
}

/** A JSON-ready copy of `value`, each Uint8Array replaced by its placeholder and pushed on `buffers`. */
function withPlaceholders(value: unknown, buffers: Uint8Array[]): unknown {
  if (value instanceof Uint8Array) {
    buffers.push(value);
    return { [PLACEHOLDER_KEY]: buffers.length - 1 };
  }
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) {
    throw new FrameError('Only Uint8Array travels in a frame; send other typed arrays as their bytes.');
  }
  if (Array.isArray(value)) return value.map((v) => withPlaceholders(v, buffers));
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[escapeKey(k)] = withPlaceholders(v, buffers);
    return out;
  }
  return value;
}

/** One ArrayBuffer-backed frame of `value` (whose Uint8Arrays are copied once, into the frame). */
export function encodeFrame(value: unknown): Uint8Array<ArrayBuffer> {
  const buffers: Uint8Array[] = [];
  const json = new TextEncoder().encode(JSON.stringify(withPlaceholders(value, buffers)));
  if (buffers.length > MAX_BUFFERS) throw new FrameError(`A frame holds at most ${MAX_BUFFERS} buffers, not ${buffers.length}.`);
  const jsonStart = FIXED_HEAD_BYTES + 4 * buffers.length;
  let total = padded(jsonStart + json.length);
  for (const b of buffers) total += padded(b.length);
  if (json.length > MAX_U32 || buffers.some((b) => b.length > MAX_U32)) throw new FrameError('A frame part is over 4 GiB.');
  const frame = new Uint8Array(total);
  const view = new DataView(frame.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, json.length, true);
  view.setUint32(8, buffers.length, true);
  buffers.forEach((b, i) => view.setUint32(FIXED_HEAD_BYTES + 4 * i, b.length, true));
  frame.set(json, jsonStart);
  let offset = padded(jsonStart + json.length);
  for (const b of buffers) {
    frame.set(b, offset);
    offset += padded(b.length);
  }
  return frame;
}

/** What a frame's first bytes declare: enough to size (and refuse) the rest before reading it. */
export interface FrameHead {
  /** Bytes of the fixed head and the length table: where the JSON starts. */
  jsonStart: number;
  jsonByteLength: number;
  bufferLengths: readonly number[];
  /** Where the first buffer starts (the JSON and its padding end). */
  buffersStart: number;
  /** The whole frame's length, as declared. */
  totalByteLength: number;
}

/**
 * The head of a frame from its first bytes, or the number of bytes needed before it can be read
 * (12, then 12 + 4N). Throws FrameError for a wrong magic or a count over the limit.
 */
export function readFrameHead(prefix: Uint8Array): FrameHead | { needBytes: number } {
  if (prefix.length < FIXED_HEAD_BYTES) return { needBytes: FIXED_HEAD_BYTES };
  const view = new DataView(prefix.buffer, prefix.byteOffset, prefix.byteLength);
  if (view.getUint32(0, true) !== MAGIC) throw new FrameError('Not a Quorum frame (wrong magic).');
  const jsonByteLength = view.getUint32(4, true);
  const count = view.getUint32(8, true);
  if (count > MAX_BUFFERS) throw new FrameError(`The frame declares ${count} buffers; at most ${MAX_BUFFERS} are allowed.`);
  const jsonStart = FIXED_HEAD_BYTES + 4 * count;
  if (prefix.length < jsonStart) return { needBytes: jsonStart };
  const bufferLengths: number[] = [];
  for (let i = 0; i < count; i++) bufferLengths.push(view.getUint32(FIXED_HEAD_BYTES + 4 * i, true));
  const buffersStart = padded(jsonStart + jsonByteLength);
  const totalByteLength = bufferLengths.reduce((sum, n) => sum + padded(n), buffersStart);
  return { jsonStart, jsonByteLength, bufferLengths, buffersStart, totalByteLength };
}

/**
 * The JSON part of a frame, parsed, keys unescaped, placeholders kept as `{ $bytes: i }` only
 * where `buffers` is null (a server reads the request's JSON before it has its buffers).
 */
function parseJsonPart(text: string, buffers: readonly Uint8Array[] | null, count: number): unknown {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new FrameError('The frame’s JSON part is not valid JSON.');
  }
  const used = new Array<boolean>(count).fill(false);
  const resolve = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(resolve);
    if (typeof value !== 'object' || value === null) return value;
    const keys = Object.keys(value);
    if (keys.includes(PLACEHOLDER_KEY)) {
      const index = (value as Record<string, unknown>)[PLACEHOLDER_KEY];
      if (keys.length !== 1 || typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index >= count) {
        throw new FrameError('The frame holds a malformed buffer placeholder.');
      }
      if (used[index]) throw new FrameError(`The frame uses buffer ${index} twice.`);
      used[index] = true;
      return buffers === null ? { [PLACEHOLDER_KEY]: index } : buffers[index];
    }
    const out: Record<string, unknown> = {};
    for (const k of keys) {
      if (k.startsWith('$') && !k.startsWith('$$')) throw new FrameError(`The frame holds an unescaped key "${k}".`);
      out[k.startsWith('$') ? k.slice(1) : k] = resolve((value as Record<string, unknown>)[k]);
    }
    return out;
  };
  let out: unknown;
  try {
    out = resolve(parsed);
  } catch (e) {
    if (e instanceof FrameError) throw e;
    throw new FrameError('The frame’s JSON part is nested too deeply.');
  }
  if (used.some((u) => !u)) throw new FrameError('The frame holds a buffer that its JSON does not use.');
  return out;
}

function checkedHead(frame: Uint8Array): FrameHead {
  const head = readFrameHead(frame);
  if ('needBytes' in head) throw new FrameError(`The frame is cut short: ${frame.length} bytes, its head needs ${head.needBytes}.`);
  if (head.totalByteLength !== frame.length) {
    throw new FrameError(`The frame is ${frame.length} bytes but its head declares ${head.totalByteLength}.`);
  }
  return head;
}

/** The JSON part of a frame whose head was read, placeholders kept (see readFrameHead). */
export function decodeFrameJson(head: FrameHead, jsonBytes: Uint8Array): unknown {
  return parseJsonPart(decodeUtf8(jsonBytes), null, head.bufferLengths.length);
}

function decodeUtf8(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new FrameError('The frame’s JSON part is not valid UTF-8.');
  }
}

/**
 * The value of a whole frame. Its Uint8Arrays are views into `frame`'s buffer (no copy). Throws
 * FrameError, with the reason, for anything that is not exactly a frame.
 */
export function decodeFrame(frame: Uint8Array): unknown {
  const head = checkedHead(frame);
  const json = frame.subarray(head.jsonStart, head.jsonStart + head.jsonByteLength);
  const buffers: Uint8Array[] = [];
  let offset = head.buffersStart;
  for (const length of head.bufferLengths) {
    buffers.push(new Uint8Array(frame.buffer, frame.byteOffset + offset, length));
    offset += padded(length);
  }
  return parseJsonPart(decodeUtf8(json), buffers, buffers.length);
}
