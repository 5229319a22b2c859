/**
 * ConvTranspose → Conv + depth-to-space, so nnU-Net's and MONAI's upsampling runs on the WebGPU EP
 * (which has no 3D ConvTranspose; see webgpuSupport.ts).
 *
 * A 3D ConvTranspose whose kernel equals its stride, with no padding, no output padding, group 1 and
 * dilation 1, writes each input voxel's k_d·k_h·k_w output block from that voxel alone:
 *   y[n, o, z·kd + a, y·kh + b, x·kw + c] = B[o] + Σ_i X[n, i, z, y, x] · W[i, o, a, b, c].
 * That is a 1×1×1 Conv with Cout·K channels (K = kd·kh·kw; channel (o, a, b, c) has weights
 * W[i, o, a, b, c] and bias B[o]) followed by a 3D depth-to-space: Reshape to
 * [N, Cout, kd, kh, kw, D, H, W], Transpose to [N, Cout, D, kd, H, kh, W, kw], Reshape to
 * [N, Cout, D·kd, H·kh, W·kw]. The shapes are taken from the tensor at run time (Shape, Gather,
 * Concat, Mul), so symbolic spatial sizes keep working.
 *
 * Only the top-level graph's nodes are rewritten; everything else in the file is copied byte for
 * byte. Protobuf field numbers are those listed in onnxGraph.ts, plus NodeProto{output=2, name=3},
 * AttributeProto{i=3, type=20}, TensorProto{data_type=2, float_data=4, raw_data=9, data_location=14}.
 */
import { fields, packedVarints, type Field } from './onnxGraph';
import { decodeUtf8 } from './utf8';
import { concat, FLOAT, int64s, intAttr, intsAttr, lengthDelimited, nodeProto, tensor } from './onnxWriter';

export interface ConvTransposeRewrite {
  /** The rewritten model; null when no node could be rewritten. */
  readonly bytes: Uint8Array | null;
  readonly rewritten: number;
  /** Why each ConvTranspose that stays was left alone, for the user. */
  readonly kept: readonly string[];
}

interface Node {
  readonly field: Field;
  readonly inputs: string[];
  readonly outputs: string[];
  readonly name: string;
  readonly opType: string;
  readonly domain: string;
  /** Attribute name → its ints (or [i] for a single int, [] for other kinds). */
  readonly attrs: Map<string, number[]>;
}

interface Initializer {
  readonly field: Field;
  readonly dims: number[];
  /** Float32 values, or null when the tensor is not float32 or its data is stored elsewhere. */
  readonly values: Float32Array | null;
}

