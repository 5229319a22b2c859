/**
 * A ModelRunner over an onnxruntime InferenceSession. Typed structurally, so src-shared imports
 * neither onnxruntime-web nor onnxruntime-node: the caller passes its own session and Tensor
 * constructor (both packages share onnxruntime-common's API).
 */
import type { ModelRunner } from './predict';

export interface OrtTensorLike {
  readonly data: unknown;
  readonly dims: readonly number[];
  dispose?(): void;
}

export interface OrtSessionLike {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  run(feeds: Record<string, OrtTensorLike>): Promise<Record<string, OrtTensorLike>>;
}

export type OrtTensorFactory = (data: Float32Array, dims: readonly number[]) => OrtTensorLike;

export function ortRunner(session: OrtSessionLike, makeTensor: OrtTensorFactory, inputName?: string, outputName?: string): ModelRunner {
  const input = inputName ?? session.inputNames[0];
  const output = outputName ?? session.outputNames[0];
  return async (x, shape) => {
    const feed = makeTensor(x, shape);
    const result = await session.run({ [input]: feed });
    const t = result[output];
    if (!t) throw new Error(`the model produced no output named "${output}"`);
    if (!(t.data instanceof Float32Array)) throw new Error(`output "${output}" is not float32`);
    // Copy: a backend may reuse or free its output buffer once the tensor is disposed.
    const out = t.data.slice();
    for (const r of Object.values(result)) r.dispose?.();
    return out;
  };
}
