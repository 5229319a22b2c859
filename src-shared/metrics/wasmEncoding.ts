/**
 * Just enough of the WebAssembly binary format to write a one-function kernel in TypeScript: the
 * instructions it uses, as their byte encodings, and the module around them (one type, one function,
 * one exported memory). The kernel's source is then readable code in the repository, assembled to
 * the same bytes on every load, with no .wasm file to build, commit or fetch, and no assembler
 * dependency. Spec: https://webassembly.github.io/spec/core/binary/ (and the SIMD proposal's opcodes).
 */

/** Unsigned LEB128. */
function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

/** Signed LEB128 (i32.const immediates). */
function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

const vec = (items: readonly (readonly number[])[]): number[] => [...uleb(items.length), ...items.flat()];
const section = (id: number, body: readonly number[]): number[] => [id, ...uleb(body.length), ...body];
const name = (s: string): number[] => vec([...s].map((c) => [c.charCodeAt(0)]));
const simd = (op: number): number[] => [0xfd, ...uleb(op)];

export const I32 = 0x7f;
export const V128 = 0x7b;
type ValueType = typeof I32 | typeof V128;

/** Instructions, named as in the text format (`local.get` → `localGet`). Memory offsets are immediates. */
export const op = {
  block: [0x02, 0x40],
  loop: [0x03, 0x40],
  if: [0x04, 0x40],
  end: [0x0b],
  br: (depth: number) => [0x0c, ...uleb(depth)],
  brIf: (depth: number) => [0x0d, ...uleb(depth)],
  localGet: (i: number) => [0x20, ...uleb(i)],
  localSet: (i: number) => [0x21, ...uleb(i)],
  localTee: (i: number) => [0x22, ...uleb(i)],
  i32Const: (n: number) => [0x41, ...sleb(n)],
  i32Store: (offset: number) => [0x36, 2, ...uleb(offset)],
  i32Eqz: [0x45],
  i32Ne: [0x47],
  i32LtS: [0x48],
  i32LtU: [0x49],
  i32GtU: [0x4b],
  i32LeS: [0x4c],
  i32GeU: [0x4f],
  i32Clz: [0x67],
  i32Ctz: [0x68],
  i32Add: [0x6a],
  i32Sub: [0x6b],
  i32Mul: [0x6c],
  i32And: [0x71],
  /** Alignment hint 1 byte: the kernel's loads are not 16-byte aligned. */
  v128Load: (offset: number) => [...simd(0x00), 0, ...uleb(offset)],
  v128Store: (offset: number) => [...simd(0x0b), 0, ...uleb(offset)],
  v128Const: (bytes: readonly number[]) => [...simd(0x0c), ...bytes],
  i8x16Splat: simd(0x0f),
  i8x16Ne: simd(0x24),
  i8x16GeU: simd(0x2c),
  v128And: simd(0x4e),
  v128Or: simd(0x50),
  v128AnyTrue: simd(0x53),
  i8x16Bitmask: simd(0x64),
  i16x8ExtaddPairwiseI8x16U: simd(0x7d),
  i32x4ExtaddPairwiseI16x8U: simd(0x7f),
  i32x4Add: simd(0xae),
} as const;

interface FunctionSource {
  readonly params: readonly ValueType[];
  readonly results: readonly ValueType[];
  /** Locals after the parameters, in index order. */
  readonly locals: readonly ValueType[];
  readonly body: readonly (readonly number[])[];
}

/** A module exporting one function as `exportName` and its memory (initially `pages` × 64 KiB) as "memory". */
export function moduleBytes(fn: FunctionSource, exportName: string, pages: number): Uint8Array<ArrayBuffer> {
  const type = [0x60, ...vec(fn.params.map((t) => [t])), ...vec(fn.results.map((t) => [t]))];
  const code = [...vec(fn.locals.map((t) => [1, t])), ...fn.body.flat(), ...op.end];
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vec([type])),
    ...section(3, vec([[0]])),
    ...section(5, vec([[0x00, ...uleb(pages)]])),
    ...section(
      7,
      vec([
        [...name(exportName), 0x00, 0],
        [...name('memory'), 0x02, 0],
      ]),
    ),
    ...section(10, vec([[...uleb(code.length), ...code]])),
  ]);
}