export function rewriteConvTranspose(model: Uint8Array): ConvTransposeRewrite {
  const top = [...fields(model, 0, model.length)];
  const graphField = top.find((f) => f.no === 7 && f.bytes);
  if (!graphField?.bytes) throw new Error('not an ONNX model: no graph found');
  const graph = graphField.bytes;
  const gfields = [...fields(graph, 0, graph.length)];
  const nodes = gfields.filter((f) => f.no === 1).map(readNode);
  const inits = new Map<string, Initializer>();
  for (const f of gfields) if (f.no === 5) inits.set(...readInitializer(f));
  const uses = new Map<string, number>();
  for (const n of nodes) for (const i of n.inputs) uses.set(i, (uses.get(i) ?? 0) + 1);

  const kept: string[] = [];
  const replaced = new Map<Field, Uint8Array[]>();
  const newInits: Uint8Array[] = [];
  const dropInits = new Set<string>();
  for (const node of nodes) {
    if (node.opType !== 'ConvTranspose' || (node.domain !== '' && node.domain !== 'ai.onnx')) continue;
    const label = `ConvTranspose "${node.name || node.outputs[0]}"`;
    const why = whyNot(node, inits);
    if (why) {
      kept.push(`${label} ${why}`);
      continue;
    }
    const w = inits.get(node.inputs[1]) as Initializer & { values: Float32Array };
    const b = node.inputs[2] ? (inits.get(node.inputs[2]) as Initializer & { values: Float32Array }) : null;
    const [cin, cout, kd, kh, kw] = w.dims;
    const k = kd * kh * kw;
    const tag = `${node.outputs[0]}__q_d2s`;
    // Conv weight [Cout·K, Cin, 1, 1, 1]: channel o·K + r holds W[i, o, r] (r = a·kh·kw + b·kw + c).
    const w2 = new Float32Array(cout * k * cin);
    for (let i = 0; i < cin; i++)
      for (let o = 0; o < cout; o++) for (let r = 0; r < k; r++) w2[(o * k + r) * cin + i] = w.values[(i * cout + o) * k + r];
    newInits.push(tensor(`${tag}_w`, FLOAT, [cout * k, cin, 1, 1, 1], new Uint8Array(w2.buffer)));
    const convInputs = [node.inputs[0], `${tag}_w`];
    if (b) {
      const b2 = new Float32Array(cout * k);
      for (let o = 0; o < cout; o++) b2.fill(b.values[o], o * k, (o + 1) * k);
      newInits.push(tensor(`${tag}_b`, FLOAT, [cout * k], new Uint8Array(b2.buffer)));
      convInputs.push(`${tag}_b`);
    }
    newInits.push(int64s(`${tag}_i0`, [0]), int64s(`${tag}_i234`, [2, 3, 4]));
    newInits.push(int64s(`${tag}_blocks`, [cout, kd, kh, kw]), int64s(`${tag}_cout`, [cout]), int64s(`${tag}_k`, [kd, kh, kw]));
    const out = node.outputs[0];
    replaced.set(node.field, [
      nodeProto('Conv', convInputs, [`${tag}_conv`], `${tag}_conv`, [intsAttr('kernel_shape', [1, 1, 1])]),
      nodeProto('Shape', [`${tag}_conv`], [`${tag}_shape`], `${tag}_shape`),
      nodeProto('Gather', [`${tag}_shape`, `${tag}_i0`], [`${tag}_n`], `${tag}_n`, [intAttr('axis', 0)]),
      nodeProto('Gather', [`${tag}_shape`, `${tag}_i234`], [`${tag}_dhw`], `${tag}_dhw`, [intAttr('axis', 0)]),
      nodeProto('Concat', [`${tag}_n`, `${tag}_blocks`, `${tag}_dhw`], [`${tag}_s8`], `${tag}_s8`, [intAttr('axis', 0)]),
      nodeProto('Reshape', [`${tag}_conv`, `${tag}_s8`], [`${tag}_r8`], `${tag}_r8`),
      nodeProto('Transpose', [`${tag}_r8`], [`${tag}_t8`], `${tag}_t8`, [intsAttr('perm', [0, 1, 5, 2, 6, 3, 7, 4])]),
      nodeProto('Mul', [`${tag}_dhw`, `${tag}_k`], [`${tag}_up`], `${tag}_up`),
      nodeProto('Concat', [`${tag}_n`, `${tag}_cout`, `${tag}_up`], [`${tag}_s5`], `${tag}_s5`, [intAttr('axis', 0)]),
      nodeProto('Reshape', [`${tag}_t8`, `${tag}_s5`], [out], `${tag}_out`),
    ]);
    // The original weights go when nothing else reads them (an exported file stays about as small).
    for (const name of node.inputs.slice(1)) if (uses.get(name) === 1) dropInits.add(name);
  }
  if (replaced.size === 0) return { bytes: null, rewritten: 0, kept };

  const graphParts: Uint8Array[] = [];
  for (const f of gfields) {
    const swap = replaced.get(f);
    if (swap) for (const n of swap) graphParts.push(lengthDelimited(1, n));
    else if (f.no === 5 && dropInits.has(initializerName(f))) continue;
    else graphParts.push(graph.subarray(f.start, f.end));
  }
  for (const t of newInits) graphParts.push(lengthDelimited(5, t));
  const newGraph = concat(graphParts);
  const modelParts = top.map((f) => (f === graphField ? lengthDelimited(7, newGraph) : model.subarray(f.start, f.end)));
  return { bytes: concat(modelParts), rewritten: replaced.size, kept };
}

