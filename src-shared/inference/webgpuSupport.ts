/**
 * Can this ONNX graph run on onnxruntime-web's WebGPU EP? Checked at load from the graph's ops,
 * because the EP does not fall back to the CPU for an op it lacks: run() throws mid-inference.
 *
 * What we know (measured with onnxruntime-web 1.30, see docs/environment.md and docs/gpu.md):
 * - 3D ConvTranspose fails on every WebGPU build → blocking; the model must use WASM.
 * - 3D MaxPool/AveragePool fail in the default JSEP build unless the session is created with
 *   preferredLayout 'NCHW' (which Quorum always uses for 3D models) → a note, not blocking.
 * - Ops outside VERIFIED are not known to fail, but are unverified: a warning, and the caller
 *   keeps its run-time fallback to WASM.
 */
import type { OnnxGraphInfo } from './onnxGraph';

/** Ops seen working on the WebGPU EP (3D where it applies), or plain element-wise/shape ops. */
const VERIFIED = new Set([
  'Conv',
  'Resize',
  'InstanceNormalization',
  'BatchNormalization',
  'Softmax',
  'Sigmoid',
  'LeakyRelu',
  'Relu',
  'ArgMax',
  'Concat',
  'Add',
  'Sub',
  'Mul',
  'Div',
  'Constant',
  'Identity',
  'Reshape',
  'Transpose',
  'Shape',
  'Gather',
  'Slice',
  'Squeeze',
  'Unsqueeze',
  'Cast',
  'Clip',
  'Tanh',
  'Exp',
  'Sqrt',
  'Pow',
  'Neg',
  'Abs',
  'PRelu',
  'Elu',
  'Erf',
  'MaxPool',
  'AveragePool',
  'GlobalAveragePool',
  'Pad',
  'Split',
  'Expand',
  'ReduceMean',
  'ReduceSum',
  'ReduceMax',
  'MatMul',
  'Gemm',
  'Where',
  'Equal',
  'Flatten',
]);

export interface WebGpuCheck {
  /** False when some op is known to fail on WebGPU; then the model must run on WASM. */
  readonly canRunOnWebGpu: boolean;
  /** One sentence per known failure, for the user ("… cannot run on WebGPU; will use WASM"). */
  readonly blocking: readonly string[];
  /** Unverified ops and layout notes; informational. */
  readonly warnings: readonly string[];
  /** Op type → count, for provenance and display. */
  readonly opCounts: ReadonlyMap<string, number>;
}

export function checkWebGpu(graph: OnnxGraphInfo, modelName = 'the model'): WebGpuCheck {
  const opCounts = new Map<string, number>();
  const blocking: string[] = [];
  const warnings: string[] = [];
  const unverified = new Set<string>();
  let convT3d = 0;
  let pool3d = false;
  for (const node of graph.nodes) {
    const key = node.domain && node.domain !== 'ai.onnx' ? `${node.domain}.${node.opType}` : node.opType;
    opCounts.set(key, (opCounts.get(key) ?? 0) + 1);
    if (node.opType === 'ConvTranspose' && (node.kernelRank === undefined || node.kernelRank >= 3)) convT3d++;
    else if ((node.opType === 'MaxPool' || node.opType === 'AveragePool') && (node.kernelRank ?? 0) >= 3) pool3d = true;
    if (!VERIFIED.has(node.opType) && node.opType !== 'ConvTranspose') unverified.add(key);
    else if (node.domain && node.domain !== 'ai.onnx') unverified.add(key);
  }
  if (convT3d > 0) {
    blocking.push(
      `${modelName} cannot run on WebGPU; will use WASM: it has ${convT3d} 3D ConvTranspose node${convT3d > 1 ? 's' : ''}, ` +
        `which onnxruntime-web's WebGPU EP does not support (export with Resize + Conv instead).`,
    );
  }
  if (pool3d) warnings.push(`${modelName} uses 3D pooling, which needs the WebGPU session option preferredLayout 'NCHW'.`);
  if (unverified.size > 0) {
    warnings.push(
      `${modelName} uses ops not verified on WebGPU (${[...unverified].sort().join(', ')}); if WebGPU fails, Quorum falls back to WASM.`,
    );
  }
  return { canRunOnWebGpu: blocking.length === 0, blocking, warnings, opCounts };
}
