/**
 * One stitched prediction of one model over a normalised volume: pad to the patch, slide the
 * window, run every TTA variant of every patch (flip input → run → flip output back), average the
 * variants, Gaussian-weight and accumulate, divide by the accumulated weights, crop the padding.
 * Returns logits (activation happens after stitching, as in nnU-Net).
 *
 * Every window is a full patch (the grid is padded to at least the patch and the last window ends
 * at the border), so every model run has the same static shape: what WebGPU's graph capture needs.
 * Running and stitching are an injected PatchEngine (patchEngine.ts): the CPU one over a
 * ModelRunner (onnxruntime-web WASM in a worker, onnxruntime-node in tests and benches) or the
 * WebGPU one. Cancellation is checked between patches.
 */
import type { Vec3 } from '../volume/types';
import { flipPatch } from './flip';
import { isZeroPatch, type PatchEngine, type PatchEngineFactory } from './patchEngine';
import { cropFrom, extractPatch, gaussianImportance, padToAtLeast, windowOrigins } from './slidingWindow';

export type { ModelRunner } from './patchEngine';
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
  /** Skip patches whose input is zero in every channel (the manifest's skipEmptyPatches; patchEngine.ts). */
  readonly skipZeroPatches?: boolean;
  /** Called after every model run (a skipped patch's too: it counts towards progress). */
  readonly onRun?: (runMs: number) => void;
  /** Called once per skipped window. */
  readonly onSkip?: () => void;
  readonly now?: () => number;
}

/** Number of windows predict() will run for these dims (before multiplying by variants). */
export function countWindows(dims: Vec3, patch: Vec3, overlap: number): number {
  const padded = [0, 1, 2].map((a) => Math.max(dims[a], patch[a])) as unknown as Vec3;
  return windowOrigins(padded, patch, overlap).length;
}

export async function predict(
  engine: PatchEngineFactory,
  channels: readonly Float32Array[],
  dims: Vec3,
  opts: PredictOptions,
): Promise<Float32Array[]> {
  const { patch, overlap, variants, outChannels } = opts;
  const now = opts.now ?? Date.now;
  const padded = padToAtLeast(channels, dims, patch);
  const pdims = padded.dims;
  const origins = windowOrigins(pdims, patch, overlap);
  const gaussian = gaussianImportance(patch);
  // Fold the variant average into the weight: Σ_v out_v · g / V, one pass over the patch.
  const weight = variants.length > 1 ? gaussian.map((g) => g / variants.length) : gaussian;
  const per = patch[0] * patch[1] * patch[2];
  const inBuf = new Float32Array(channels.length * per);
  const flipIn = new Float32Array(channels.length * per);
  const stitch = await engine({ dims: pdims, patch, inChannels: channels.length, outChannels, weight, gaussian, origins });
  try {
    await slide(stitch);
  } catch (e) {
    stitch.discard();
    throw e;
  }
  return (await stitch.finish()).map((a) => cropFrom(a, pdims, padded.offset, dims));

  async function slide(stitch: PatchEngine): Promise<void> {
    for (const origin of origins) {
      if (opts.signal?.aborted) throw new InferenceCancelledError();
      extractPatch(padded.channels, pdims, origin, patch, inBuf);
      const skip = opts.skipZeroPatches === true && isZeroPatch(inBuf);
      if (skip) opts.onSkip?.();
      for (const axes of variants) {
        let x = inBuf;
        if (axes.length && !skip) {
          flipPatch(inBuf, flipIn, channels.length, patch, axes);
          x = flipIn;
        }
        const t0 = now();
        await stitch.add(skip ? { kind: 'zero' } : { kind: 'values', data: x }, origin, axes);
        opts.onRun?.(now() - t0);
      }
    }
  }
}
