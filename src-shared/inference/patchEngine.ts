/**
 * How predict() turns patches into a stitched map, split from the sliding-window loop so the same
 * loop drives two engines (issue 16):
 * - the CPU engine below (WASM, onnxruntime-node, tests): a ModelRunner's output comes back to the
 *   CPU, is flipped back and Gaussian-weighted into one Float32Array per output channel;
 * - the WebGPU engine (src-renderer/workers/webgpuEngine.ts): input uploaded into one GPU buffer,
 *   output left in another, weighting and accumulation done by a compute shader; only the final
 *   map comes back.
 *
 * Background patches: with the manifest's `skipEmptyPatches`, a patch whose normalised input is
 * zero in every channel is not run. Its output is the model's own output on an all-zero patch,
 * computed once per engine and reused (flipped back per TTA variant, since a flipped zero patch is
 * the same zero patch). A model's output depends only on its input patch, so this is exactly what
 * running the patch would give: the map does not change, only the time.
 */
import type { Vec3 } from '../volume/types';
import { flipPatch } from './flip';
import { accumulatePatch, weightSum } from './slidingWindow';

/** Runs the model on one tensor [1, C, pk, pj, pi]; resolves to the output [1, Cout, pk, pj, pi]. */
export type ModelRunner = (input: Float32Array, shape: readonly number[]) => Promise<Float32Array>;

/** What an engine needs to know about one stitched prediction, fixed before the first patch. */
export interface StitchGrid {
  /** The padded grid every window lies inside (i fastest). */
  readonly dims: Vec3;
  readonly patch: Vec3;
  readonly inChannels: number;
  readonly outChannels: number;
  /** Per patch voxel: the Gaussian divided by the number of TTA variants (their mean is folded in). */
  readonly weight: Float32Array;
  /** Per patch voxel: the Gaussian itself, whose sum over windows is the denominator. */
  readonly gaussian: Float32Array;
  readonly origins: readonly Vec3[];
}

/** The patch a window feeds the model: its values, or the all-zero patch (skipped, cached output). */
type PatchInput = { readonly kind: 'values'; readonly data: Float32Array } | { readonly kind: 'zero' };

export interface PatchEngine {
  /** Runs one patch (input already flipped along `flipAxes`) and adds its output, flipped back, at `origin`. */
  add(input: PatchInput, origin: Vec3, flipAxes: readonly number[]): Promise<void>;
  /** The weighted mean per output channel on the padded grid; the engine is spent afterwards. */
  finish(): Promise<Float32Array[]>;
  /** Frees what the engine holds without a result (a cancelled or failed run): GPU buffers of a grid's size. */
  discard(): void;
}

export type PatchEngineFactory = (grid: StitchGrid) => Promise<PatchEngine>;

/** True when every value of the patch is exactly zero (any channel): the patch can be skipped. */
export function isZeroPatch(x: Float32Array): boolean {
  for (let i = 0; i < x.length; i++) if (x[i] !== 0) return false;
  return true;
}

/** The CPU engine over a ModelRunner: the reference every GPU option is checked against. */
export function cpuPatchEngine(runner: ModelRunner): PatchEngineFactory {
  return async (g) => {
    const per = g.patch[0] * g.patch[1] * g.patch[2];
    const shape = [1, g.inChannels, g.patch[2], g.patch[1], g.patch[0]];
    const nVox = g.dims[0] * g.dims[1] * g.dims[2];
    const acc = Array.from({ length: g.outChannels }, () => new Float32Array(nVox));
    const flipOut = new Float32Array(g.outChannels * per);
    let zeroOut: Float32Array | null = null;
    const checked = async (x: Float32Array) => {
      const out = await runner(x, shape);
      if (out.length !== g.outChannels * per) {
        throw new Error(
          `the model returned ${out.length} values for a ${g.patch.join('×')} patch; expected ${g.outChannels} channel(s) × ${per}`,
        );
      }
      return out;
    };
    return {
      async add(input, origin, flipAxes) {
        let out: Float32Array;
        if (input.kind === 'values') out = await checked(input.data);
        else out = zeroOut ??= await checked(new Float32Array(g.inChannels * per));
        if (flipAxes.length) {
          flipPatch(out, flipOut, g.outChannels, g.patch, flipAxes);
          out = flipOut;
        }
        accumulatePatch(acc, g.dims, origin, g.patch, out, g.weight);
      },
      async finish() {
        const wsum = weightSum(g.dims, g.origins, g.patch, g.gaussian);
        for (const a of acc) for (let v = 0; v < nVox; v++) a[v] /= wsum[v];
        return acc;
      },
      discard() {}, // plain arrays: the garbage collector frees them
    };
  };
}
