/**
 * Finds the rows of two masks that hold any non-zero byte, 16 bytes per instruction (WebAssembly
 * SIMD), so the counting pass visits only those rows. On lesion masks nearly every row is background,
 * and this test over all of both arrays is the whole of the pass's memory traffic: it is what makes
 * the pass as fast as numpy's `count_nonzero` (issue 19, target 3), where 32-bit words in plain
 * JavaScript were about 4× slower.
 *
 * WebAssembly reads only its own memory, so the masks go through it a chunk of rows at a time
 * (`TypedArray.set`, a native copy): a chunk small enough to stay in the core's cache is copied from
 * RAM once and then read from cache, so the copy adds cache traffic, not RAM traffic.
 *
 * Runs wherever WebAssembly SIMD does (Node ≥ 16.4, Chromium ≥ 91, Electron's renderer and workers);
 * elsewhere `nonEmptyRows` returns null and the caller scans in JavaScript.
 */
import { I32, V128, moduleBytes, op } from './wasmEncoding';

/** Bytes of each mask per chunk: both chunks together (64 KiB) stay in a core's L2 cache. */
const CHUNK_BYTES = 32 * 1024;
/** The kernel reads 32 bytes of each row per step, and a row's last 32 bytes for its tail. */
const MIN_ROW = 32;

// scan(rows, rowLength, predAt, outAt) -> found: for each row r of the chunk of `rows` rows of
// `rowLength` bytes at 0 (reference) and at predAt (prediction), if any byte of either is non-zero,
// writes r as an i32 at outAt + 4·found and counts it.
const [ROWS, ROW_LENGTH, PRED_AT, OUT_AT, ROW, P, END, FOUND, ACC] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
/** acc |= the 32 bytes at p in both masks. */
const orBothAtP = [
  op.localGet(ACC),
  op.localGet(P),
  op.v128Load(0),
  op.v128Or,
  op.localGet(P),
  op.v128Load(16),
  op.v128Or,
  op.localGet(P),
  op.localGet(PRED_AT),
  op.i32Add,
  op.v128Load(0),
  op.v128Or,
  op.localGet(P),
  op.localGet(PRED_AT),
  op.i32Add,
  op.v128Load(16),
  op.v128Or,
  op.localSet(ACC),
];
const SCAN = moduleBytes(
  {
    params: [I32, I32, I32, I32],
    results: [I32],
    locals: [I32, I32, I32, I32, V128],
    body: [
      op.block,
      op.loop,
      ...[op.localGet(ROW), op.localGet(ROWS), op.i32GeU, op.brIf(1)],
      ...[op.localGet(ROW), op.localGet(ROW_LENGTH), op.i32Mul, op.localSet(P)],
      ...[op.localGet(P), op.localGet(ROW_LENGTH), op.i32Add, op.localSet(END)],
      ...[op.v128Zero, op.localSet(ACC)],
      op.block,
      op.loop,
      ...[op.localGet(P), op.i32Const(32), op.i32Add, op.localGet(END), op.i32GtU, op.brIf(1)],
      ...orBothAtP,
      ...[op.localGet(P), op.i32Const(32), op.i32Add, op.localSet(P)],
      op.br(0),
      op.end,
      op.end,
      // Fewer than 32 bytes left: read the row's last 32, overlapping bytes already read (OR is idempotent).
      ...[op.localGet(P), op.localGet(END), op.i32LtU, op.if],
      ...[op.localGet(END), op.i32Const(32), op.i32Sub, op.localSet(P)],
      ...orBothAtP,
      op.end,
      ...[op.localGet(ACC), op.v128AnyTrue, op.if],
      ...[op.localGet(OUT_AT), op.localGet(FOUND), op.i32Const(2), op.i32Shl, op.i32Add, op.localGet(ROW), op.i32Store(0)],
      ...[op.localGet(FOUND), op.i32Const(1), op.i32Add, op.localSet(FOUND)],
      op.end,
      ...[op.localGet(ROW), op.i32Const(1), op.i32Add, op.localSet(ROW)],
      op.br(0),
      op.end,
      op.end,
      op.localGet(FOUND),
    ],
  },
  'scan',
  2,
);

/** The part of the WebAssembly JS API used here; src-shared compiles without DOM or Node types. */
interface WasmApi {
  validate(bytes: Uint8Array<ArrayBuffer>): boolean;
  Module: new (bytes: Uint8Array<ArrayBuffer>) => object;
  Instance: new (module: object) => { exports: Record<string, unknown> };
}
interface Kernel {
  scan(rows: number, rowLength: number, predAt: number, outAt: number): number;
  memory: { buffer: ArrayBuffer; grow(pages: number): number };
}

let kernel: Kernel | null | undefined;

/** Compiled on first use, once per thread (a few hundred bytes: compiling takes well under a millisecond). */
function loadKernel(): Kernel | null {
  if (kernel !== undefined) return kernel;
  const wasm = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  kernel = wasm?.validate(SCAN) ? (new wasm.Instance(new wasm.Module(SCAN)).exports as unknown as Kernel) : null;
  return kernel;
}

/**
 * Indices of the rows (runs of `rowLength` bytes, `rows` of them) where `ref` or `pred` has a non-zero
 * byte, ascending; null when WebAssembly SIMD is unavailable or rows are shorter than 32 bytes.
 */
export function nonEmptyRows(ref: Uint8Array, pred: Uint8Array, rowLength: number, rows: number): Int32Array | null {
  if (rowLength < MIN_ROW) return null;
  const k = loadKernel();
  if (!k) return null;
  const perChunk = Math.max(1, Math.floor(CHUNK_BYTES / rowLength));
  const chunk = perChunk * rowLength;
  const outAt = (2 * chunk + 3) & ~3;
  const needed = outAt + 4 * perChunk;
  if (k.memory.buffer.byteLength < needed) k.memory.grow(Math.ceil((needed - k.memory.buffer.byteLength) / 65536));
  const bytes = new Uint8Array(k.memory.buffer);
  const out = new Int32Array(k.memory.buffer, outAt, perChunk);
  let found = new Int32Array(64),
    n = 0;
  for (let row0 = 0; row0 < rows; row0 += perChunk) {
    const m = Math.min(perChunk, rows - row0);
    const from = row0 * rowLength,
      to = from + m * rowLength;
    bytes.set(ref.subarray(from, to), 0);
    bytes.set(pred.subarray(from, to), chunk);
    const f = k.scan(m, rowLength, chunk, outAt);
    if (n + f > found.length) {
      const grown = new Int32Array(Math.max(2 * found.length, n + f));
      grown.set(found.subarray(0, n));
      found = grown;
    }
    for (let i = 0; i < f; i++) found[n++] = row0 + out[i];
  }
  return found.subarray(0, n);
}
