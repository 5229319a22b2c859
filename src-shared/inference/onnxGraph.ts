/**
 * A minimal reader of ONNX ModelProto bytes: just enough protobuf to list the graph's operators
 * (with the rank of each ConvTranspose / pooling kernel), the opset, and the graph inputs and outputs
 * with their shapes. It lets Quorum check a model against the WebGPU EP's known gaps at load, before
 * a session exists (onnxruntime-web exposes no op list, and unsupported ops throw only at run()).
 *
 * Field numbers are those of onnx.proto (IR version 3+): ModelProto{opset_import=8, graph=7},
 * GraphProto{node=1, initializer=5, input=11, output=12}, NodeProto{input=1, op_type=4, domain=7,
 * attribute=5}, AttributeProto{name=1, g=6, ints=8, graphs=11}, TensorProto{dims=1, name=8},
 * ValueInfoProto{name=1, type=2}, TypeProto{tensor_type=1}, Tensor{elem_type=1, shape=2},
 * TensorShapeProto{dim=1}, Dimension{dim_value=1, dim_param=2}.
 */
import { decodeUtf8 } from './utf8';

export interface OnnxNode {
  readonly opType: string;
  /** '' for the default ai.onnx domain. */
  readonly domain: string;
  readonly inputs: readonly string[];
  /** Rank of the spatial kernel if known (from kernel_shape, else the weight initializer's dims − 2). */
  readonly kernelRank?: number;
}

export interface OnnxValueInfo {
  readonly name: string;
  /** Dimensions: a number when fixed, a string when symbolic (dim_param), null when unknown. */
  readonly shape: readonly (number | string | null)[] | null;
}

export interface OnnxGraphInfo {
  readonly opsetVersion: number | null;
  /** All nodes, including those inside subgraphs (If / Loop / Scan bodies). */
  readonly nodes: readonly OnnxNode[];
  /** Graph inputs that are not initializers. */
  readonly inputs: readonly OnnxValueInfo[];
  readonly outputs: readonly OnnxValueInfo[];
}

/** Throws Error('not an ONNX model: …') on bytes that are not a parseable ModelProto. */
export function readOnnxGraph(bytes: Uint8Array): OnnxGraphInfo {
  let opsetVersion: number | null = null;
  let graph: Uint8Array | null = null;
  for (const f of fields(bytes, 0, bytes.length)) {
    if (f.no === 8 && f.bytes) {
      let domain = '';
      let version = 0;
      for (const g of fields(f.bytes, 0, f.bytes.length)) {
        if (g.no === 1 && g.bytes) domain = decodeUtf8(g.bytes);
        if (g.no === 2) version = g.value;
      }
      if (domain === '' || domain === 'ai.onnx') opsetVersion = version;
    } else if (f.no === 7 && f.bytes) {
      graph = f.bytes;
    }
  }
  if (!graph) throw new Error('not an ONNX model: no graph found');
  const nodes: OnnxNode[] = [];
  const { inputs, outputs, initializers } = readGraph(graph, nodes);
  return { opsetVersion, nodes, inputs: inputs.filter((i) => !initializers.has(i.name)), outputs };
}

function readGraph(graph: Uint8Array, nodesOut: OnnxNode[]) {
  const inputs: OnnxValueInfo[] = [];
  const outputs: OnnxValueInfo[] = [];
  const initializers = new Map<string, number>(); // name → rank
  const rawNodes: Uint8Array[] = [];
  for (const f of fields(graph, 0, graph.length)) {
    if (!f.bytes) continue;
    if (f.no === 1) rawNodes.push(f.bytes);
    else if (f.no === 5) {
      const t = readTensorHeader(f.bytes);
      initializers.set(t.name, t.rank);
    } else if (f.no === 11) inputs.push(readValueInfo(f.bytes));
    else if (f.no === 12) outputs.push(readValueInfo(f.bytes));
  }
  for (const raw of rawNodes) readNode(raw, initializers, nodesOut);
  return { inputs, outputs, initializers };
}

function readNode(raw: Uint8Array, initializers: Map<string, number>, nodesOut: OnnxNode[]): void {
  let opType = '';
  let domain = '';
  const inputs: string[] = [];
  let kernelRank: number | undefined;
  const subgraphs: Uint8Array[] = [];
  for (const f of fields(raw, 0, raw.length)) {
    if (!f.bytes) continue;
    if (f.no === 1) inputs.push(decodeUtf8(f.bytes));
    else if (f.no === 4) opType = decodeUtf8(f.bytes);
    else if (f.no === 7) domain = decodeUtf8(f.bytes);
    else if (f.no === 5) {
      let name = '';
      let ints = 0;
      for (const a of fields(f.bytes, 0, f.bytes.length)) {
        if (a.no === 1 && a.bytes) name = decodeUtf8(a.bytes);
        else if (a.no === 8)
          ints += a.bytes ? countVarints(a.bytes) : 1; // packed or not
        else if ((a.no === 6 || a.no === 11) && a.bytes) subgraphs.push(a.bytes);
      }
      if (name === 'kernel_shape' && ints > 0) kernelRank = ints;
    }
  }
  if (kernelRank === undefined && inputs.length > 1) {
    const wRank = initializers.get(inputs[1]);
    if (wRank !== undefined && wRank >= 3) kernelRank = wRank - 2;
  }
  nodesOut.push({ opType, domain, inputs, kernelRank });
  for (const g of subgraphs) readGraph(g, nodesOut);
}

