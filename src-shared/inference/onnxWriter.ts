/**
 * A minimal writer of the ONNX protobuf messages Quorum creates (the ConvTranspose rewrite, and
 * test graphs): varints, length-delimited fields, TensorProto with raw_data, AttributeProto with
 * int / ints, NodeProto, and (for test graphs) ValueInfoProto of a float tensor. Field numbers as in onnxGraph.ts and convTransposeRewrite.ts.
 */
import { encodeUtf8 } from './utf8';

export const FLOAT = 1;
const INT64 = 7;

function varintBytes(v: number): number[] {
  const out: number[] = [];
  let x = v;
  if (x < 0) throw new Error('negative varints are not written here');
  while (x >= 0x80) {
    out.push((x % 0x80) | 0x80);
    x = Math.floor(x / 0x80);
  }
  out.push(x);
  return out;
}

export function lengthDelimited(no: number, payload: Uint8Array): Uint8Array {
  return concat([Uint8Array.from([...varintBytes(no * 8 + 2), ...varintBytes(payload.length)]), payload]);
}

export function varintField(no: number, v: number): Uint8Array {
  return Uint8Array.from([...varintBytes(no * 8), ...varintBytes(v)]);
}

export function str(no: number, s: string): Uint8Array {
  return lengthDelimited(no, encodeUtf8(s));
}

function packed(no: number, values: readonly number[]): Uint8Array {
  return lengthDelimited(no, Uint8Array.from(values.flatMap(varintBytes)));
}

export function tensor(name: string, dataType: number, dims: readonly number[], rawData: Uint8Array): Uint8Array {
  return concat([packed(1, dims), varintField(2, dataType), str(8, name), lengthDelimited(9, rawData)]);
}

export function int64s(name: string, values: readonly number[]): Uint8Array {
  const data = new Uint8Array(8 * values.length);
  const view = new DataView(data.buffer);
  values.forEach((v, i) => view.setBigInt64(8 * i, BigInt(v), true));
  return tensor(name, INT64, [values.length], data);
}

export function intAttr(name: string, v: number): Uint8Array {
  return concat([str(1, name), varintField(20, 2), varintField(3, v)]);
}

export function intsAttr(name: string, values: readonly number[]): Uint8Array {
  return concat([str(1, name), varintField(20, 7), packed(8, values)]);
}

export function nodeProto(
  op: string,
  inputs: readonly string[],
  outputs: readonly string[],
  name: string,
  attrs: Uint8Array[] = [],
  domain = '',
): Uint8Array {
  return concat([
    ...inputs.map((i) => str(1, i)),
    ...outputs.map((o) => str(2, o)),
    str(3, name),
    str(4, op),
    ...attrs.map((a) => lengthDelimited(5, a)),
    ...(domain ? [str(7, domain)] : []),
  ]);
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** ValueInfoProto of a float tensor; a string dimension is symbolic (dim_param). */
export function valueInfo(name: string, dims: readonly (number | string)[]): Uint8Array {
  const dimMsgs = dims.map((d) => lengthDelimited(1, typeof d === 'number' ? varintField(1, d) : str(2, d)));
  const tensorType = concat([varintField(1, FLOAT), lengthDelimited(2, concat(dimMsgs))]);
  return concat([str(1, name), lengthDelimited(2, lengthDelimited(1, tensorType))]);
}
