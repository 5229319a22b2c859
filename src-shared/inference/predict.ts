/**
 * One stitched prediction of one model over a normalised volume: pad to the patch, slide the
 * window, run every TTA variant of every patch (flip input → run → flip output back), average the
 * variants, Gaussian-weight and accumulate, divide by the accumulated weights, crop the padding.
 * Returns logits (activation happens after stitching, as in nnU-Net).
 *
 * The model is injected as a ModelRunner, so the same code drives onnxruntime-web (WASM/WebGPU in a
 * worker) and onnxruntime-node (tests, benches). Cancellation is checked between patches.
 */
import type { Vec3 } from '../volume/types';
import { flipPatch } from './flip';
import { accumulatePatch, cropFrom, extractPatch, gaussianImportance, padToAtLeast, weightSum, windowOrigins } from './slidingWindow';

/** Runs the model on one tensor [1, C, pk, pj, pi]; resolves to the output [1, Cout, pk, pj, pi]. */
export type ModelRunner = (input: Float32Array, shape: readonly number[]) => Promise<Float32Array>;

/** The part of AbortSignal we need; structural so src-shared needs no DOM types. */
export interface AbortSignalLike {
  readonly aborted: boolean;
  readonly reason?: unknown;
}

export class InferenceCancelledError extends Error {
  constructor() {
    super('inference cancelled');
    this.name = 'InferenceCancelledError';
  }
}

export interface PredictOptions {
  readonly patch: Vec3;
  readonly overlap: number;
  /** TTA variants to average inside each patch: lists of flipped axes; [[]] for none. */
  readonly variants: readonly (readonly number[])[];
  readonly outChannels: number;
  readonly signal?: AbortSignalLike;
  /** Called after every model run. */
  readonly onRun?: (runMs: number) => void;
  readonly now?: () => number;
}

/** Number of windows predict() will run for these dims (before multiplying by variants). */
export function countWindows(dims: Vec3, patch: Vec3, overlap: number): number {
  const padded = [0, 1, 2].map((a) => Math.max(dims[a], patch[a])) as unknown as Vec3;
  return windowOrigins(padded, patch, overlap).length;
}

export async function predict(
  runner: ModelRunner,
  channels: readonly Float32Array[],
  dims: Vec3,
  opts: PredictOptions,
): Promise<Float32Array[]> {
  const { patch, overlap, variants, outChannels } = opts;
  const now = opts.now ?? Date.now;
  const padded = padToAtLeast(channels, dims, patch);
  const pdims = padded.dims;
  const origins = windowOrigins(pdims, patch, overlap);
  const gauss = gaussianImportance(patch);
  // Fold the variant average into the weight: Σ_v out_v · g / V, one pass over the patch.
  const weight = variants.length > 1 ? gauss.map((g) => g / variants.length) : gauss;
  const per = patch[0] * patch[1] * patch[2];
  const inBuf = new Float32Array(channels.length * per);
  const flipIn = new Float32Array(channels.length * per);
  const flipOut = new Float32Array(outChannels * per);
  const shape = [1, channels.length, patch[2], patch[1], patch[0]];
  const nVox = pdims[0] * pdims[1] * pdims[2];
  const acc = Array.from({ length: outChannels }, () => new Float32Array(nVox));
  for (const origin of origins) {
    if (opts.signal?.aborted) throw new InferenceCancelledError();
    extractPatch(padded.channels, pdims, origin, patch, inBuf);
    for (const axes of variants) {
      let x = inBuf;
      if (axes.length) {
        flipPatch(inBuf, flipIn, channels.length, patch, axes);
        x = flipIn;
      }
      const t0 = now();
      let out = await runner(x, shape);
      opts.onRun?.(now() - t0);
      if (out.length !== outChannels * per) {
        throw new Error(
          `the model returned ${out.length} values for a ${patch.join('×')} patch; expected ${outChannels} channel(s) × ${per}`,
        );
      }
      if (axes.length) {
        flipPatch(out, flipOut, outChannels, patch, axes);
        out = flipOut;
      }
      accumulatePatch(acc, pdims, origin, patch, out, weight);
    }
  }
  const wsum = weightSum(pdims, origins, patch, gauss);
  return acc.map((a) => {
    for (let v = 0; v < nVox; v++) a[v] /= wsum[v];
    return cropFrom(a, pdims, padded.offset, dims);
  });
}