function readTensorHeader(raw: Uint8Array): { name: string; rank: number } {
  let name = '';
  let rank = 0;
  for (const f of fields(raw, 0, raw.length)) {
    if (f.no === 1) rank += f.bytes ? countVarints(f.bytes) : 1;
    else if (f.no === 8 && f.bytes) name = decodeUtf8(f.bytes);
  }
  return { name, rank };
}

function readValueInfo(raw: Uint8Array): OnnxValueInfo {
  let name = '';
  let shape: (number | string | null)[] | null = null;
  for (const f of fields(raw, 0, raw.length)) {
    if (f.no === 1 && f.bytes) name = decodeUtf8(f.bytes);
    else if (f.no === 2 && f.bytes) {
      for (const t of fields(f.bytes, 0, f.bytes.length)) {
        if (t.no !== 1 || !t.bytes) continue; // tensor_type
        for (const s of fields(t.bytes, 0, t.bytes.length)) {
          if (s.no !== 2 || !s.bytes) continue; // shape
          shape = [];
          for (const d of fields(s.bytes, 0, s.bytes.length)) {
            if (d.no !== 1 || !d.bytes) continue;
            let dim: number | string | null = null;
            for (const v of fields(d.bytes, 0, d.bytes.length)) {
              if (v.no === 1) dim = v.value;
              else if (v.no === 2 && v.bytes) dim = decodeUtf8(v.bytes);
            }
            shape.push(dim);
          }
        }
      }
    }
  }
  return { name, shape };
}

export interface Field {
  no: number;
  /** Offsets in the buffer of the whole field, key included: copy [start, end) to keep it verbatim. */
  start: number;
  end: number;
  /** Varint / fixed value (wire types 0, 1, 5); 0 for length-delimited fields. */
  value: number;
  /** Payload of a length-delimited field (wire type 2), as a view (no copy). */
  bytes: Uint8Array | null;
}

/** Iterate the fields of one protobuf message in bytes[start, end). */
export function* fields(buf: Uint8Array, start: number, end: number): Generator<Field> {
  const pos = { p: start };
  while (pos.p < end) {
    const at = pos.p;
    const key = varint(buf, pos, end);
    const no = Math.floor(key / 8);
    const wire = key % 8;
    if (no === 0) throw new Error('not an ONNX model: invalid protobuf field number 0');
    if (wire === 0) {
      const value = varint(buf, pos, end);
      yield { no, start: at, end: pos.p, value, bytes: null };
    } else if (wire === 2) {
      const len = varint(buf, pos, end);
      if (len < 0 || pos.p + len > end) throw new Error('not an ONNX model: truncated protobuf field');
      const bytes = buf.subarray(pos.p, pos.p + len);
      pos.p += len;
      yield { no, start: at, end: pos.p, value: 0, bytes };
    } else if (wire === 1 || wire === 5) {
      const n = wire === 1 ? 8 : 4;
      if (pos.p + n > end) throw new Error('not an ONNX model: truncated protobuf field');
      let v = 0;
      for (let i = Math.min(n, 4) - 1; i >= 0; i--) v = v * 256 + buf[pos.p + i];
      pos.p += n;
      yield { no, start: at, end: pos.p, value: v, bytes: null };
    } else {
      throw new Error(`not an ONNX model: unsupported protobuf wire type ${wire}`);
    }
  }
}

/** Read a varint as a JS number; int64 negatives (10-byte two's complement) come back negative. */
function varint(buf: Uint8Array, pos: { p: number }, end: number): number {
  let lo = 0;
  let hi = 0;
  let shift = 0;
  for (let i = 0; i < 10; i++) {
    if (pos.p >= end) throw new Error('not an ONNX model: truncated varint');
    const b = buf[pos.p++];
    const bits = b & 0x7f;
    if (shift < 28) lo |= bits << shift;
    else if (shift === 28) {
      lo |= (bits & 0x0f) << 28;
      hi |= bits >> 4;
    } else hi |= bits << (shift - 32);
    if ((b & 0x80) === 0) {
      lo >>>= 0;
      hi >>>= 0;
      if (hi & 0x80000000) return -((~hi >>> 0) * 4294967296 + (~lo >>> 0) + 1);
      return hi * 4294967296 + lo;
    }
    shift += 7;
  }
  throw new Error('not an ONNX model: varint longer than 10 bytes');
}

function countVarints(packed: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < packed.length; i++) if ((packed[i] & 0x80) === 0) n++;
  return n;
}

/** The values of a packed repeated varint field (e.g. AttributeProto.ints, TensorProto.dims). */
export function packedVarints(packed: Uint8Array): number[] {
  const out: number[] = [];
  const pos = { p: 0 };
  while (pos.p < packed.length) out.push(varint(packed, pos, packed.length));
  return out;
}
