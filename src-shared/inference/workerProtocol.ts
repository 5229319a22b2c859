/**
 * Messages between the renderer and its inference Web Worker (to be implemented in src-renderer),
 * typed here so both ends share one definition (style.md: protocol types live in shared code, not
 * inside the worker file). Discriminated unions; big arrays travel as transferables.
 *
 * Flow: load → loaded (EP chosen, fallback reason) → run → progress* → result | error; cancel at
 * any time aborts between patches (the pipeline's AbortSignal) and answers error{cancelled: true}.
 */
import type { Geometry } from '../volume/types';
import type { BrowserEp } from './executionProvider';
import type { ChannelId } from './manifest';
import type { InferenceProgress, SegmentationResult } from './pipeline';
import type { InferenceProvenance } from './provenance';

/**
 * How the WebGPU EP runs (issue 16): 'plain' is onnxruntime-web with CPU tensors per patch (the
 * reference the options are checked against); otherwise GPU-resident input and output, with graph
 * capture and GPU accumulation each on or off (both on in the app).
 */
export type WebGpuPath = 'plain' | { readonly graphCapture: boolean; readonly gpuAccumulation: boolean };

export type InferenceWorkerRequest =
  | {
      readonly type: 'load';
      readonly requestId: string;
      /** model.json and every member file, by name (from the models endpoint, which serves verified folders only: not hashed again). */
      readonly files: Readonly<Record<string, ArrayBuffer>>;
      readonly preferWebGpu: boolean;
      /** ort.env.wasm.numThreads; needs cross-origin isolation above 1. */
      readonly wasmThreads: number;
      /** Default: graph capture and GPU accumulation on. Other values are for checks and benches. */
      readonly webgpuPath?: WebGpuPath;
      /** Accept a fallback (software) adapter such as SwiftShader: only the equality checks on CPU machines do. */
      readonly allowFallbackAdapter?: boolean;
    }
  // The case's grid rides along flat; its direction is for models in MONAI axis order.
  | ({
      readonly type: 'run';
      readonly requestId: string;
      readonly images: Partial<Record<ChannelId, Float32Array>>;
      readonly bValue?: number;
      readonly ttaFlipAxes?: readonly number[];
      /** Send the model's float logits back too (the calibration's re-run, issue 17). */
      readonly keepLogits?: boolean;
    } & Pick<Geometry, 'dims' | 'spacingMm' | 'direction'>)
  | { readonly type: 'cancel'; readonly requestId: string };

export type InferenceWorkerEvent =
  | {
      readonly type: 'loaded';
      readonly requestId: string;
      readonly ep: BrowserEp;
      readonly fallbackReason: string | null;
      readonly warnings: readonly string[];
      /** On WebGPU: the precision and why, and the path's settings (shown in the provider line); else null. */
      readonly webgpuDetail: string | null;
    }
  | { readonly type: 'progress'; readonly requestId: string; readonly progress: InferenceProgress }
  | {
      readonly type: 'result';
      readonly requestId: string;
      readonly result: SegmentationResult;
      readonly provenance: InferenceProvenance;
      /** As in 'loaded', now saying what actually ran (e.g. why graph capture fell back). */
      readonly webgpuDetail: string | null;
    }
  | { readonly type: 'error'; readonly requestId: string; readonly message: string; readonly cancelled: boolean };

type WorkerError = Extract<InferenceWorkerEvent, { type: 'error' }>;
type WorkerProgress = Extract<InferenceWorkerEvent, { type: 'progress' }>;

/** The worker's tasks, as the renderer's worker client declares them; a `cancel` message ends a run between patches. */
export type InferenceWorkerTasks = {
  load: {
    request: Extract<InferenceWorkerRequest, { type: 'load' }>;
    progress: WorkerProgress;
    result: Extract<InferenceWorkerEvent, { type: 'loaded' }> | WorkerError;
  };
  run: {
    request: Extract<InferenceWorkerRequest, { type: 'run' }>;
    progress: WorkerProgress;
    result: Extract<InferenceWorkerEvent, { type: 'result' }> | WorkerError;
  };
};