function whyNot(node: Node, inits: Map<string, Initializer>): string | null {
  const w = inits.get(node.inputs[1] ?? '');
  if (!w) return 'has weights computed in the graph, not stored';
  if (w.dims.length !== 5) return `is ${w.dims.length - 2}D, not 3D`;
  if (!w.values) return 'has weights that are not stored as float32 in the file';
  const b = node.inputs[2] ? inits.get(node.inputs[2]) : undefined;
  if (node.inputs[2] && !b?.values) return 'has a bias that is not stored as float32 in the file';
  const kernel = w.dims.slice(2);
  const a = node.attrs;
  const eq = (x: number[] | undefined, y: number[]) => !!x && x.length === y.length && x.every((v, i) => v === y[i]);
  const all = (name: string, v: number) => !a.has(name) || (a.get(name) as number[]).every((x) => x === v);
  if (a.has('kernel_shape') && !eq(a.get('kernel_shape'), kernel)) return 'has a kernel_shape that disagrees with its weights';
  if (!eq(a.get('strides'), kernel))
    return `has strides ${(a.get('strides') ?? [1]).join('×')} that differ from its kernel ${kernel.join('×')}`;
  if (!all('pads', 0)) return 'has padding';
  if (!all('output_padding', 0)) return 'has output_padding';
  if (a.has('output_shape')) return 'sets output_shape';
  if (!all('dilations', 1)) return 'is dilated';
  if (!all('group', 1)) return 'is grouped';
  if (a.has('auto_pad') && !all('auto_pad', 0)) return 'uses auto_pad';
  return null;
}

function readNode(field: Field): Node {
  const raw = field.bytes as Uint8Array;
  const inputs: string[] = [];
  const outputs: string[] = [];
  let name = '';
  let opType = '';
  let domain = '';
  const attrs = new Map<string, number[]>();
  for (const f of fields(raw, 0, raw.length)) {
    if (f.no === 1 && f.bytes) inputs.push(decodeUtf8(f.bytes));
    else if (f.no === 2 && f.bytes) outputs.push(decodeUtf8(f.bytes));
    else if (f.no === 3 && f.bytes) name = decodeUtf8(f.bytes);
    else if (f.no === 4 && f.bytes) opType = decodeUtf8(f.bytes);
    else if (f.no === 7 && f.bytes) domain = decodeUtf8(f.bytes);
    else if (f.no === 5 && f.bytes) {
      let an = '';
      const ints: number[] = [];
      for (const g of fields(f.bytes, 0, f.bytes.length)) {
        if (g.no === 1 && g.bytes) an = decodeUtf8(g.bytes);
        else if (g.no === 3) ints.push(g.value);
        else if (g.no === 8) ints.push(...(g.bytes ? packedVarints(g.bytes) : [g.value]));
        // auto_pad is a string; anything but NOTSET counts as set (its length stands in for a value).
        else if (g.no === 4 && g.bytes) ints.push(decodeUtf8(g.bytes) === 'NOTSET' ? 0 : 1);
      }
      attrs.set(an, ints);
    }
  }
  return { field, inputs, outputs, name, opType, domain, attrs };
}

function readInitializer(field: Field): [string, Initializer] {
  const raw = field.bytes as Uint8Array;
  const dims: number[] = [];
  let name = '';
  let dataType = 0;
  let rawData: Uint8Array | null = null;
  let floatData: Uint8Array | null = null;
  let external = false;
  for (const f of fields(raw, 0, raw.length)) {
    if (f.no === 1) dims.push(...(f.bytes ? packedVarints(f.bytes) : [f.value]));
    else if (f.no === 2) dataType = f.value;
    else if (f.no === 8 && f.bytes) name = decodeUtf8(f.bytes);
    else if (f.no === 9 && f.bytes) rawData = f.bytes;
    else if (f.no === 4 && f.bytes) floatData = f.bytes;
    else if (f.no === 14 && f.value === 1) external = true;
  }
  const count = dims.reduce((p, d) => p * d, 1);
  const data = rawData ?? floatData;
  let values: Float32Array | null = null;
  if (dataType === FLOAT && !external && data && data.length === count * 4) {
    values = new Float32Array(count);
    const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
    for (let i = 0; i < count; i++) values[i] = view.getFloat32(4 * i, true);
  }
  return [name, { field, dims, values }];
}

function initializerName(field: Field): string {
  const raw = field.bytes as Uint8Array;
  for (const f of fields(raw, 0, raw.length)) if (f.no === 8 && f.bytes) return decodeUtf8(f.bytes);
  return '';
}
